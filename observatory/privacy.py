"""Personal data rules: pseudonymise at the door, suppress small counts on the way out."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd


def pseudonymisation_key(configured: str, key_file: Path) -> bytes:
    """The secret used to pseudonymise case identifiers.

    A configured key wins (so several machines agree); otherwise a random key is created
    once beside the staging data, readable only by its owner, and reused so that the
    same case keeps the same pseudonym across refreshes.
    """
    if configured:
        return configured.encode()
    key_file = Path(key_file)
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip().encode()


def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    """Keyed hash (HMAC-SHA256, 16 hex characters) of each value: stable, not reversible
    without the key, and not guessable by hashing candidate identifiers."""
    return values.astype("string").map(
        lambda value: hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:16],
        na_action="ignore",
    ).astype("string")


def _small(values: pd.Series, threshold: int) -> pd.Series:
    return ((values > 0) & (values < threshold)).fillna(False).astype(bool)


def suppress_small_counts(frame: pd.DataFrame, columns: list[str], threshold: int) -> pd.DataFrame:
    """Blank each count in ``(0, threshold)`` (statistical secrecy); zeros stay published."""
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].astype("Float64").mask(_small(frame[column], threshold))
    return frame


def suppress_breakdown(frame: pd.DataFrame, parts: list[str], threshold: int,
                       derived: tuple[str, ...] = ()) -> pd.DataFrame:
    """Blank every part of a breakdown, and the ``derived`` columns, on rows where any
    part is in ``(0, threshold)``.

    Blanking only the small part would not protect it: it could be recomputed as the
    published total minus the other parts.
    """
    frame = frame.copy()
    hidden = pd.Series(False, index=frame.index)
    for column in parts:
        hidden |= _small(frame[column], threshold)
    for column in [*parts, *derived]:
        frame[column] = frame[column].astype("Float64").mask(hidden)
    return frame
