"""Commune-code conventions of the INSEE Code officiel géographique (COG)."""

from __future__ import annotations

import pandas as pd

COMMUNE_CODE_PATTERN = r"^(?:\d{2}|2[AB])\d{3}$|^97\d{3}$"


def departement_of(commune_codes: pd.Series) -> pd.Series:
    """Département code of each commune code: 3 characters overseas (97x), else 2."""
    codes = commune_codes.astype("string")
    return codes.str.slice(0, 3).where(codes.str.startswith("97"), codes.str.slice(0, 2))


def is_commune_code(values: pd.Series) -> pd.Series:
    """True where the value has the shape of a commune code (e.g. 41018, 2A004, 97411)."""
    return values.astype("string").str.fullmatch(COMMUNE_CODE_PATTERN).fillna(False).astype(bool)
