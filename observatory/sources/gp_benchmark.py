"""Reader of the CNAM's département-level demography of liberal health professionals
(data.ameli « démographie des professionnels de santé libéraux »): headcount and density
per 100 000 inhabitants by profession, age class and sex. The observatory uses it as an
independent benchmark of the register's GP count."""

from __future__ import annotations

from pathlib import Path

from .delimited import read_delimited, read_lines
from .staged import RowChecks, StagedTable
from .values import parse_decimal

DATASET = "gp_benchmark"
SCHEMA = {"year": "Int64", "departement_code": "string", "departement_name": "string", "age_class": "string",
          "age_label": "string", "headcount": "Float64", "density_per_100k": "Float64", "line": "int64"}
GP_PROFESSION = "Ensemble des médecins généralistes"
COLUMNS = {
    "year": "annee", "profession": "profession_sante", "departement_code": "departement",
    "departement_name": "libelle_departement", "age_class": "classe_age", "age_label": "libelle_classe_age",
    "sex": "libelle_sexe", "headcount": "effectif", "density_per_100k": "densite",
}


def read_gp_benchmark(path: Path, departements: tuple[str, ...]) -> StagedTable:
    """Liberal GPs of ``departements``, all sexes, by age class (``tout_age`` = all ages).
    The data.ameli export is ``;``-separated by default, ``,`` when asked: both are read."""
    path = Path(path)
    header = read_lines(path)[0][0].as_py() if path.exists() else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    read = read_delimited(path, dataset=DATASET, delimiter=delimiter, columns=COLUMNS, quoted=True)
    frame = read.frame
    in_scope = (frame["departement_code"].isin(departements) & frame["profession"].eq(GP_PROFESSION)
                & frame["sex"].eq("tout sexe"))
    frame = frame[in_scope]
    frame = frame.assign(headcount=parse_decimal(frame["headcount"]), density_per_100k=parse_decimal(frame["density_per_100k"]),
                         year=parse_decimal(frame["year"]).astype("Int64"))
    checks = RowChecks(DATASET, path.name, frame)
    checks.reject(frame["headcount"].isna() | (frame["headcount"] < 0), "effectif", "missing or negative headcount")
    checks.reject_duplicates(["year", "departement_code", "age_class"], "classe_age", "age class")
    return StagedTable(
        table=checks.accepted()[["year", "departement_code", "departement_name", "age_class", "age_label",
                                 "headcount", "density_per_100k", "line"]],
        rejects=checks.rejects(read.rejects),
        rows_read=read.rows_read,
        out_of_scope=read.rows_read - len(read.rejects) - len(frame),
        stats={"encoding": read.encoding},
    )
