"""The professions the observatory counts from the RPPS extract, how each is recognised in
it, since when the RPPS holds it, and the CNAM count it is checked against.

The RPPS replaced ADELI profession by profession: « Depuis 2012, les dentistes, les
médecins, les pharmaciens et les sages-femmes sont enregistrés par leur Ordre au RPPS. Les
kinésithérapeutes ont basculé au répertoire RPPS en 2017, les pédicures-podologues en 2018,
les infirmières en 2022 » (DREES, « La démographie des professionnels de santé », sources et
outils). A register snapshot older than a profession's entry does not hold it: its count
there is unknown, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

REGISTER_ENTRY_SOURCE = ("DREES, « La démographie des professionnels de santé » (sources et outils) : "
                         "bascule de chaque profession d'ADELI vers le RPPS")


@dataclass(frozen=True)
class Profession:
    """One profession: its key, its French label, its RPPS « Code profession », the year
    the RPPS started to hold it, and the CNAM's label for its liberal count (none when the
    CNAM's file has none)."""

    key: str
    label: str
    register_code: str
    in_register_since: int
    cnam_label: str | None


GENERAL_PRACTITIONERS = "medecin_generaliste"
OTHER_DOCTORS = "medecin_specialiste"
PROFESSIONS = (
    Profession(GENERAL_PRACTITIONERS, "Médecins généralistes", "10", 2012, "Ensemble des médecins généralistes"),
    Profession(OTHER_DOCTORS, "Autres médecins (spécialistes, hors généralistes)", "10", 2012,
               "Ensemble des médecins spécialistes (hors généralistes)"),
    Profession("chirurgien_dentiste", "Chirurgiens-dentistes", "40", 2012, "Ensemble des chirurgiens-dentistes"),
    Profession("sage_femme", "Sages-femmes", "50", 2012, "Sages-femmes"),
    Profession("pharmacien", "Pharmaciens", "21", 2012, None),
    Profession("infirmier", "Infirmiers", "60", 2022, "Infirmiers"),
    Profession("masseur_kinesitherapeute", "Masseurs-kinésithérapeutes", "70", 2017, "Masseurs-kinésithérapeutes"),
)
BY_KEY = {profession.key: profession for profession in PROFESSIONS}


def profession_of(activities: pd.DataFrame, gp_skills: tuple[str, ...]) -> pd.Series:
    """Each activity's profession key (missing for professions not counted): a doctor is a
    GP when their savoir-faire is one of ``gp_skills`` (the setting the GP count uses), else
    among the other doctors."""
    code = activities["profession_code"].astype("string").fillna("").to_numpy(dtype=object)
    skill = activities["savoir_faire_code"].astype("string").fillna("").isin(gp_skills).to_numpy()
    doctor = code == "10"
    conditions = [doctor & skill, doctor & ~skill,
                  *(code == profession.register_code for profession in PROFESSIONS[2:])]
    keys = np.select(conditions, [profession.key for profession in PROFESSIONS], default="")
    return pd.Series(keys, index=activities.index, dtype="string").replace("", pd.NA)


def in_register(key: str, when: date) -> bool:
    """Whether a register extract of ``when`` holds the profession ``key``."""
    return when.year >= BY_KEY[key].in_register_since
