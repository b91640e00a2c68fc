"""Commune-code conventions of the INSEE Code officiel géographique (COG)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

COMMUNE_CODE_PATTERN = r"^(?:\d{2}|2[AB])\d{3}$|^97\d{3}$"


def departement_codes(commune_codes: pa.Array) -> pa.Array:
    """Département code of each commune code: 3 characters overseas (97x), else 2."""
    return pc.if_else(pc.starts_with(commune_codes, "97"), pc.utf8_slice_codeunits(commune_codes, 0, 3),
                      pc.utf8_slice_codeunits(commune_codes, 0, 2))


def departement_of(commune_codes: pd.Series) -> pd.Series:
    """``departement_codes`` of a pandas column."""
    codes = pa.array(commune_codes.astype("string"), type=pa.string(), from_pandas=True)
    return pd.Series(departement_codes(codes), index=commune_codes.index, dtype="string")


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
