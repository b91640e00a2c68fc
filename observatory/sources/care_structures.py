"""Reader of the FINESS establishment extract published on data.gouv.fr (etalab format).

No header: a first ``finess;etalab;...`` line, then ``structureet`` lines (32 fields) and
``geolocalisation`` lines (6 fields, coordinates in a local projection such as Lambert-93),
semicolon-separated, latin-1 in older files. Only care structures relevant to primary care
are kept: health centres (MSP, centres de santé), hospitals and clinics.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyproj

from .delimited import read_lines
from .errors import SourceFormatError
from .staged import RowChecks, StagedTable, rejections

DATASET = "care_structures"
SCHEMA = {"finess_id": "string", "name": "string", "kind": "string", "category_code": "string",
          "category_label": "string", "commune_code": "string", "lon": "float64", "lat": "float64", "opened": "string",
          "line": "int64"}
STRUCTURE_FIELDS = (
    "structureet", "nofinesset", "nofinessej", "rs", "rslongue", "complrs", "compldistrib",
    "numvoie", "typvoie", "voie", "compvoie", "lieuditbp", "commune", "departement",
    "libdepartement", "ligneacheminement", "telephone", "telecopie", "categetab",
    "libcategetab", "categagretab", "libcategagretab", "siret", "codeape", "codemft",
    "libmft", "codesph", "libsph", "dateouv", "dateautor", "datemaj", "numuai",
)
GEOLOCATION_FIELDS = ("geolocalisation", "nofinesset", "coordxet", "coordyet", "sourcecoordet", "datemaj")

# FINESS establishment categories kept, by kind of structure.
KIND_BY_CATEGORY = {
    "603": "maison_de_sante",  # Maison de santé (L.6223-3)
    "124": "centre_de_sante",  # Centre de santé
    "101": "hopital",  # Centre hospitalier régional
    "355": "hopital",  # Centre hospitalier
    "106": "hopital",  # Centre hospitalier, ex-hôpital local
    "365": "clinique",  # Établissement de soins pluridisciplinaire
    "128": "clinique",  # Établissement de soins chirurgicaux
}

# Projection named in ``sourcecoordet`` -> EPSG code.
PROJECTIONS = {
    "LAMBERT_93": 2154,
    "UTM_N20": 5490,  # Guadeloupe, Martinique
    "UTM_N22": 2972,  # Guyane
    "UTM_S40": 2975,  # La Réunion
    "UTM_S38": 4471,  # Mayotte
}


def _records(lines: pa.Array, kind: str, fields: tuple[str, ...]) -> tuple[pa.ListArray, pa.Array]:
    split = pc.split_pattern(pc.utf8_rtrim(lines, characters="\r"), ";")
    numbers = pa.array(range(1, len(lines) + 1), pa.int64())
    of_kind = pc.equal(pc.list_element(split, 0), kind)
    return split.filter(of_kind), numbers.filter(of_kind)


def _to_wgs84(x: pd.Series, y: pd.Series, source: pd.Series) -> tuple[pd.Series, pd.Series]:
    lon = pd.Series(float("nan"), index=x.index)
    lat = pd.Series(float("nan"), index=x.index)
    for name, epsg in PROJECTIONS.items():
        mask = source.str.contains(name, regex=False).fillna(False).astype(bool)
        if mask.any():
            transformer = pyproj.Transformer.from_crs(epsg, 4326, always_xy=True)
            lon[mask], lat[mask] = transformer.transform(x[mask].to_numpy(), y[mask].to_numpy())
    return lon, lat


def read_care_structures(path: Path, departements: tuple[str, ...]) -> StagedTable:
    """Primary-care-relevant structures of ``departements`` with WGS84 coordinates.

    Lines of the wrong length are quarantined; structures of other categories or
    départements are out of scope; a structure without usable coordinates is kept with
    empty ``lon``/``lat``.
    """
    path = Path(path)
    lines, encoding = read_lines(path)
    if len(lines) == 0 or not lines[0].as_py().startswith("finess;"):
        raise SourceFormatError(path, 1, None, "not a FINESS etalab extract (first line should start with 'finess;')")
    structures, numbers = _records(lines, "structureet", STRUCTURE_FIELDS)
    counts = pc.list_value_length(structures)
    good = pc.equal(counts, len(STRUCTURE_FIELDS))
    bad_counts = counts.filter(pc.invert(good)).to_pylist()
    malformed = rejections(
        DATASET, path.name, numbers.filter(pc.invert(good)).to_pylist(), "(line)",
        [f"expected {len(STRUCTURE_FIELDS)} fields, found {n}" for n in bad_counts],
    )
    structures, numbers = structures.filter(good), numbers.filter(good)
    wanted = {
        "finess_id": "nofinesset", "name": "rs", "commune": "commune", "departement": "departement",
        "category_code": "categetab", "category_label": "libcategetab", "opened": "dateouv",
    }
    frame = pa.table(
        {ours: pc.list_element(structures, STRUCTURE_FIELDS.index(theirs)) for ours, theirs in wanted.items()}
        | {"line": numbers}
    ).to_pandas(types_mapper=lambda t: pd.StringDtype() if pa.types.is_string(t) else None)
    rows_read = len(frame) + len(malformed)
    frame = frame[frame["departement"].isin(departements) & frame["category_code"].isin(KIND_BY_CATEGORY)]
    frame = frame.assign(
        commune_code=frame["departement"] + frame["commune"],
        kind=frame["category_code"].map(KIND_BY_CATEGORY).astype("string"),
    )

    located, _ = _records(lines, "geolocalisation", GEOLOCATION_FIELDS)
    located = located.filter(pc.equal(pc.list_value_length(located), len(GEOLOCATION_FIELDS)))
    coordinates = pd.DataFrame(
        {
            "finess_id": pc.list_element(located, 1).to_pandas(),
            "x": pd.to_numeric(pc.list_element(located, 2).to_pandas(), errors="coerce"),
            "y": pd.to_numeric(pc.list_element(located, 3).to_pandas(), errors="coerce"),
            "source": pc.list_element(located, 4).to_pandas().astype("string"),
        }
    ).drop_duplicates("finess_id")
    frame = frame.merge(coordinates, on="finess_id", how="left")
    frame["lon"], frame["lat"] = _to_wgs84(frame["x"], frame["y"], frame["source"].fillna(""))

    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(~frame["finess_id"].str.fullmatch(r"[0-9AB]{9}"), "nofinesset", "malformed FINESS number")
    checks.reject_duplicates(["finess_id"], "nofinesset", "establishment")
    table = checks.accepted()[
        ["finess_id", "name", "kind", "category_code", "category_label", "commune_code", "lon", "lat", "opened", "line"]
    ]
    return StagedTable(
        table=table,
        rejects=checks.rejects(malformed),
        rows_read=rows_read,
        out_of_scope=rows_read - len(malformed) - len(frame),
        stats={"encoding": encoding, "without_coordinates": int(table["lon"].isna().sum())},
    )
