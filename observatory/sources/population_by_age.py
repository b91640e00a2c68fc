"""Reader of INSEE's population by single year of age per commune (``TD_POP1B``, census
detailed tables: ``CODGEO;SEXE;AGED100;NB``, one line per commune, sex and age, 100 standing
for 100 and over), summed into the 5-year bands the DREES weights the APL's demand with."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..accessibility.parameters import FIVE_YEAR_BANDS
from .commune_history import modernise
from .delimited import read_delimited
from .geography import departement_of, is_commune_code
from .staged import RowChecks, StagedTable
from .values import parse_decimal

DATASET = "population_by_age"
COLUMNS = {"commune_code": "CODGEO", "sex": "SEXE", "age": "AGED100", "count": "NB"}
SCHEMA = {"commune_code": "string", **{band: "float64" for band in FIVE_YEAR_BANDS}, "line": "int64"}


def band_of(age: pd.Series) -> pd.Series:
    """The 5-year band (``age_0_4`` … ``age_90_plus``) of each age in years."""
    names = list(FIVE_YEAR_BANDS)
    return pd.Series(np.array(names, dtype=object)[np.minimum(age.to_numpy(dtype="int64") // 5, len(names) - 1)],
                     index=age.index, dtype="string")


def read_population_by_age(path: Path, departements: tuple[str, ...], history: dict[str, str] | None = None
                           ) -> StagedTable:
    """Inhabitants per 5-year band per current commune of ``departements``.

    Quarantined: malformed commune codes, ages that are not whole numbers from 0 to 100,
    counts that are not numbers of 0 or more (INSEE's counts are weighted: decimals kept).
    """
    path = Path(path)
    read = read_delimited(path, dataset=DATASET, delimiter=";", columns=COLUMNS)
    frame = read.frame
    frame = frame[departement_of(frame["commune_code"]).isin(departements).fillna(False).astype(bool)]
    out_of_scope = read.rows_read - len(read.rejects) - len(frame)
    age, count = parse_decimal(frame["age"]), parse_decimal(frame["count"])
    checks = RowChecks(DATASET, path.name, frame.assign(age_value=age, count_value=count))
    checks.reject(~is_commune_code(frame["commune_code"]), "CODGEO", "malformed commune code")
    checks.reject(age.isna() | (age % 1 != 0) | (age < 0) | (age > 100), "AGED100", "age not a whole number from 0 to 100")
    checks.reject(count.isna() | (count < 0), "NB", "count not a number of 0 or more")
    accepted = checks.accepted()
    accepted = accepted.assign(commune_code=modernise(accepted["commune_code"], history or {}),
                               band=band_of(accepted["age_value"].astype("int64")))
    table = accepted.pivot_table(index="commune_code", columns="band", values="count_value", aggfunc="sum",
                                 fill_value=0.0).reindex(columns=list(FIVE_YEAR_BANDS), fill_value=0.0)
    table = table.reset_index().merge(accepted.groupby("commune_code", as_index=False)["line"].min(), on="commune_code")
    table.columns.name = None
    return StagedTable(table=table.astype(SCHEMA), rejects=checks.rejects(read.rejects), rows_read=read.rows_read,
                       out_of_scope=out_of_scope, stats={"encoding": read.encoding, "communes": len(table)})
