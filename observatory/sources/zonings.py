"""Reader of the zonings people work in (CPTS, bassins de vie, cantons, a département's own
« territoires de santé »): each a list commune → zone, in ``data/raw/<territory>/zonages/``.

Two layouts:

- a CSV per zoning, named after it (``cpts.csv`` → zoning ``cpts``), semicolons or commas::

      code_commune;code_zone;nom_zone
      41018;CPTS-1;CPTS du Blaisois

  (``CODGEO`` is accepted for the commune, ``zone``/``libelle_zone`` for the zone);
  an optional ``nom_zonage`` column names the zoning;
- INSEE's table of the communes' geographic membership (« table d'appartenance
  géographique des communes », ``table-appartenance-geo-communes-*.xlsx``): sheet ``COM``,
  title rows then the header ``CODGEO, LIBGEO, DEP, REG, EPCI, …, ARR, CV, ZE2020, BV2022,
  AAV2020, …``; each zoning of ``INSEE_ZONINGS`` present is read, its zones named from the
  sheet ``Zones_supra_communales`` (``NIVGEO, CODGEO, LIBGEO``).

A line whose commune code is malformed, not a commune of the territory (after mapping
former codes), or without a zone is quarantined; so is every line of a commune given two
different zones of one zoning (which one holds cannot be told). Communes of the territory
absent from a zoning are not errors (a CPTS covers part of a département): ``coverage``
reports them, and the pages say how many.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .delimited import read_delimited, read_lines
from .commune_history import modernise
from .errors import SourceFormatError
from .geography import departement_of, is_commune_code
from .staged import RowChecks, StagedTable, empty_rejections

DATASET = "zonings"
SCHEMA = {"zoning": "string", "zoning_label": "string", "commune_code": "string", "zone_code": "string",
          "zone_name": "string", "file": "string", "line": "int64"}
CODE_COLUMNS = ("code_commune", "CODGEO", "codgeo", "code_insee")
ZONE_COLUMNS = ("code_zone", "zone", "CODE_ZONE")
NAME_COLUMNS = ("nom_zone", "libelle_zone", "LIBZONE", "nom")
INSEE_ZONINGS = {  # column of INSEE's membership table → the zoning's name on the pages
    "BV2022": "Bassins de vie (2022)",
    "CV": "Cantons et villes (pseudo-cantons)",
    "ZE2020": "Zones d'emploi (2020)",
    "ARR": "Arrondissements",
    "AAV2020": "Aires d'attraction des villes (2020)",
}
KNOWN_LABELS = {"cpts": "CPTS", "bassins_de_vie": "Bassins de vie", "cantons": "Cantons",
                "arrondissements": "Arrondissements", "territoires_de_sante": "Territoires de santé"}
INSEE_SHEET, NAMES_SHEET = "COM", "Zones_supra_communales"


def zoning_key(name: str) -> str:
    """A zoning's key from its file or column name: lower case, ASCII letters, digits and _."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "zonage"


def _first(names: list[str], candidates: tuple[str, ...]) -> str | None:
    return next((name for name in candidates if name in names), None)


