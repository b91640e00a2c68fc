"""Reader of the national commune reference: the public geo API's list of communes, or the
``communes.json`` of its package ``@etalab/decoupage-administratif``: the legal population
of every current commune, used for the communes of the APL's border ring that the
territory's own population file does not cover."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .errors import SourceFormatError


def read_national_populations(path: Path) -> pd.DataFrame:
    """``commune_code``, ``population`` of every current commune (arrondissements and
    former communes left out)."""
    path = Path(path)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SourceFormatError(path, None, None, f"unreadable JSON: {error}") from error
    if not isinstance(records, list) or (records and not {"code", "population"} <= set(records[0])):
        raise SourceFormatError(path, None, "code", "expected a list of communes with 'code' and 'population'")
    frame = pd.DataFrame.from_records(records, columns=["code", "type", "population"])
    current = frame[frame["type"].isna() | (frame["type"] == "commune-actuelle")]  # the geo API gives no type
    return pd.DataFrame({"commune_code": current["code"].astype("string"),
                         "population": pd.to_numeric(current["population"], errors="coerce").astype("float64")})
