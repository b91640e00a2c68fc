"""Reader of the CNAM's département-level demography of liberal health professionals
(data.ameli « démographie des professionnels de santé libéraux »): headcount and density
per 100 000 inhabitants by profession, age class and sex, for each département, each région
(« Tout département », code 999) and France (région 99). The observatory uses the
département rows as an independent benchmark of the register's GP count, and the région and
France rows as references beside the territory's figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .delimited import read_delimited, read_lines
from .staged import RowChecks, StagedTable
from .values import parse_decimal

DATASET = "gp_benchmark"
SCHEMA = {"year": "Int64", "profession": "string", "level": "string", "departement_code": "string", "departement_name": "string",
          "region_code": "string", "region_name": "string", "age_class": "string", "age_label": "string",
          "headcount": "Float64", "density_per_100k": "Float64", "line": "int64"}
ALL_DEPARTEMENTS = "999"  # a région's (or France's) row
FRANCE = "99"
GP_PROFESSION = "Ensemble des médecins généralistes"
COLUMNS = {
    "year": "annee", "profession": "profession_sante", "region_code": "region", "region_name": "libelle_region",
    "departement_code": "departement",
    "departement_name": "libelle_departement", "age_class": "classe_age", "age_label": "libelle_classe_age",
    "sex": "libelle_sexe", "headcount": "effectif", "density_per_100k": "densite",
}


def read_gp_benchmark(path: Path, departements: tuple[str, ...]) -> StagedTable:
    """``read_benchmark`` of the liberal GPs."""
    return read_benchmark(path, departements, (GP_PROFESSION,))


def read_benchmark(path: Path, departements: tuple[str, ...], professions: tuple[str, ...]) -> StagedTable:
    """Liberal professionals of ``professions`` (the CNAM's labels), all sexes, by age class
    (``tout_age`` = all ages), of ``departements`` (``level`` departement), of their régions
    (region) and of France (france). The data.ameli export is ``;``-separated by default,
    ``,`` when asked: both are read."""
    path = Path(path)
    header = read_lines(path)[0][0].as_py() if path.exists() else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    read = read_delimited(path, dataset=DATASET, delimiter=delimiter, columns=COLUMNS, quoted=True)
    frame = read.frame
    gps = frame["profession"].isin(professions) & frame["sex"].eq("tout sexe")
    own = gps & frame["departement_code"].isin(departements)
    regions = set(frame.loc[own, "region_code"].dropna())
    whole = gps & frame["departement_code"].eq(ALL_DEPARTEMENTS)
    regional = whole & frame["region_code"].isin(regions)
    national = whole & frame["region_code"].eq(FRANCE)
    level = pd.Series(np.select([own, regional, national], ["departement", "region", "france"], default=""),
                      index=frame.index)
    frame = frame.assign(level=level.astype("string"))[level != ""]
    frame = frame.assign(headcount=parse_decimal(frame["headcount"]), density_per_100k=parse_decimal(frame["density_per_100k"]),
                         year=parse_decimal(frame["year"]).astype("Int64"))
    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(frame["headcount"].isna() | (frame["headcount"] < 0), "effectif", "missing or negative headcount")
    checks.reject_duplicates(["year", "profession", "level", "region_code", "departement_code", "age_class"], "classe_age",
                             "age class")
    return StagedTable(
        table=checks.accepted()[list(SCHEMA)],
        rejects=checks.rejects(read.rejects),
        rows_read=read.rows_read,
        out_of_scope=read.rows_read - len(read.rejects) - len(frame),
        stats={"encoding": read.encoding},
    )