def _check(frame: pd.DataFrame, earlier: pd.DataFrame, file: str, code_field: str, zone_field: str,
           communes: set[str], history: dict[str, str], departements: tuple[str, ...]
           ) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The lines of one zoning (``zoning``, ``commune_code``, ``zone_code``, ``zone_name``,
    ``line``) checked: accepted lines, quarantined ones (with the ``earlier`` rejects of the
    reading), and how many lie outside the territory."""
    frame = frame.assign(commune_code=modernise(frame["commune_code"].str.strip(), history),
                         zone_code=frame["zone_code"].str.strip())
    inside = departement_of(frame["commune_code"]).isin(departements).fillna(False).astype(bool)
    shaped = is_commune_code(frame["commune_code"])
    out_of_scope = int((shaped & ~inside).sum())
    frame = frame[inside | ~shaped]
    checks = RowChecks(DATASET, file, frame)
    checks.reject(~is_commune_code(frame["commune_code"]), code_field, "malformed commune code")
    checks.reject(~frame["commune_code"].isin(communes), code_field, "not a commune of the territory's contours")
    checks.reject(frame["zone_code"].fillna("") == "", zone_field, "no zone")
    alive = frame[~checks.bad]
    zones = alive.groupby(["zoning", "commune_code"])["zone_code"].transform("nunique")
    checks.reject((zones > 1).reindex(frame.index, fill_value=False), zone_field,
                  "commune given two different zones of this zoning")
    checks.reject_duplicates(["zoning", "commune_code"], code_field, "commune")
    return checks.accepted(), checks.rejects(earlier), out_of_scope


def _from_csv(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, int, str, str, str]:
    header = read_lines(path)[0][0].as_py().lstrip("\ufeff")
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    names = [name.strip().strip('"') for name in header.split(delimiter)]
    code, zone = _first(names, CODE_COLUMNS), _first(names, ZONE_COLUMNS)
    if code is None or zone is None:
        missing = CODE_COLUMNS[0] if code is None else ZONE_COLUMNS[0]
        raise SourceFormatError(path, 1, missing, "no commune-code or zone column "
                                                  f"(tried {', '.join(CODE_COLUMNS + ZONE_COLUMNS)})")
    optional = {"zone_name": _first(names, NAME_COLUMNS), "zoning_label": "nom_zonage"}
    read = read_delimited(path, dataset=DATASET, delimiter=delimiter, quoted=True,
                          columns={"commune_code": code, "zone_code": zone},
                          optional={ours: theirs for ours, theirs in optional.items() if theirs in names})
    frame = read.frame
    labels = frame["zoning_label"].dropna().str.strip() if "zoning_label" in frame else pd.Series(dtype="string")
    key = zoning_key(path.stem)
    label = labels[labels != ""].iloc[0] if (labels != "").any() else KNOWN_LABELS.get(key, path.stem.replace("_", " "))
    frame = frame.assign(zoning=key, zoning_label=label,
                         zone_name=frame["zone_name"] if "zone_name" in frame else frame["zone_code"])
    return frame, read.rejects, read.rows_read, read.encoding, code, zone


def _sheet(path: Path, name: str, marker: str) -> tuple[pd.DataFrame, list[str], int]:
    """A sheet's rows below its header (the first row holding ``marker``), its header, and
    the header's row number (1-based)."""
    try:
        sheet = pd.read_excel(path, sheet_name=name, header=None, dtype="string")
    except ValueError as error:
        raise SourceFormatError(path, None, name, f"no sheet '{name}' ({error})") from error
    rows = sheet.index[(sheet == marker).any(axis=1)]
    if not len(rows):
        raise SourceFormatError(path, None, marker, f"no header row with {marker} in sheet '{name}'")
    header = sheet.loc[rows[0]].fillna("").str.strip().tolist()
    return sheet.loc[rows[0] + 1:].dropna(how="all"), header, int(rows[0]) + 1


