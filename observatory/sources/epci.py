"""Reader of the INSEE composition of EPCIs (intercommunalities): one line per commune,
either as INSEE publishes it (``EPCI_au_01-01-YYYY.xlsx``, sheet ``Composition_communale``,
title rows then the header ``CODGEO, LIBGEO, EPCI, LIBEPCI, DEP, REG``) or exported to a
``;`` CSV with the same columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .delimited import read_delimited
from .errors import SourceFormatError
from .geography import departement_of, is_commune_code
from .staged import RowChecks, StagedTable

DATASET = "epci_membership"
SCHEMA = {"commune_code": "string", "epci_code": "string", "epci_name": "string", "line": "int64"}
COLUMNS = {
    "commune_code": "CODGEO",
    "epci_code": "EPCI",
    "epci_name": "LIBEPCI",
}


SHEET = "Composition_communale"


def _from_workbook(path: Path) -> tuple[pd.DataFrame, int]:
    """The sheet's rows below its header (found by ``CODGEO``), with their row numbers."""
    try:
        sheet = pd.read_excel(path, sheet_name=SHEET, header=None, dtype="string")
    except ValueError as error:
        raise SourceFormatError(path, None, SHEET, f"no sheet '{SHEET}' ({error})") from error
    header_rows = sheet.index[(sheet == "CODGEO").any(axis=1)]
    if not len(header_rows):
        raise SourceFormatError(path, None, "CODGEO", f"no header row with CODGEO in sheet '{SHEET}'")
    header = sheet.loc[header_rows[0]].fillna("").str.strip().tolist()
    missing = [name for name in COLUMNS.values() if name not in header]
    if missing:
        raise SourceFormatError(path, int(header_rows[0]) + 1, missing[0], "required column missing")
    body = sheet.loc[header_rows[0] + 1:].dropna(how="all")
    frame = pd.DataFrame({ours: body[header.index(theirs)].str.strip().to_numpy() for ours, theirs in COLUMNS.items()},
                         dtype="string").assign(line=(body.index + 1).to_numpy())
    return frame, len(frame)


def read_epci_membership(path: Path, departements: tuple[str, ...]) -> StagedTable:
    """EPCI of each commune of ``departements``; a commune in two EPCIs is quarantined."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        frame, rows_read = _from_workbook(path)
        read_rejects, encoding = None, "xlsx"
    else:
        read = read_delimited(path, dataset=DATASET, delimiter=";", columns=COLUMNS)
        frame, rows_read, read_rejects, encoding = read.frame, read.rows_read, read.rejects, read.encoding
    frame = frame[departement_of(frame["commune_code"]).isin(departements).fillna(False).astype(bool)]
    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(~is_commune_code(frame["commune_code"]), "CODGEO", "malformed commune code")
    checks.reject(~frame["epci_code"].str.fullmatch(r"\d{9}|ZZZZZZZZZ"), "EPCI", "EPCI code is not a 9-digit SIREN")
    checks.reject_duplicates(["commune_code"], "CODGEO", "commune")
    earlier = [read_rejects] if read_rejects is not None else []
    return StagedTable(
        table=checks.accepted()[list(SCHEMA)],
        rejects=checks.rejects(*earlier),
        rows_read=rows_read,
        out_of_scope=rows_read - sum(len(r) for r in earlier) - len(frame),
        stats={"encoding": encoding},
    )
