"""Commune-code conventions of the INSEE Code officiel géographique (COG)."""

from __future__ import annotations

import pandas as pd

COMMUNE_CODE_PATTERN = r"^(?:\d{2}|2[AB])\d{3}$|^97\d{3}$"


def departement_of(commune_codes: pd.Series) -> pd.Series:
    """Département code of each commune code: 3 characters overseas (97x), else 2."""
    codes = commune_codes.astype("string")
    return codes.str.slice(0, 3).where(codes.str.startswith("97"), codes.str.slice(0, 2))


# Paris, Lyon and Marseille: municipal arrondissements (75101–75120, 69381–69389,
# 13201–13216) are places of practice in the registers, not communes of the COG.
ARRONDISSEMENTS = {"751": "75056", "693": "69123", "132": "13055"}


def commune_of_arrondissement(codes: pd.Series) -> pd.Series:
    """The commune of each arrondissement code (Paris 75056, Lyon 69123, Marseille 13055);
    other codes as they are."""
    codes = codes.astype("string")
    mapped = codes.str.slice(0, 3).map(ARRONDISSEMENTS)
    is_arrondissement = codes.str.fullmatch(r"751(?:0[1-9]|1\d|20)|6938[1-9]|132(?:0[1-9]|1[0-6])").fillna(False)
    return mapped.where(is_arrondissement.astype(bool), codes).astype("string")


def is_commune_code(values: pd.Series) -> pd.Series:
    """True where the value has the shape of a commune code (e.g. 41018, 2A004, 97411)."""
    return values.astype("string").str.fullmatch(COMMUNE_CODE_PATTERN).fillna(False).astype(bool)
