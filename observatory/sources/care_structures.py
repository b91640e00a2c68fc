"""Readers of the FINESS establishments published on data.gouv.fr, in both layouts.

* The FINESS+ « structures » JSON (the current, daily flow of the ANS; schema
  ``ansforge/finess flux/out/data.gouv/structure/schema``): legal entities (``pmej``), each
  with its establishments (``ege``) carrying a category (TRE-R397, the same codes as the
  legacy categories), addresses with a COG commune code and WGS84 coordinates.
* The legacy etalab extract cs1100507 (frozen in May 2026): no header, a first
  ``finess;etalab;...`` line, then ``structureet`` lines (32 fields) and ``geolocalisation``
  lines (6 fields, coordinates in a local projection such as Lambert-93), semicolon-separated,
  latin-1 in older files.

Only care structures relevant to primary care are kept: health centres (MSP, centres de
santé), hospitals and clinics.
"""

from __future__ import annotations

from pathlib import Path

import ijson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyproj

from .delimited import read_lines
from .errors import SourceFormatError
from .geography import departement_of
from .staged import RowChecks, StagedTable, empty_rejections, rejections

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

# FINESS establishment categories kept: (kind of structure, label). The FINESS+ JSON gives
# the code only (TRE-R397 shares the legacy codes: 365 is a clinic, 377 the experimental
# establishment for disabled children, in both); the label is the legacy one.
CATEGORIES = {
    "603": ("maison_de_sante", "Maison de santé (L.6223-3)"),
    "124": ("centre_de_sante", "Centre de Santé"),
    "101": ("hopital", "Centre Hospitalier Régional (C.H.R.)"),
    "355": ("hopital", "Centre Hospitalier (C.H.)"),
    "106": ("hopital", "Centre hospitalier, ex Hôpital local"),
    "365": ("clinique", "Etablissement de Soins Pluridisciplinaire"),
    "128": ("clinique", "Etablissement de Soins Chirurgicaux"),
}
KIND_BY_CATEGORY = {code: kind for code, (kind, _) in CATEGORIES.items()}
COLUMNS = list(SCHEMA)

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
    """Primary-care-relevant structures of ``departements`` with WGS84 coordinates, from
    either layout (a ``.json`` file is the FINESS+ flow)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return read_finess_plus(path, departements)
    return read_etalab_extract(path, departements)


def _validated(frame: pd.DataFrame, path: Path, malformed: pd.DataFrame, rows_read: int, in_scope: int,
               stats: dict) -> StagedTable:
    """The checks both layouts share: a well-formed FINESS number, each establishment once."""
    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(~frame["finess_id"].str.fullmatch(r"[0-9AB]{9}"), "nofinesset", "malformed FINESS number")
    checks.reject_duplicates(["finess_id"], "nofinesset", "establishment")
    table = checks.accepted()[COLUMNS]
    return StagedTable(table=table, rejects=checks.rejects(malformed), rows_read=rows_read,
                       out_of_scope=rows_read - len(malformed) - in_scope,
                       stats={**stats, "without_coordinates": int(table["lon"].isna().sum())})


def _coordinate(value, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return number if low <= number <= high else float("nan")


def _establishment(ege: dict) -> dict:
    """One FINESS+ establishment as a row: its geographic address (the first address with a
    commune code, one with coordinates preferred), its category, whether it is open."""
    general = ege.get("informationsGeneralesEGE") or {}
    addresses = [address for address in ege.get("adresse") or [] if address.get("cogCommune")]
    addresses.sort(key=lambda address: "coordonneesGeographique" not in address)
    address = addresses[0] if addresses else {}
    where = address.get("coordonneesGeographique") or {}
    category = str(ege.get("categorieentiteGeographiqueExercice") or "")
    return {
        "finess_id": str(general.get("numFinessEge") or ""),
        "name": str(general.get("nomEgeLong") or general.get("nomEgeCourt") or "").strip(),
        "category_code": category,
        "category_label": CATEGORIES.get(category, ("", ""))[1],
        "commune_code": str(address.get("cogCommune") or ""),
        "lon": _coordinate(where.get("directionLongitude"), -180, 180),
        "lat": _coordinate(where.get("directionLatitude"), -90, 90),
        "opened": str(general.get("dateOuverture") or ""),
        "open": ege.get("etatObjet") == "A" and not general.get("dateFermeture"),
    }


def read_finess_plus(path: Path, departements: tuple[str, ...]) -> StagedTable:
    """The FINESS+ « structures » JSON, read as a stream (the national file is large).

    A row is an establishment (EGE); its ``line`` is its position in the file (1 for the
    first establishment of the first legal entity), JSON having no lines. Closed
    establishments, other categories and other départements are out of scope.
    """
    rows: list[dict] = []
    try:
        with open(path, "rb") as handle:
            generated = next(ijson.items(handle, "generatedAt"), None)
            if generated is None:
                raise SourceFormatError(path, None, "generatedAt", "not a FINESS+ structures file "
                                                                    "(no generatedAt before the pmej list)")
            handle.seek(0)
            for entity in ijson.items(handle, "pmej.item", use_float=True):
                for ege in entity.get("ege") or []:
                    rows.append(_establishment(ege) | {"line": len(rows) + 1})
    except ijson.JSONError as error:
        raise SourceFormatError(path, None, None, f"not readable as JSON after {len(rows)} establishments "
                                                  f"({error})") from error
    frame = pd.DataFrame(rows, columns=[*COLUMNS[:2], *COLUMNS[3:], "open"]).astype(
        {"finess_id": "string", "name": "string", "category_code": "string", "category_label": "string",
         "commune_code": "string", "opened": "string", "lon": "float64", "lat": "float64", "line": "int64"})
    in_scope = (frame["open"].astype(bool) & frame["category_code"].isin(list(KIND_BY_CATEGORY))
                & departement_of(frame["commune_code"]).isin(departements).fillna(False).astype(bool))
    frame = frame[in_scope].drop(columns="open")
    frame = frame.assign(kind=frame["category_code"].map(KIND_BY_CATEGORY).astype("string"))
    return _validated(frame, path, empty_rejections(), len(rows), len(frame),
                      {"layout": "FINESS+ JSON", "generated": str(generated)[:10]})


def read_etalab_extract(path: Path, departements: tuple[str, ...]) -> StagedTable:
    """The legacy etalab extract cs1100507. Lines of the wrong length are quarantined;
    structures of other categories or départements are out of scope; a structure without
    usable coordinates is kept with empty ``lon``/``lat``."""
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

    return _validated(frame, path, malformed, rows_read, len(frame), {"layout": "etalab cs1100507", "encoding": encoding})
