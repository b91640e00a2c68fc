"""Reader of the département's own GP roster: birth year, FTE and planned departure.

The RPPS open extract has no age; the département's register, keyed by RPPS id, does.
Names it may carry are not read: only the identifier and the figures go to staging.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .delimited import read_delimited
from .staged import RowChecks, StagedTable
from .values import parse_date, parse_decimal

DATASET = "gp_roster"
SCHEMA = {"rpps_id": "string", "birth_year": "Int64", "fte": "float64", "planned_departure": "datetime64[s]",
          "yearly_acts": "float64", "installed_on": "datetime64[s]", "line": "int64"}
COLUMNS = {"rpps_id": "identifiant_rpps", "birth_year": "annee_naissance", "fte": "etp"}
# Optional: planned departure; yearly consultations and visits (the DREES's activity
# measure, capped by the APL's rules); date of installation (a GP installed within the
# year gets the DREES's imputed activity).
OPTIONAL = {"planned_departure": "date_depart_prevue", "yearly_acts": "actes_annuels", "installed_on": "date_installation"}


def read_roster(path: Path, reference_date: date) -> StagedTable:
    """One row per practitioner of the roster.

    Quarantined: empty identifiers, birth years not making an age of 20 to 100 at
    ``reference_date``, FTE outside (0, 1.5], unreadable or negative optional figures and
    dates, repeated ids.
    """
    path = Path(path)
    read = read_delimited(path, dataset=DATASET, delimiter=";", columns=COLUMNS, optional=OPTIONAL, quoted=True)
    frame = read.frame
    birth_year = parse_decimal(frame["birth_year"])
    fte = parse_decimal(frame["fte"])
    planned = frame.get("planned_departure")
    planned_date = parse_date(planned) if planned is not None else None
    frame = frame.assign(birth_year=birth_year.astype("Int64"), fte=fte.astype("float64"))

    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(frame["rpps_id"].eq(""), "identifiant_rpps", "empty professional identifier")
    age = reference_date.year - birth_year
    checks.reject(
        birth_year.isna() | (birth_year % 1 != 0) | (age < 20) | (age > 100),
        "annee_naissance",
        "birth year missing or not giving an age of 20 to 100",
    )
    checks.reject(fte.isna() | (fte <= 0) | (fte > 1.5), "etp", "FTE missing or outside (0, 1.5]")
    if planned_date is not None:
        checks.reject(
            planned_date.isna() & planned.ne(""), "date_depart_prevue", "unreadable date"
        )
        frame["planned_departure"] = planned_date
    if "yearly_acts" in frame:
        acts = parse_decimal(frame["yearly_acts"])
        checks.reject((acts.isna() & frame["yearly_acts"].ne("")) | (acts < 0), "actes_annuels",
                      "yearly consultations not a number of 0 or more")
        frame["yearly_acts"] = acts.astype("float64")
    if "installed_on" in frame:
        installed = parse_date(frame["installed_on"])
        checks.reject(installed.isna() & frame["installed_on"].ne(""), "date_installation", "unreadable date")
        frame["installed_on"] = installed
    checks.reject_duplicates(["rpps_id"], "identifiant_rpps", "practitioner")
    table = checks.accepted()
    for name in ("planned_departure", "yearly_acts", "installed_on"):
        if name not in table:
            table[name] = None
    table = table[list(SCHEMA)].astype({name: SCHEMA[name] for name in ("planned_departure", "yearly_acts",
                                                                        "installed_on")})
    return StagedTable(
        table=table,
        rejects=checks.rejects(read.rejects),
        rows_read=read.rows_read,
        stats={"encoding": read.encoding},
    )
