"""Register snapshots parsed once: a snapshot's staged activities are kept in the staging
folder under a digest of its file's SHA-256 and of everything its reading depends on (the
départements, the known communes, the former-commune mapping), so a refresh with ten
unchanged snapshots reads none of them again. The cache holds personal data (RPPS
numbers), as staging may; it keeps only the entries the last refresh used.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from .rpps import read_rpps_extract
from .staged import StagedTable


def cache_key(sha256: str, departements: tuple[str, ...], known: set[str], history: dict[str, str]) -> str:
    """The file's SHA-256 and the reading's inputs, digested."""
    inputs = json.dumps([sha256, list(departements), sorted(known), sorted(history.items())])
    return hashlib.sha256(inputs.encode()).hexdigest()


def read_snapshots(snapshots: list[tuple[Path, str]], departements: tuple[str, ...], known: set[str],
                   history: dict[str, str], folder: Path) -> list[StagedTable]:
    """Each snapshot's staged activities (given as its path and SHA-256, which the raw
    layer's origin has computed already), from ``folder`` when an earlier refresh read the
    same file with the same inputs, else read (and kept); entries not used are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [path for path, _ in snapshots]
    keys = [cache_key(sha256, departements, known, history) for _, sha256 in snapshots]
    staged = [_load(folder / key) if (folder / f"{key}.json").exists()
              else _keep(read_rpps_extract(path, departements, known, history), folder / key)
              for path, key in zip(paths, keys)]
    for entry in folder.iterdir():
        if entry.name.split(".")[0] not in keys:
            entry.unlink()
    return staged


def _keep(staged: StagedTable, base: Path) -> StagedTable:
    staged.table.to_parquet(base.with_suffix(".table.parquet"), index=False)
    staged.rejects.to_parquet(base.with_suffix(".rejects.parquet"), index=False)
    # the record last: an entry without it (a refresh killed while writing) is read again
    base.with_suffix(".json").write_text(json.dumps({"rows_read": staged.rows_read, "out_of_scope": staged.out_of_scope,
                                                     "stats": staged.stats}, default=str), encoding="utf-8")
    return staged


def _load(base: Path) -> StagedTable:
    record = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
    return StagedTable(table=pd.read_parquet(base.with_suffix(".table.parquet")),
                       rejects=pd.read_parquet(base.with_suffix(".rejects.parquet")),
                       rows_read=record["rows_read"], out_of_scope=record["out_of_scope"], stats=record["stats"])
