"""Run DuckDB SQL over pandas frames: the indicators are SQL, their inputs are frames."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa


def as_table(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """The frame as an Arrow table for DuckDB to scan: pandas' Arrow-backed strings pass
    without a copy, where registering the frame converts each string column to Python
    objects (seconds for a register). A frame Arrow cannot type (mixed objects, or a column
    of nothing but missing values, which DuckDB types from pandas as a null of any type) is
    passed as it is."""
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame
    return frame if any(pa.types.is_null(field.type) for field in table.schema) else table


def query(sql: str, parameters: dict | None = None, **frames: pd.DataFrame) -> pd.DataFrame:
    """Run ``sql`` in a fresh in-memory database where each keyword frame is a table.

    A fresh database per call keeps indicators pure functions of their inputs.
    """
    with duckdb.connect(":memory:") as connection:
        for name, frame in frames.items():
            connection.register(name, as_table(frame))
        return connection.execute(sql, parameters or {}).df()
