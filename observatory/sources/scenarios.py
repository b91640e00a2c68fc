"""Reader of what-if scenario files: ``data/raw/<territory>/scenarios/*.csv``.

One header line, semicolons or commas, UTF-8; a file may hold several scenarios, several
files may hold lines of one scenario::

    scenario;action;commune_code;count;rpps_id;value;comment
    MSP de Mer;add_msp;41136;3;;;maison de santé de 3 généralistes
    MSP de Mer;keep_gp;;;10001234567;;départ reporté de deux ans
    Départ à 70 ans;retirement_age;;;;70;

Actions (``ACTIONS``): ``add_gps`` (``count`` full-time GPs settle in ``commune_code``),
``add_msp`` (a maison de santé of ``count`` GPs in ``commune_code``: added like GPs, named
apart), ``keep_gp`` (the GP of RPPS number ``rpps_id`` does not leave: a departure postponed
or replaced on the spot), ``retirement_age`` (``value`` replaces the retirement age).

A line that breaks a rule is quarantined with its file, line and field (a reason never
quotes an RPPS number), and its scenario is not computed: a what-if with a line missing
would answer another question.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .delimited import read_delimited, read_lines
from .geography import is_commune_code
from .staged import RowChecks, StagedTable

DATASET = "scenarios"
SCHEMA = {"scenario": "string", "action": "string", "commune_code": "string", "count": "Int64",
          "rpps_id": "string", "value": "Int64", "file": "string", "line": "int64"}
ACTIONS = ("add_gps", "add_msp", "keep_gp", "retirement_age")
MAX_COUNT = 50  # GPs one line may add: beyond, a typo rather than a plan
AGES = (55, 80)  # a retirement age outside is a typo


def _integers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.where(values.str.fullmatch(r"\d+").fillna(False)), errors="coerce").astype("Int64")


def read_scenario_file(path: Path, communes: set[str]) -> StagedTable:
    """The lines of one scenario file, checked against the territory's ``communes``."""
    path = Path(path)
    header = read_lines(path)[0][0].as_py()
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    read = read_delimited(path, dataset=DATASET, delimiter=delimiter, quoted=True,
                          columns={"scenario": "scenario", "action": "action"},
                          optional={"commune_code": "commune_code", "count": "count", "rpps_id": "rpps_id",
                                    "value": "value"})
    frame = read.frame
    for column in ("commune_code", "count", "rpps_id", "value"):
        if column not in frame:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame = frame.assign(action=frame["action"].str.lower(), count=_integers(frame["count"]),
                         value=_integers(frame["value"]))
    adds = frame["action"].isin(["add_gps", "add_msp"])
    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(frame["scenario"].fillna("") == "", "scenario", "no scenario name")
    checks.reject(~frame["action"].isin(ACTIONS), "action", "unknown action (expected " + ", ".join(ACTIONS) + ")")
    checks.reject(adds & ~is_commune_code(frame["commune_code"]).fillna(False), "commune_code",
                  "missing or malformed commune code")
    checks.reject(adds & ~frame["commune_code"].isin(communes).fillna(False), "commune_code",
                  "not a commune of the territory")
    checks.reject(adds & ~frame["count"].between(1, MAX_COUNT).fillna(False), "count",
                  f"expected a whole number of GPs from 1 to {MAX_COUNT}")
    checks.reject((frame["action"] == "keep_gp") & ~frame["rpps_id"].str.fullmatch(r"\d{11}").fillna(False),
                  "rpps_id", "expected an RPPS number of 11 digits")
    checks.reject((frame["action"] == "retirement_age") & ~frame["value"].between(*AGES).fillna(False), "value",
                  f"expected a retirement age from {AGES[0]} to {AGES[1]}")
    # a scenario with a line quarantined is dropped; a line too malformed to name its scenario
    # drops every scenario of its file
    named = frame["scenario"].fillna("")
    dropped = set(named[checks.bad]) | (set(named) if len(read.rejects) else set())
    accepted = checks.accepted().assign(file=path.name)
    return StagedTable(table=accepted[list(SCHEMA)].astype(SCHEMA), rejects=checks.rejects(read.rejects),
                       rows_read=read.rows_read, out_of_scope=0,
                       stats={"encoding": read.encoding, "dropped": sorted(dropped - {""})})


def read_scenarios(paths: list[Path], communes: set[str]) -> StagedTable:
    """Every scenario file's lines, but those of a scenario with a quarantined line (dropped
    whole, its name in ``stats["dropped"]``)."""
    parts = [read_scenario_file(path, communes) for path in paths]
    if not parts:
        return StagedTable.absent(SCHEMA)
    table = pd.concat([part.table for part in parts], ignore_index=True).astype(SCHEMA)
    dropped = sorted({name for part in parts for name in part.stats["dropped"]})
    return StagedTable(table=table[~table["scenario"].isin(dropped)].reset_index(drop=True),
                       rejects=pd.concat([part.rejects for part in parts], ignore_index=True),
                       rows_read=sum(part.rows_read for part in parts), out_of_scope=0,
                       stats={"scenarios": sorted(set(table["scenario"]) - set(dropped)), "dropped": dropped})