def _from_insee_workbook(path: Path) -> tuple[pd.DataFrame, int]:
    """One row per commune and zoning of ``INSEE_ZONINGS`` present in the sheet ``COM``."""
    body, header, _ = _sheet(path, INSEE_SHEET, "CODGEO")
    present = [column for column in INSEE_ZONINGS if column in header]
    if not present:
        raise SourceFormatError(path, None, "BV2022", f"no zoning column in sheet '{INSEE_SHEET}' "
                                                      f"(expected one of {', '.join(INSEE_ZONINGS)})")
    try:
        names_body, names_header, _ = _sheet(path, NAMES_SHEET, "NIVGEO")
        names = pd.DataFrame({column: names_body[names_header.index(column)].str.strip().to_numpy()
                              for column in ("NIVGEO", "CODGEO", "LIBGEO")}).drop_duplicates(["NIVGEO", "CODGEO"])
        names = names.set_index(["NIVGEO", "CODGEO"])["LIBGEO"]
    except (SourceFormatError, ValueError):  # the codes alone still make a zoning
        names = pd.Series(dtype="string", index=pd.MultiIndex.from_tuples([], names=["NIVGEO", "CODGEO"]))
    communes = body[header.index("CODGEO")].to_numpy()
    lines = (body.index + 1).to_numpy()
    parts = []
    for column in present:
        codes = body[header.index(column)].str.strip()
        labels = pd.Series(list(zip([column] * len(codes), codes)), dtype=object).map(names)
        parts.append(pd.DataFrame({
            "zoning": zoning_key(column), "zoning_label": INSEE_ZONINGS[column], "commune_code": communes,
            "zone_code": codes.to_numpy(), "zone_name": labels.fillna(pd.Series(codes.to_numpy())).to_numpy(),
            "line": lines}).astype({name: "string" for name in ("zoning", "zoning_label", "commune_code",
                                                                 "zone_code", "zone_name")}))
    return pd.concat(parts, ignore_index=True), len(body) * len(present)


def read_zoning(path: Path, communes: set[str], history: dict[str, str], departements: tuple[str, ...]) -> StagedTable:
    """One zoning file (CSV) or INSEE's membership table (several zonings), checked
    against the territory's ``communes`` after mapping former codes (``history``)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        frame, rows_read = _from_insee_workbook(path)
        earlier, encoding, code, zone = empty_rejections(), "xlsx", "CODGEO", "zone"
    else:
        frame, earlier, rows_read, encoding, code, zone = _from_csv(path)
    accepted, rejects, out_of_scope = _check(frame, earlier, path.name, code, zone, communes, history, departements)
    table = accepted.assign(file=path.name, zone_name=accepted["zone_name"].fillna(accepted["zone_code"]))
    return StagedTable(table=table[list(SCHEMA)].astype(SCHEMA), rejects=rejects, rows_read=rows_read,
                       out_of_scope=out_of_scope, stats={"encoding": encoding,
                                                         "zonings": sorted(set(table["zoning"]))})


def read_zonings(paths: list[Path], communes: set[str], history: dict[str, str],
                 departements: tuple[str, ...]) -> StagedTable:
    """Every zoning file of the territory; a zoning given by two files is an error."""
    staged = [read_zoning(path, communes, history, departements) for path in sorted(paths)]
    seen: dict[str, str] = {}
    for path, part in zip(sorted(paths), staged):
        for zoning in part.stats["zonings"]:
            if zoning in seen:
                raise SourceFormatError(path, None, None, f"zoning '{zoning}' is given by {seen[zoning]} too")
            seen[zoning] = Path(path).name
    rejects = [part.rejects for part in staged if len(part.rejects)]
    return StagedTable(table=pd.concat([part.table for part in staged], ignore_index=True).astype(SCHEMA)
                       if staged else StagedTable.absent(SCHEMA).table,
                       rejects=pd.concat(rejects, ignore_index=True) if rejects else empty_rejections(),
                       rows_read=sum(part.rows_read for part in staged),
                       out_of_scope=sum(part.out_of_scope for part in staged),
                       stats={"zonings": sorted(seen), "files": len(staged)})


def coverage(zonings: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Per zoning: its zones, the territory's communes and population it covers, and those in
    no zone of it (a zoning is read as it is: a commune it leaves out stays out of its zones)."""
    rows = []
    for (zoning, label), members in zonings.groupby(["zoning", "zoning_label"], sort=True):
        inside = reference["commune_code"].isin(members["commune_code"])
        rows.append({"zoning": zoning, "zoning_label": label, "zones": members["zone_code"].nunique(),
                     "communes": int(inside.sum()), "communes_without_zone": int((~inside).sum()),
                     "population_without_zone": float(reference.loc[~inside, "population"].sum())})
    return pd.DataFrame(rows, columns=["zoning", "zoning_label", "zones", "communes", "communes_without_zone",
                                       "population_without_zone"])
