"""Reader of an ARS zoning of GPs (« zonage médecins »): each commune's class, ZIP (zone
d'intervention prioritaire), ZAC (zone d'action complémentaire) or outside both.

The regional health agencies publish it as a commune list whose column names vary; the
commune and zone columns are found among the names they use.
"""

from __future__ import annotations

from pathlib import Path

from .delimited import read_delimited, read_lines
from .errors import SourceFormatError
from .geography import departement_of, is_commune_code
from .staged import RowChecks, StagedTable

DATASET = "ars_zoning"
SCHEMA = {"commune_code": "string", "ars_zone": "string", "line": "int64"}
CODE_COLUMNS = ("code_commune", "Code commune", "CODGEO", "codgeo", "insee_com", "INSEE_COM", "code_insee")
ZONE_COLUMNS = ("zonage", "Zonage", "ZONAGE", "zonage_medecin", "Zonage médecins", "zone")
ZONES = {"zip": "ZIP", "zac": "ZAC", "zv": "hors zonage", "hors zonage": "hors zonage", "hors vivier": "hors zonage",
         "zone de vigilance": "hors zonage", "non": "hors zonage"}


def read_ars_zoning(path: Path, departements: tuple[str, ...]) -> StagedTable:
    """Zone class per commune of ``departements``; unknown zone labels are quarantined."""
    path = Path(path)
    header = read_lines(path)[0][0].as_py()
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    names = [name.strip() for name in header.split(delimiter)]
    code = next((name for name in CODE_COLUMNS if name in names), None)
    zone = next((name for name in ZONE_COLUMNS if name in names), None)
    if code is None or zone is None:
        missing = CODE_COLUMNS[0] if code is None else ZONE_COLUMNS[0]
        raise SourceFormatError(path, 1, missing, "no commune-code or zoning column "
                                                  f"(tried {', '.join(CODE_COLUMNS + ZONE_COLUMNS)})")
    read = read_delimited(path, dataset=DATASET, delimiter=delimiter, quoted=True,
                          columns={"commune_code": code, "label": zone})
    frame = read.frame
    frame = frame[departement_of(frame["commune_code"]).isin(departements).fillna(False).astype(bool)]
    frame = frame.assign(ars_zone=frame["label"].str.strip().str.lower().map(ZONES).astype("string"))
    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(~is_commune_code(frame["commune_code"]), code, "malformed commune code")
    checks.reject(frame["ars_zone"].isna(), zone, "unknown zone '" + frame["label"] + "' (expected ZIP, ZAC or outside)")
    checks.reject_duplicates(["commune_code"], code, "commune")
    return StagedTable(table=checks.accepted()[["commune_code", "ars_zone", "line"]], rejects=checks.rejects(read.rejects),
                       rows_read=read.rows_read, out_of_scope=read.rows_read - len(read.rejects) - len(frame),
                       stats={"encoding": read.encoding})
