"""Reader of the INSEE composition of EPCIs (intercommunalities): one line per commune."""

from __future__ import annotations

from pathlib import Path

from .delimited import read_delimited
from .geography import departement_of, is_commune_code
from .staged import RowChecks, StagedTable

DATASET = "epci_membership"
SCHEMA = {"commune_code": "string", "epci_code": "string", "epci_name": "string", "line": "int64"}
COLUMNS = {
    "commune_code": "CODGEO",
    "epci_code": "EPCI",
    "epci_name": "LIBEPCI",
}


def read_epci_membership(path: Path, departements: tuple[str, ...]) -> StagedTable:
    """EPCI of each commune of ``departements``; a commune in two EPCIs is quarantined."""
    path = Path(path)
    read = read_delimited(path, dataset=DATASET, delimiter=";", columns=COLUMNS)
    frame = read.frame
    frame = frame[departement_of(frame["commune_code"]).isin(departements).fillna(False).astype(bool)]
    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(~is_commune_code(frame["commune_code"]), "CODGEO", "malformed commune code")
    checks.reject(~frame["epci_code"].str.fullmatch(r"\d{9}|ZZZZZZZZZ"), "EPCI", "EPCI code is not a 9-digit SIREN")
    checks.reject_duplicates(["commune_code"], "CODGEO", "commune")
    return StagedTable(
        table=checks.accepted(),
        rejects=checks.rejects(read.rejects),
        rows_read=read.rows_read,
        out_of_scope=read.rows_read - len(read.rejects) - len(frame),
        stats={"encoding": read.encoding},
    )
