"""Territories by name: ``demo``, ``france``, a région (``region:24``) or département codes
separated by commas, each with the départements it covers and a short, stable folder name.

The régions are the COG's since 2016 (their codes are INSEE's); the tests check them
against the public geo reference when it is at hand.
"""

from __future__ import annotations

import hashlib

DEMO = "demo"
DEMO_DEPARTEMENT = "00"  # no real département has this code: demo data never mixes with real
FRANCE = "france"
REGION_PREFIX = "region:"
REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "01": ("Guadeloupe", ("971",)),
    "02": ("Martinique", ("972",)),
    "03": ("Guyane", ("973",)),
    "04": ("La Réunion", ("974",)),
    "06": ("Mayotte", ("976",)),
    "11": ("Île-de-France", ("75", "77", "78", "91", "92", "93", "94", "95")),
    "24": ("Centre-Val de Loire", ("18", "28", "36", "37", "41", "45")),
    "27": ("Bourgogne-Franche-Comté", ("21", "25", "39", "58", "70", "71", "89", "90")),
    "28": ("Normandie", ("14", "27", "50", "61", "76")),
    "32": ("Hauts-de-France", ("02", "59", "60", "62", "80")),
    "44": ("Grand Est", ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88")),
    "52": ("Pays de la Loire", ("44", "49", "53", "72", "85")),
    "53": ("Bretagne", ("22", "29", "35", "56")),
    "75": ("Nouvelle-Aquitaine", ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87")),
    "76": ("Occitanie", ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82")),
    "84": ("Auvergne-Rhône-Alpes", ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74")),
    "93": ("Provence-Alpes-Côte d'Azur", ("04", "05", "06", "13", "83", "84")),
    "94": ("Corse", ("2A", "2B")),
}
LARGEST_REGION = max(len(codes) for _, codes in REGIONS.values())  # départements: Occitanie's 13


def beyond_a_region(departements: tuple[str, ...]) -> bool:
    """Whether a territory is larger than the largest région: its maps then go by
    département (an overview, a page each) and its PNG/PDF exports become opt-in."""
    return len(departements) > LARGEST_REGION


MAX_LISTED_FOLDER = 64  # a list of départements longer than this is named by its digest


class UnknownTerritory(ValueError):
    """A territory that names no région or département, said with what was expected."""


def _region(territory: str) -> str | None:
    """The région code of ``region:<code>`` (any case, spaces around), else None."""
    name = territory.strip()
    return name[len(REGION_PREFIX):].strip() if name.lower().startswith(REGION_PREFIX) else None


def departements_of(territory: str) -> tuple[str, ...]:
    """The départements a territory covers, in the order given (a région's and France's
    in code order)."""
    name = territory.strip()
    if name == DEMO:
        return (DEMO_DEPARTEMENT,)
    if name.lower() == FRANCE:
        return tuple(code for _, (_, codes) in sorted(REGIONS.items()) for code in codes)
    code = _region(name)
    if code is not None:
        if code not in REGIONS:
            raise UnknownTerritory(f"territory '{territory}': no région {code!r} "
                                   f"(régions: {', '.join(sorted(REGIONS))})")
        return REGIONS[code][1]
    codes = tuple(code.strip().upper() for code in name.split(",") if code.strip())
    known = {code for _, region in REGIONS.values() for code in region}
    unknown = [code for code in codes if code not in known]
    if unknown or not codes:
        raise UnknownTerritory(f"territory '{territory}': {', '.join(unknown) or 'nothing'} is not a département code "
                               "(expected demo, france, region:<code> or codes such as 41,18)")
    return codes


def folder_of(territory: str) -> str:
    """The territory's folder under raw/ and staging/: its name for demo, france and a
    région (``region-24``), the codes as given for a short list (``41`` or ``2A,2B``), and
    for a long one ``departements-`` and a digest of its sorted codes (the same whatever their
    order, far under the file system's 255 bytes)."""
    name = territory.strip()
    if name == DEMO or name.lower() == FRANCE:
        return name.lower()
    if _region(name) is not None:
        return "region-" + _region(name)
    codes = departements_of(name)
    listed = ",".join(codes)
    if len(listed) <= MAX_LISTED_FOLDER:
        return listed
    return "departements-" + hashlib.sha256(",".join(sorted(set(codes))).encode()).hexdigest()[:12]


def name_of(territory: str, departement_names: dict[str, str]) -> str:
    """How the pages name a territory: « France », a région's name, or its départements'."""
    name = territory.strip()
    if name.lower() == FRANCE:
        return "France"
    if _region(name) is not None:
        return REGIONS[_region(name)][0]
    return ", ".join(departement_names.get(code, code) for code in departements_of(name))
