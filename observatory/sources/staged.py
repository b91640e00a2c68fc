"""The result of staging one source: accepted rows, quarantined rows, and counts that add up."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

QUARANTINE_COLUMNS = ["dataset", "file", "line", "field", "reason"]


def rejections(dataset: str, file: str, lines, field_name: str, reasons) -> pd.DataFrame:
    """Quarantine rows for ``lines`` of ``file``; ``reasons`` is one string or one per line.

    Only the location and the reason are kept, never the row's content: a rejected row may
    hold personal data, and the quarantine is counted on the public methodology page.
    """
    lines = pd.Series(lines, dtype="int64").reset_index(drop=True)
    if isinstance(reasons, str):
        reasons = [reasons] * len(lines)
    return pd.DataFrame(
        {
            "dataset": dataset,
            "file": file,
            "line": lines,
            "field": field_name,
            "reason": pd.Series(list(reasons), dtype="string"),
        },
        columns=QUARANTINE_COLUMNS,
    )


def empty_rejections() -> pd.DataFrame:
    return rejections("", "", [], "", [])


@dataclass
class StagedTable:
    """A staged dataset.

    ``rows_read`` counts data rows in the file(s); every one of them is accepted,
    quarantined, or set aside as ``out_of_scope`` (e.g. outside the observed territory):
    ``rows_read == rows_accepted + len(rejects) + out_of_scope``. ``rows_accepted`` is the
    table's length, unless a reader that merges rows (e.g. former communes into current
    ones) states the accepted input rows in ``stats["rows_accepted"]``.
    """

    table: pd.DataFrame
    rejects: pd.DataFrame = field(default_factory=empty_rejections)
    rows_read: int = 0
    out_of_scope: int = 0
    stats: dict = field(default_factory=dict)

    @classmethod
    def absent(cls, schema: dict[str, str]) -> "StagedTable":
        """An empty, typed table for an optional source the territory does not have."""
        table = pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in schema.items()})
        return cls(table=table, stats={"absent": True})

    @property
    def rows_accepted(self) -> int:
        return int(self.stats.get("rows_accepted", len(self.table)))

    def metadata(self) -> dict:
        """Counts for the orchestrator's UI and the closing notes."""
        return {
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_quarantined": len(self.rejects),
            "rows_out_of_scope": self.out_of_scope,
            **self.stats,
        }


class RowChecks:
    """Collects row-level rejections over a frame that carries a ``line`` column.

    Each row is rejected at most once, for the first check it fails, so that
    ``accepted + quarantined`` always equals the rows checked.
    """

    def __init__(self, dataset: str, file: str, frame: pd.DataFrame):
        self.dataset = dataset
        self.file = file
        self.frame = frame
        self.bad = pd.Series(False, index=frame.index)
        self.parts: list[pd.DataFrame] = []

    def reject(self, mask: pd.Series, field_name: str, reason) -> None:
        """Reject rows where ``mask``; ``reason`` is a string, a Series aligned on the frame,
        or a function of the rejected rows giving theirs (worded for those rows only: a
        register has millions)."""
        mask = mask.fillna(True).astype(bool) & ~self.bad
        if mask.any():
            reasons = (reason if isinstance(reason, str) else reason(self.frame[mask]).tolist() if callable(reason)
                       else reason[mask].tolist())
            self.parts.append(
                rejections(self.dataset, self.file, self.frame.loc[mask, "line"], field_name, reasons)
            )
        self.bad |= mask

    def reject_duplicates(self, key: list[str], field_name: str, what: str) -> None:
        """Reject the second and later rows sharing ``key`` among rows still accepted. Only
        the rows whose key's hash repeats are compared on the key itself: in a register of
        millions of lines, a few."""
        alive = self.frame[~self.bad]
        alive = alive.iloc[_sharing_a_hash(alive[key])]
        repeated = alive.duplicated(subset=key, keep="first")
        first_line = alive.groupby(key, sort=False, dropna=False, observed=True)["line"].transform("min")
        reason = "duplicate " + what + " (first at line " + first_line.astype("string") + ")"
        self.reject(repeated.reindex(self.frame.index, fill_value=False), field_name, reason.reindex(self.frame.index))

    def accepted(self) -> pd.DataFrame:
        return self.frame[~self.bad].reset_index(drop=True)

    def rejects(self, *earlier: pd.DataFrame) -> pd.DataFrame:
        parts = [p for p in (*earlier, *self.parts) if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else empty_rejections()


def _sharing_a_hash(keys: pd.DataFrame) -> np.ndarray:
    """Positions (in order) of the rows whose hash of every column of ``keys`` occurs more
    than once (missing values alike): every repeated key, and rarely one that only shares its
    hash. DuckDB hashes millions of rows in a fraction of a second, where pandas takes seconds."""
    if len(keys) < 2:
        return np.zeros(0, dtype="int64")
    columns = {f"k{index}": pa.array(values, from_pandas=True) for index, (_, values) in enumerate(keys.items())}
    with duckdb.connect() as connection:
        connection.register("keys", pa.table(columns))
        hashes = connection.execute(f"select hash({', '.join(columns)}) as h from keys").fetchnumpy()["h"]
    return np.flatnonzero(pd.Series(hashes).duplicated(keep=False).to_numpy())
