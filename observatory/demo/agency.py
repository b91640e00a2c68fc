"""Synthetic case records of the attractiveness agency, in its CRM export format."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from .practitioners import FIRST_NAMES, SURNAMES
from .spec import DemoSpec

COLUMNS = ("id_dossier", "date_premier_contact", "nom", "prenom", "email", "telephone", "profession",
           "offre", "statut", "date_accompagnement", "date_installation", "type_installation",
           "code_commune_installation", "identifiant_rpps", "montant_aide_eur", "notes")
OTHER_INSTALLING = ("Infirmier", "Masseur-kinésithérapeute", "Chirurgien-dentiste", "Sage-femme", "Orthophoniste")
ACCOMPANIED_ONLY = ("Interne en médecine générale", "Étudiant paramédical", "Médecin généraliste",
                    "Médecin spécialiste", "Infirmier")
NOTES = ("Rencontré au salon des internes ; conjoint cherche un emploi à proximité.",
         "Souhaite visiter deux cabinets avant l'été, rappeler le lundi.",
         "Intéressé par la MSP, demande les conditions de l'aide à l'équipement.",
         "Projet familial, deux enfants scolarisés, cherche un logement.")


def _day(rng: np.random.Generator, start: date, end: date) -> date:
    return start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _installation_dates(rng: np.random.Generator, spec: DemoSpec) -> list[date]:
    """Exactly ``installations_q1_2024`` dates in Q1 2024, the others in 2022-2023 and Q2 2024."""
    q1 = [_day(rng, date(2024, 1, 1), date(2024, 3, 31)) for _ in range(spec.installations_q1_2024)]
    rest = spec.installations - spec.installations_q1_2024
    in_q2 = rest // 4
    others = [_day(rng, date(2022, 1, 1), date(2023, 12, 31)) for _ in range(rest - in_q2)]
    others += [_day(rng, date(2024, 4, 1), spec.reference_date) for _ in range(in_q2)]
    return q1 + others


def case_records(rng: np.random.Generator, spec: DemoSpec, communes: pd.DataFrame, gps: pd.DataFrame) -> pd.DataFrame:
    """Cases reaching each stage in the numbers of ``spec``.

    GP installations name the GP's RPPS id and commune (young GPs of the register), so
    that later analyses can find them in the register.
    """
    rows = []
    young = gps[gps["birth_year"] >= spec.reference_date.year - 40].sample(
        n=spec.gp_installations, random_state=int(rng.integers(2**31)))
    installed_types = list(rng.permutation(
        ["durable"] * spec.installations_durable + ["remplacement"] * spec.installations_replacement))
    for index, (kind, installed_on) in enumerate(zip(installed_types, _installation_dates(rng, spec))):
        contact = installed_on - timedelta(days=int(rng.integers(120, 540)))
        row = {"statut": "installé", "date_premier_contact": contact,
               "date_accompagnement": contact + timedelta(days=int(rng.integers(10, 90))),
               "date_installation": installed_on, "type_installation": kind}
        if index < spec.gp_installations:
            gp = young.iloc[index]
            row |= {"profession": "Médecin généraliste", "identifiant_rpps": gp["rpps_id"],
                    "code_commune_installation": communes.loc[gp["commune"], "code"],
                    "offre": "Ma Box Instal" if kind == "durable" else "Ma Box Rempla",
                    "montant_aide_eur": 20000 if kind == "durable" else 0}
        else:
            rural = communes[~communes["town"]]
            row |= {"profession": str(rng.choice(OTHER_INSTALLING)),
                    "code_commune_installation": rural["code"].iloc[rng.integers(len(rural))],
                    "offre": "Ma Box Instal" if kind == "durable" else "Jobpack", "montant_aide_eur": 0}
        rows.append(row)
    accompanied_only = spec.cases_accompanied - spec.installations
    for index in range(accompanied_only):
        contact = _day(rng, date(2021, 6, 1), spec.reference_date - timedelta(days=30))
        profession = str(rng.choice(ACCOMPANIED_ONLY))
        offer = {"Interne en médecine générale": "Ma Box Stage", "Étudiant paramédical": "Ma Box Stage"}.get(
            profession, str(rng.choice(["Ma Box Rempla", "Ma Box Instal", "Jobpack", "Job Conjoint"])))
        aid = {"Interne en médecine générale": 12000, "Étudiant paramédical": 6000}.get(profession, 0)
        rows.append({"statut": "abandon" if index < spec.cases_abandoned else "accompagnement",
                     "date_premier_contact": contact,
                     "date_accompagnement": min(contact + timedelta(days=int(rng.integers(10, 90))), spec.reference_date),
                     "profession": profession, "offre": offer, "montant_aide_eur": aid})
    for _ in range(spec.cases_contacted - spec.cases_accompanied):
        rows.append({"statut": "contact", "date_premier_contact": _day(rng, date(2021, 6, 1), spec.reference_date),
                     "profession": str(rng.choice(ACCOMPANIED_ONLY)), "offre": str(rng.choice(["Jobpack", "Ma Box Instal"]))})
    frame = pd.DataFrame(rows).sort_values("date_premier_contact", kind="stable").reset_index(drop=True)
    frame["id_dossier"] = [f"AG-{day.year}-{i:04d}" for i, day in enumerate(frame["date_premier_contact"], start=1)]
    frame["nom"] = rng.choice(SURNAMES, len(frame))
    frame["prenom"] = rng.choice(FIRST_NAMES, len(frame))
    frame["email"] = [f"{p.lower()}.{n.lower()}@example.org" for p, n in zip(frame["prenom"], frame["nom"])]
    frame["telephone"] = [f"06 {rng.integers(10, 99)} {rng.integers(10, 99)} {rng.integers(10, 99)} {rng.integers(10, 99)}" for _ in range(len(frame))]
    frame["notes"] = rng.choice(NOTES, len(frame))
    for column in ("date_premier_contact", "date_accompagnement", "date_installation"):
        frame[column] = frame[column].map(lambda d: d.strftime("%d/%m/%Y") if isinstance(d, date) else "")
    frame["montant_aide_eur"] = frame["montant_aide_eur"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    return frame.reindex(columns=COLUMNS).fillna("")


# The nine axes of the demo's health plan (shaped like « Le 41 en bonne santé »; synthetic
# titles and amounts): yearly amount in euros, and the agency offers each axis pays for.
PLAN_AXES = (
    ("Accueillir les stagiaires et les internes", 60_000, "Ma Box Stage"),
    ("Faciliter les remplacements", 40_000, "Ma Box Rempla"),
    ("Accompagner l'installation", 180_000, "Ma Box Instal"),
    ("Emploi du conjoint", 25_000, "Job Conjoint"),
    ("Promouvoir le territoire auprès des professionnels", 70_000, "Jobpack"),
    ("Soutenir les maisons et centres de santé", 250_000, ""),
    ("Aider les étudiants paramédicaux", 36_000, ""),
    ("Développer la télésanté", 45_000, ""),
    ("Piloter le plan et l'observatoire", 50_000, ""),
)


def plan_budget(spec: DemoSpec) -> pd.DataFrame:
    """The plan's budget lines, one per axis and year of the agency's activity."""
    years = range(2022, spec.reference_date.year + 1)
    return pd.DataFrame([
        {"axe_numero": number, "axe_intitule": title, "annee": year, "montant_eur": amount,
         "offres_rattachees": offers}
        for number, (title, amount, offers) in enumerate(PLAN_AXES, start=1) for year in years
    ])
