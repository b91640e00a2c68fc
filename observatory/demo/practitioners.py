"""Synthetic practitioners: the RPPS extract (all professions) and the GP roster with ages."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..sources.rpps import HEADER
from .spec import DemoSpec

SURNAMES = ("MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU",
            "LAURENT", "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL",
            "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT")
FIRST_NAMES = ("Camille", "Claire", "Julien", "Nicolas", "Sophie", "Marie", "Pierre", "Thomas", "Anne",
               "Élodie", "François", "Hélène", "Lucas", "Chloé", "Antoine", "Isabelle", "Mathieu", "Léa")
# (code profession, libellé, code savoir-faire, libellé savoir-faire, rows in the territory)
OTHER_PROFESSIONS = (
    ("60", "Infirmier", "", "", 1150),
    ("70", "Masseur-Kinésithérapeute", "", "", 260),
    ("21", "Pharmacien", "", "", 240),
    ("40", "Chirurgien-Dentiste", "", "", 150),
    ("50", "Sage-Femme", "", "", 70),
    ("10", "Médecin", "SM20", "Gynécologie-obstétrique", 25),
    ("10", "Médecin", "", "", 15),  # a doctor without recognised speciality: not a GP
)
MODES = {"L": "Libéral", "S": "Salarié", "B": "Bénévole"}
PHARMACIST = "21"
HOSPITAL_PHARMACISTS = 6  # one pharmacist in six works in a hospital, the others in an officine


def _pharmacy_section(index: int, mode: str) -> dict:
    """The Ordre des pharmaciens' section of the ``index``-th pharmacist: a hospital's (salaried)
    one in six, else titulaire (liberal) or adjoint (salaried) d'officine; drawn from the index,
    so no random draw moves."""
    if index % HOSPITAL_PHARMACISTS == 0:
        return {"Code section tableau pharmaciens": "H", "Libellé section tableau pharmaciens":
                "Pharmaciens des établissements de santé", "Code mode exercice": "S", "Libellé mode exercice": "Salarié",
                "Code secteur d'activité": "SA01", "Libellé secteur d'activité": "Etablissement Public de santé"}
    code, label = ("A", "Pharmaciens titulaires d'officine") if mode == "L" else \
        ("D", "Pharmaciens adjoints d'officine et autres exercices")
    return {"Code section tableau pharmaciens": code, "Libellé section tableau pharmaciens": label}


GP_SKILLS = (("SM53", "Spécialiste en Médecine Générale"), ("SM54", "Médecine Générale"))


def _rpps_line(values: dict) -> str:
    return "|".join(values.get(name, "") for name in HEADER) + "|"


def _person(rng: np.random.Generator, rpps_id: str) -> dict:
    woman = rng.random() < 0.5
    return {
        "Type d'identifiant PP": "8",
        "Identifiant PP": rpps_id,
        "Identification nationale PP": "8" + rpps_id,
        "Code civilité d'exercice": "DR" if rng.random() < 0.3 else "",
        "Libellé civilité d'exercice": "",
        "Code civilité": "MME" if woman else "M",
        "Libellé civilité": "Madame" if woman else "Monsieur",
        "Nom d'exercice": str(rng.choice(SURNAMES)),
        "Prénom d'exercice": str(rng.choice(FIRST_NAMES)),
        "Code catégorie professionnelle": "C",
        "Libellé catégorie professionnelle": "Civil",
        "Autorité d'enregistrement": "ARS/CPAM/CPAM",
    }


def _site(mode: str, siret: str) -> dict:
    """A liberal practice, or a salaried post: at a public hospital (RPPS sector SA01, as in
    the real extract) or, one in three, in a centre de santé (the DREES counts those GPs in
    the APL, not hospital ones). Drawn from the SIRET already drawn, so no random draw moves."""
    if mode == "L":
        return {"Raison sociale site": "CABINET MEDICAL"}
    if int(siret[-1]) % 3 == 0:
        return {"Raison sociale site": "CENTRE DE SANTE MUNICIPAL", "Libellé secteur d'activité": "Centre de santé"}
    return {"Raison sociale site": "CENTRE HOSPITALIER", "Code secteur d'activité": "SA01",
            "Libellé secteur d'activité": "Etablissement Public de santé"}


def _activity(rng: np.random.Generator, mode: str, commune: pd.Series) -> dict:
    siret = f"{rng.integers(10**13, 10**14)}"
    return {
        "Code mode exercice": mode,
        "Libellé mode exercice": MODES[mode],
        "Numéro SIRET site": siret,
        "Numéro SIREN site": siret[:9],
        "Identifiant technique de la structure": "R" + siret,
        **_site(mode, siret),
        "Libellé Voie (coord. structure)": "DE LA MAIRIE",
        "Code postal (coord. structure)": commune["code"][:4] + "0",
        "Code commune (coord. structure)": commune["code"],
        "Libellé commune (coord. structure)": commune["name"].upper(),
        "Code pays (coord. structure)": "99000",
        "Libellé pays (coord. structure)": "France",
    }


def build_gps(rng: np.random.Generator, spec: DemoSpec, communes: pd.DataFrame) -> pd.DataFrame:
    """One row per GP of the territory: id, main commune, age class, birth year, FTE."""
    weights = np.where(communes["population"] > 250, communes["population"].to_numpy() ** 1.15, 0.0)
    weights = weights * rng.uniform(0.3, 1.7, size=len(weights))
    where = rng.choice(len(communes), size=spec.gps, p=weights / weights.sum())
    rural = ~communes["town"].to_numpy()[where]
    older_weight = np.where(rural, 1.6, 1.0)
    older = np.zeros(spec.gps, dtype=bool)
    older[rng.choice(spec.gps, size=spec.gps_55_plus, replace=False, p=older_weight / older_weight.sum())] = True
    year = spec.reference_date.year
    birth = np.where(older, rng.integers(year - 72, year - 55 + 1, spec.gps), rng.integers(year - 54, year - 28 + 1, spec.gps))
    fte = np.where(older, rng.choice([0.5, 0.6, 0.8, 1.0], spec.gps), rng.choice([0.6, 0.8, 0.9, 1.0], spec.gps))
    ids = rng.choice(np.arange(10_000_000, 99_999_999), size=spec.gps, replace=False)
    draw = rng.random(spec.gps)  # 82 % liberal, 13 % salaried, 5 % both (« mixte »)
    modes = np.where(draw < 0.82, "L", np.where(draw < 0.95, "S", "LS"))
    return pd.DataFrame({
        "rpps_id": [f"100{i:08d}" for i in ids],
        "commune": where,
        "birth_year": birth,
        "fte": fte,
        "older": older,
        "modes": modes,
        "liberal": np.char.find(modes.astype(str), "L") >= 0,
    })


def rpps_extract_lines(rng: np.random.Generator, spec: DemoSpec, communes: pd.DataFrame, gps: pd.DataFrame) -> list[str]:
    """The national-format extract: the territory's GPs and other professions, people
    practising elsewhere or nowhere (out of scope), and three faulty lines that the
    reader must quarantine (a repeated line, an unknown commune, a truncated line)."""
    lines = ["|".join(HEADER) + "|"]
    for gp in gps.itertuples():
        person = _person(rng, gp.rpps_id)
        skill = GP_SKILLS[0] if rng.random() < 0.8 else GP_SKILLS[1]
        person |= {"Code profession": "10", "Libellé profession": "Médecin",
                   "Code type savoir-faire": "S", "Libellé type savoir-faire": "Spécialité ordinale",
                   "Code savoir-faire": skill[0], "Libellé savoir-faire": skill[1]}
        home = communes.iloc[gp.commune]
        for mode in gp.modes:
            lines.append(_rpps_line(person | _activity(rng, mode, home)))
        if gp.modes == "L" and rng.random() < 0.08:  # a second practice site
            lines.append(_rpps_line(person | _activity(rng, "L", communes.iloc[rng.integers(len(communes))])))
    next_id = iter(rng.choice(np.arange(10_000_000, 99_999_999), size=5_000, replace=False))
    for code, label, skill, skill_label, count in OTHER_PROFESSIONS:
        for index in range(count):
            person = _person(rng, f"101{next(next_id):08d}") | {
                "Code profession": code, "Libellé profession": label, "Code savoir-faire": skill,
                "Libellé savoir-faire": skill_label, "Code type savoir-faire": "S" if skill else "",
            }
            commune = communes.iloc[rng.choice(len(communes), p=communes["population"] / communes["population"].sum())]
            activity = _activity(rng, str(rng.choice(["L", "L", "S"])), commune)
            if code == PHARMACIST:
                activity |= _pharmacy_section(index, activity["Code mode exercice"])
            lines.append(_rpps_line(person | activity))
    elsewhere = pd.DataFrame({"code": ["37261", "45234", "75056", "18033"], "name": ["TOURS", "ORLEANS", "PARIS", "BOURGES"]})
    for _ in range(300):
        person = _person(rng, f"101{next(next_id):08d}") | {
            "Code profession": "10", "Libellé profession": "Médecin", "Code savoir-faire": "SM53",
            "Libellé savoir-faire": "Spécialiste en Médecine Générale", "Code type savoir-faire": "S"}
        lines.append(_rpps_line(person | _activity(rng, "L", elsewhere.iloc[rng.integers(len(elsewhere))])))
    for _ in range(200):  # registered but without a practice address
        lines.append(_rpps_line(_person(rng, f"101{next(next_id):08d}") | {"Code profession": "60", "Libellé profession": "Infirmier"}))
    lines.append(lines[1])  # fault: the first GP's first activity repeated
    unknown = _person(rng, f"101{next(next_id):08d}") | {"Code profession": "60", "Libellé profession": "Infirmier"}
    lines.append(_rpps_line(unknown | _activity(rng, "L", pd.Series({"code": f"{spec.departement}999", "name": "INCONNUE"}))))
    truncated = _person(rng, f"101{next(next_id):08d}") | {"Code profession": "70", "Libellé profession": "Masseur-Kinésithérapeute"}
    lines.append(_rpps_line(truncated | _activity(rng, "L", communes.iloc[0])).rsplit("|", 20)[0])
    return lines


def departed_gps(rng: np.random.Generator, spec: DemoSpec, communes: pd.DataFrame) -> pd.DataFrame:
    """GPs who stopped practising before the reference date: in earlier register
    snapshots and still in the roster, absent from the current register."""
    year = spec.reference_date.year
    weights = communes["population"].to_numpy() / communes["population"].sum()
    days = rng.integers(1, (spec.reference_date - spec.snapshot_dates[0]).days, spec.departed_gps)
    return pd.DataFrame({
        "rpps_id": [f"109{i:08d}" for i in range(spec.departed_gps)],
        "commune": rng.choice(len(communes), spec.departed_gps, p=weights),
        "birth_year": rng.integers(year - 76, year - 63, spec.departed_gps),
        "left_on": [pd.Timestamp(spec.snapshot_dates[0]) + pd.Timedelta(days=int(d)) for d in days],
    })


def snapshot_lines(rng: np.random.Generator, current: list[str], departed: pd.DataFrame, communes: pd.DataFrame,
                   arrivals: dict[str, pd.Timestamp], snapshot: pd.Timestamp) -> list[str]:
    """The register as it stood on ``snapshot``: without the GPs who arrived after it,
    with those who left after it."""
    rpps_column = HEADER.index("Identifiant PP")
    lines = [line for line in current if not (line.split("|")[rpps_column] in arrivals
                                              and arrivals[line.split("|")[rpps_column]] > snapshot)]
    for gp in departed[departed["left_on"] > snapshot].itertuples():
        person = _person(rng, gp.rpps_id) | {
            "Code profession": "10", "Libellé profession": "Médecin", "Code type savoir-faire": "S",
            "Libellé type savoir-faire": "Spécialité ordinale", "Code savoir-faire": "SM53",
            "Libellé savoir-faire": GP_SKILLS[0][1]}
        lines.append(_rpps_line(person | _activity(rng, "L", communes.iloc[gp.commune])))
    return lines


def roster_frame(rng: np.random.Generator, spec: DemoSpec, gps: pd.DataFrame, departed: pd.DataFrame) -> pd.DataFrame:
    """The département's roster: every GP of the register, plus those who have left."""
    year = spec.reference_date.year
    planned = [
        f"{int(rng.integers(year + 1, year + 5))}-{int(rng.integers(1, 13)):02d}-01"
        if born <= year - 62 and rng.random() < 0.5 else ""
        for born in gps["birth_year"]
    ]
    roster = pd.DataFrame({
        "identifiant_rpps": gps["rpps_id"],
        "nom": rng.choice(SURNAMES, len(gps)),
        "prenom": rng.choice(FIRST_NAMES, len(gps)),
        "annee_naissance": gps["birth_year"],
        "etp": [f"{value:.1f}".replace(".", ",") for value in gps["fte"]],
        "date_depart_prevue": planned,
    })
    left = pd.DataFrame({
        "identifiant_rpps": departed["rpps_id"],
        "nom": rng.choice(SURNAMES, len(departed)), "prenom": rng.choice(FIRST_NAMES, len(departed)),
        "annee_naissance": departed["birth_year"], "etp": "1,0", "date_depart_prevue": "",
    })
    return pd.concat([roster, left], ignore_index=True).sample(frac=1, random_state=rng.integers(2**31)).reset_index(drop=True)
