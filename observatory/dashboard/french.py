"""Numbers written the French way: 330 124 ; 7,6 ; 56 %."""

from __future__ import annotations

import re

import pandas as pd

THIN_SPACE = "\u202f"  # narrow no-break space: thousands separator and before %
PLOTLY_SEPARATORS = ",\u202f"  # plotly layout.separators: decimal mark, then thousands
MISSING = "–"
NO_BREAK_SPACE = "\u00a0"  # before « : » and inside « »


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


def quarter(year, number) -> str:
    """A quarter as French reports write it: « T1 2022 »."""
    return f"T{int(number)} {int(year)}"


_SPACES = ((re.compile(r"[ \u00a0\u202f]+([;!?])(?=\s|$)"), "\u202f\\1"),
           (re.compile(r"(?<=\S)[ \u00a0\u202f]+:(?=\s|$)"), NO_BREAK_SPACE + ":"),
           (re.compile(r"«[ \u00a0\u202f]*"), "«" + NO_BREAK_SPACE),
           (re.compile(r"[ \u00a0\u202f]*»"), NO_BREAK_SPACE + "»"))


def typography(text: str) -> str:
    """French spacing: a narrow no-break space before « ; ! ? », a no-break space before « : »
    and inside guillemets, so no line breaks between a word and its sign. Only where a space
    stood: « http://… », « 10:30 » and « &amp; » are left alone."""
    for pattern, replacement in _SPACES:
        text = pattern.sub(replacement, text)
    return text
