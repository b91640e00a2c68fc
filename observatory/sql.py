"""Run DuckDB SQL over pandas frames: the indicators are SQL, their inputs are frames."""

from __future__ import annotations

import duckdb
import pandas as pd


def query(sql: str, parameters: dict | None = None, **frames: pd.DataFrame) -> pd.DataFrame:
    """Run ``sql`` in a fresh in-memory database where each keyword frame is a table.

    A fresh database per call keeps indicators pure functions of their inputs.
    """
    with duckdb.connect(":memory:") as connection:
        for name, frame in frames.items():
            connection.register(name, frame)
        return connection.execute(sql, parameters or {}).df()
