"""Numbers written the French way: 330 124 ; 7,6 ; 56 %."""

from __future__ import annotations

import pandas as pd

THIN_SPACE = "\u202f"  # narrow no-break space: thousands separator and before %
PLOTLY_SEPARATORS = ",\u202f"  # plotly layout.separators: decimal mark, then thousands
MISSING = "–"


def number(value, decimals: int = 0) -> str:
    """``330124`` → ``330 124``; ``7.5729`` with 1 decimal → ``7,6``; missing → ``–``."""
    if value is None or pd.isna(value):
        return MISSING
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", THIN_SPACE).replace(".", ",")


def signed(value, decimals: int = 0) -> str:
    """A change with its sign: ``+0,06``, ``−3`` (the minus sign, not a hyphen), ``0``."""
    if value is None or pd.isna(value):
        return MISSING
    text = number(abs(value), decimals)
    rounded = round(float(value), decimals)
    return ("+" if rounded > 0 else "−" if rounded < 0 else "") + text


def percent(share, decimals: int = 0) -> str:
    """``0.56`` → ``56 %``."""
    if share is None or pd.isna(share):
        return MISSING
    return f"{number(share * 100, decimals)}{THIN_SPACE}%"


def fraction(value: float) -> str:
    """Weights that are thirds written as such (« 2/3 »), others as decimals."""
    for numerator, denominator in ((1, 1), (2, 3), (1, 3), (1, 2), (0, 1)):
        if abs(value - numerator / denominator) < 1e-9:
            return str(numerator) if denominator == 1 else f"{numerator}/{denominator}"
    return number(value, 2)


def age_band(first: int, last: int | None) -> str:
    """« 0 à 4 ans », « 90 ans et plus »."""
    return f"{first} ans et plus" if last is None else f"{first} à {last} ans"
