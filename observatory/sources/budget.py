"""Reader of the health plan's budget (e.g. « Le 41 en bonne santé »): one line per axis and
year, kept by the département in an editable CSV.

``axe_numero;axe_intitule;annee;montant_eur;offres_rattachees``: the last column lists,
comma-separated, the agency offers the axis pays for, so that installations can be
attributed to it (empty when none can).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .delimited import read_delimited
from .staged import RowChecks, StagedTable
from .values import parse_decimal
from .vocabularies import OFFERS, vocabulary_label

DATASET = "plan_budget"
SCHEMA = {"axis_number": "Int64", "axis_title": "string", "year": "Int64", "amount_eur": "float64",
          "offers": "string", "line": "int64"}
COLUMNS = {"axis_number": "axe_numero", "axis_title": "axe_intitule", "year": "annee", "amount_eur": "montant_eur"}
OPTIONAL = {"offers": "offres_rattachees"}


def _offers(values: pd.Series) -> pd.Series:
    """Each comma-separated list of offers with vocabulary labels."""
    def labels(text: str) -> str:
        names = pd.Series([part for part in text.split(",") if part.strip()], dtype="string")
        return ", ".join(vocabulary_label(names, OFFERS)) if len(names) else ""

    return values.fillna("").map(labels).astype("string")


def read_plan_budget(path: Path) -> StagedTable:
    """Budget lines; quarantined: unreadable axis numbers, years or amounts, negative
    amounts, an axis given twice for the same year or under another title than on its
    first line. Offers are read against the agency's vocabulary (« Autre » otherwise)."""
    path = Path(path)
    read = read_delimited(path, dataset=DATASET, delimiter=";", columns=COLUMNS, optional=OPTIONAL, quoted=True)
    raw = read.frame
    frame = raw.assign(axis_number=parse_decimal(raw["axis_number"]).astype("Int64"),
                       year=parse_decimal(raw["year"]).astype("Int64"),
                       amount_eur=parse_decimal(raw["amount_eur"].str.replace(" ", "").str.replace("\u202f", "")).astype("float64"))
    frame["offers"] = _offers(frame["offers"]) if "offers" in frame else ""
    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(frame["axis_number"].isna(), "axe_numero", "missing or non-numeric axis number")
    checks.reject(frame["year"].isna() | ~frame["year"].between(2000, 2100), "annee", "missing or implausible year")
    checks.reject(frame["amount_eur"].isna(), "montant_eur", "missing or non-numeric amount")
    checks.reject(frame["amount_eur"] < 0, "montant_eur", "negative amount")
    checks.reject_duplicates(["axis_number", "year"], "axe_numero", "axis and year")
    alive = frame[~checks.bad]
    first = alive.groupby("axis_number")[["axis_title", "line"]].transform("first")
    renamed = (alive["axis_title"] != first["axis_title"]).reindex(frame.index, fill_value=False)
    reason = "axis already titled differently at line " + first["line"].astype("string")
    checks.reject(renamed, "axe_intitule", reason.reindex(frame.index))
    return StagedTable(table=checks.accepted()[list(SCHEMA)], rejects=checks.rejects(read.rejects),
                       rows_read=read.rows_read, stats={"encoding": read.encoding})
