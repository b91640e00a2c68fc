"""The Geofabrik extract that covers each département.

Geofabrik cuts France along the régions as they were before 2016 (``centre``,
``pays-de-la-loire``, ``rhone-alpes``…), one ``<region>-latest.osm.pbf`` each; the five
overseas départements have their own extract under the same folder.
"""

from __future__ import annotations

_REGIONS = {
    "alsace": "67 68", "aquitaine": "24 33 40 47 64", "auvergne": "03 15 43 63",
    "basse-normandie": "14 50 61", "bourgogne": "21 58 71 89", "bretagne": "22 29 35 56",
    "centre": "18 28 36 37 41 45", "champagne-ardenne": "08 10 51 52", "corse": "2A 2B",
    "franche-comte": "25 39 70 90", "haute-normandie": "27 76", "ile-de-france": "75 77 78 91 92 93 94 95",
    "languedoc-roussillon": "11 30 34 48 66", "limousin": "19 23 87", "lorraine": "54 55 57 88",
    "midi-pyrenees": "09 12 31 32 46 65 81 82", "nord-pas-de-calais": "59 62",
    "pays-de-la-loire": "44 49 53 72 85", "picardie": "02 60 80", "poitou-charentes": "16 17 79 86",
    "provence-alpes-cote-d-azur": "04 05 06 13 83 84", "rhone-alpes": "01 07 26 38 42 69 73 74",
    "guadeloupe": "971", "martinique": "972", "guyane": "973", "reunion": "974", "mayotte": "976",
}
GEOFABRIK_REGION = {code: region for region, codes in _REGIONS.items() for code in codes.split()}


def geofabrik_regions(departements) -> list[str]:
    """The extracts covering ``departements`` (codes Geofabrik does not cover, such as the
    demo's, are left out)."""
    return sorted({GEOFABRIK_REGION[code] for code in departements if code in GEOFABRIK_REGION})
