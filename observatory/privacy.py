"""Personal data rules at the door: pseudonymise case identifiers (small counts are
protected on the way out, ``confidential``)."""

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
