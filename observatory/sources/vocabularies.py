"""Closed vocabularies for the labels published from the agency's records.

A free-text cell (which may name a person, or hold a phone number) never becomes a
published row label: a value outside the vocabulary, compared folded (lower case, no
accents, single spaces), is published as « Autre » and counted.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

OTHER = "Autre"
PROFESSIONS = ("Médecin généraliste", "Médecin spécialiste", "Interne en médecine générale", "Interne (autre spécialité)",
               "Étudiant paramédical", "Infirmier", "Masseur-kinésithérapeute", "Chirurgien-dentiste", "Sage-femme",
               "Orthophoniste", "Orthoptiste", "Pharmacien", "Pédicure-podologue", "Psychologue", "Diététicien",
               "Ergothérapeute", "Psychomotricien")
OFFERS = ("Ma Box Stage", "Ma Box Rempla", "Ma Box Instal", "Jobpack", "Job Conjoint")


def fold(text: str) -> str:
    """Lower case, accents removed, runs of white space as one space."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return " ".join(stripped.split())


def vocabulary_label(values: pd.Series, vocabulary: tuple[str, ...]) -> pd.Series:
    """Each value as its vocabulary label, « Autre » when it is none (empty stays empty)."""
    labels = {fold(label): label for label in vocabulary}
    folded = values.astype("string").map(fold, na_action="ignore").astype("string")
    return folded.map(labels).fillna(OTHER).where(folded.fillna("") != "", pd.NA).astype("string")
