"""The professions the observatory counts from the RPPS extract, how each is recognised in
it, since when the RPPS holds it, and the CNAM count it is checked against.

The RPPS replaced ADELI profession by profession: « Depuis 2012, les dentistes, les
médecins, les pharmaciens et les sages-femmes sont enregistrés par leur Ordre au RPPS. Les
kinésithérapeutes ont basculé au répertoire RPPS en 2017, les pédicures-podologues en 2018,
les infirmières en 2022 » (DREES, « La démographie des professionnels de santé », sources et
outils). A register snapshot older than a profession's entry does not hold it: its count
there is unknown, never zero.

Pharmacists are those of the officines (the pharmacies people go to): a pharmacist counts
when one of their activities lies in an officine, said by the Ordre des pharmaciens' section
(« Libellé section tableau pharmaciens »: titulaires and adjoints d'officine) or by the
sector of activity; hospital, industry and laboratory pharmacists are not first-line care.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from .sql import query

REGISTER_ENTRY_SOURCE = ("DREES, « La démographie des professionnels de santé » (sources et outils) : "
                         "bascule de chaque profession d'ADELI vers le RPPS")


@dataclass(frozen=True)
class Profession:
    """One profession: its key, its French label, its RPPS « Code profession », the year
    the RPPS started to hold it, the CNAM's label for its liberal count (none when the
    CNAM's file has none), and the agency's label for it (``sources.vocabularies``)."""

    key: str
    label: str
    register_code: str
    in_register_since: int
    cnam_label: str | None
    agency_label: str


GENERAL_PRACTITIONERS = "medecin_generaliste"
OTHER_DOCTORS = "medecin_specialiste"
PROFESSIONS = (
    Profession(GENERAL_PRACTITIONERS, "Médecins généralistes", "10", 2012, "Ensemble des médecins généralistes",
               "Médecin généraliste"),
    Profession(OTHER_DOCTORS, "Autres médecins (spécialistes, hors généralistes)", "10", 2012,
               "Ensemble des médecins spécialistes (hors généralistes)", "Médecin spécialiste"),
    Profession("chirurgien_dentiste", "Chirurgiens-dentistes", "40", 2012, "Ensemble des chirurgiens-dentistes",
               "Chirurgien-dentiste"),
    Profession("sage_femme", "Sages-femmes", "50", 2012, "Sages-femmes", "Sage-femme"),
    Profession("pharmacien", "Pharmaciens d'officine", "21", 2012, None, "Pharmacien"),
    Profession("infirmier", "Infirmiers", "60", 2022, "Infirmiers", "Infirmier"),
    Profession("masseur_kinesitherapeute", "Masseurs-kinésithérapeutes", "70", 2017, "Masseurs-kinésithérapeutes",
               "Masseur-kinésithérapeute"),
)
BY_KEY = {profession.key: profession for profession in PROFESSIONS}


PHARMACISTS = "pharmacien"
RULE_COLUMNS = ["profession_code", "savoir_faire_code", "pharmacy_section_label", "sector_label"]


def profession_sql() -> str:
    """The rule that tells an activity's profession, as a SQL expression over ``RULE_COLUMNS``
    (``$skills``: the GP savoir-faire of the settings): a doctor is a GP when their
    savoir-faire is one of them, else among the other doctors; a pharmacist counts in an
    officine only; a profession not counted is NULL."""
    doctor = PROFESSIONS[0].register_code
    officine = " or ".join(f"strip_accents(lower(coalesce({column}, ''))) like '%officine%'"
                           for column in ("pharmacy_section_label", "sector_label"))
    cases = [f"when profession_code = '{doctor}' and list_contains($skills, savoir_faire_code) "
             f"then '{GENERAL_PRACTITIONERS}'",
             f"when profession_code = '{doctor}' then '{OTHER_DOCTORS}'",
             f"when profession_code = '{BY_KEY[PHARMACISTS].register_code}' then "
             f"case when {officine} then '{PHARMACISTS}' end",
             *(f"when profession_code = '{profession.register_code}' then '{profession.key}'"
               for profession in PROFESSIONS[2:] if profession.key != PHARMACISTS)]
    return "case " + " ".join(cases) + " end"


def with_rule_columns(activities: pd.DataFrame, *others: str) -> pd.DataFrame:
    """``others`` and the columns ``profession_sql`` reads; a label the register lacks is empty."""
    return pd.DataFrame({name: activities[name] if name in activities else
                         pd.Series(pd.NA, index=activities.index, dtype="string") for name in [*others, *RULE_COLUMNS]})


def profession_of(activities: pd.DataFrame, gp_skills: tuple[str, ...]) -> pd.Series:
    """Each activity's profession key (``profession_sql``), missing for professions not counted
    (DuckDB keeps the rows' order in a projection)."""
    found = query(f"select {profession_sql()} as profession from activities", {"skills": list(gp_skills)},
                  activities=with_rule_columns(activities))
    return pd.Series(found["profession"].to_numpy(), index=activities.index, dtype="string")


def in_register(key: str, when: date) -> bool:
    """Whether a register extract of ``when`` holds the profession ``key``."""
    return when.year >= BY_KEY[key].in_register_since
