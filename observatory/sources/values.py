"""Parsing of the French-formatted values found in the sources (decimal commas, dd/mm/yyyy)."""

from __future__ import annotations

import pandas as pd


def parse_decimal(values: pd.Series) -> pd.Series:
    """Numbers written ``12,5`` or ``12.5``; empty or unparsable values become NA."""
    text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text.where(text != ""), errors="coerce").astype("Float64")


def parse_date(values: pd.Series) -> pd.Series:
    """Dates written ``2024-03-15`` or ``15/03/2024``; empty or invalid values become NaT."""
    text = values.astype("string").str.strip()
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    french = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    return iso.fillna(french).astype("datetime64[s]")
