"""Publishing curated outputs: aggregates only, replaced whole or not at all."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq

from .sql import as_table


def extension_path(name: str) -> Path:
    """A DuckDB extension shipped by its PyPI package (``duckdb-extension-<name>``): loading
    it from there needs no download (``INSTALL`` would fetch it online)."""
    package = Path(importlib.import_module(f"duckdb_extension_{name}").__file__).parent
    return next(package.glob(f"extensions/v{duckdb.__version__}/{name}.duckdb_extension"))


def load_spatial(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(f"LOAD '{extension_path('spatial')}'")


def replace_atomically(target: Path, write: Callable[[Path], None]) -> Path:
    """Build ``target`` (a file or a folder) through ``write(temporary_path)``, then swap it in.

    A file is swapped by ``os.replace``. A folder is published as a symbolic link to a
    versioned folder beside it (``.versions/<name>-<token>``), and the link is replaced by
    ``os.replace``. Both are atomic renames: readers and a process killed at any instant
    see the previous version whole or the new one whole, never a mix or nothing. Leftovers
    of a killed run are cleared by the next one.
    """
    return swap_in(target, write_version(target, write))


def write_version(target: Path, write: Callable[[Path], None]) -> Path:
    """A new version of ``target`` written through ``write(path)`` beside it
    (``.versions/<name>-<token>``), not published yet (``swap_in``)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    versions = target.parent / ".versions"
    versions.mkdir(exist_ok=True)
    _clear_leftovers(target, versions)
    fresh = versions / f"{target.name}-{uuid.uuid4().hex[:8]}"
    try:
        write(fresh)
    except BaseException:
        _remove(fresh)
        raise
    return fresh


def swap_in(target: Path, fresh: Path) -> Path:
    """Publish ``fresh`` (from ``write_version``) as ``target`` by one atomic rename."""
    target = Path(target)
    versions = target.parent / ".versions"
    try:
        if fresh.is_dir():
            link = target.with_name(f".{target.name}.link-{uuid.uuid4().hex[:8]}")
            link.symlink_to(Path(".versions") / fresh.name)
            if target.is_dir() and not target.is_symlink():  # a folder from before versioning
                target.rename(versions / f"{target.name}-legacy-{uuid.uuid4().hex[:8]}")
            os.replace(link, target)
        else:
            os.replace(fresh, target)
    except BaseException:
        _remove(fresh)
        raise
    _clear_leftovers(target, versions)
    return target


def _clear_leftovers(target: Path, versions: Path) -> None:
    """Remove the versions of ``target`` it no longer points to, and temporary links."""
    current = target.resolve().name  # a file or a folder from before versioning: its own name, no version's
    for stale in versions.glob(f"{target.name}-*"):
        if stale.name != current:
            _remove(stale)
    for link in target.parent.glob(f".{target.name}.link-*"):
        link.unlink(missing_ok=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def write_database(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """One DuckDB file holding every curated table; GeoDataFrames get a GEOMETRY column."""
    with duckdb.connect(str(path)) as connection:
        load_spatial(connection)
        for name, frame in tables.items():
            if isinstance(frame, gpd.GeoDataFrame):
                flat = pd.DataFrame(frame.drop(columns=frame.geometry.name))
                flat["geometry_wkb"] = frame.geometry.to_wkb()
                connection.register("frame", as_table(flat))
                connection.execute(
                    f'create or replace table "{name}" as '
                    "select * exclude (geometry_wkb), ST_GeomFromWKB(geometry_wkb) as geometry from frame"
                )
            else:
                # Categorical codes (travel times) become plain text, not DuckDB ENUMs of every
                # commune; DuckDB casts them four times faster than pandas.
                categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
                as_text = ", ".join(f'cast("{column}" as varchar) as "{column}"' for column in categorical)
                connection.register("frame", as_table(frame))
                connection.execute(f'create or replace table "{name}" as select * '
                                   + (f"replace ({as_text}) " if categorical else "") + "from frame")
            connection.unregister("frame")


def write_parquet(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """One Parquet file per curated table (GeoParquet for tables with geometry)."""
    folder.mkdir()
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def read_table(path: Path) -> pd.DataFrame:
    """A Parquet file as a GeoDataFrame when it is GeoParquet, else as a DataFrame."""
    metadata = pq.read_schema(path).metadata or {}
    return gpd.read_parquet(path) if b"geo" in metadata else pd.read_parquet(path)


def read_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table of a Parquet folder (``write_parquet``), by name."""
    return {path.stem: read_table(path) for path in sorted(Path(folder).glob("*.parquet"))}


def read_published_tables(curated_dir: Path) -> dict[str, pd.DataFrame]:
    """The tables as published (protected), from ``parquet/``: what the dashboard shows is
    what the database holds."""
    return read_tables(Path(curated_dir) / "parquet")


DATABASE = "observatory.duckdb"
PENDING = "pending.json"  # in .versions/: the tables written by ``prepare_tables``, not yet released


def prepare_tables(curated_dir: Path, tables: dict[str, pd.DataFrame]) -> dict[str, Path]:
    """New versions of ``observatory.duckdb`` and ``parquet/`` holding ``tables``, not yet
    published: they wait for the site built from them (``release`` publishes all together),
    so that a build failing after them publishes nothing. Recorded in ``.versions/pending.json``."""
    curated_dir = Path(curated_dir)
    pending = curated_dir / ".versions" / PENDING
    for stale in [pending, *pending.parent.glob(f".{PENDING}.*")]:  # before its versions are cleared as leftovers
        stale.unlink(missing_ok=True)
    prepared = {DATABASE: write_version(curated_dir / DATABASE, lambda path: write_database(path, tables)),
                "parquet": write_version(curated_dir / "parquet", lambda path: write_parquet(path, tables))}
    temporary = pending.with_name(f".{PENDING}.{uuid.uuid4().hex[:8]}")
    temporary.write_text(json.dumps({name: path.name for name, path in prepared.items()}), encoding="utf-8")
    os.replace(temporary, pending)
    return prepared


def pending_tables(curated_dir: Path) -> dict[str, Path] | None:
    """The versions the last ``prepare_tables`` wrote, if no ``release`` published them yet
    and all are still there."""
    versions = Path(curated_dir) / ".versions"
    try:
        prepared = {name: versions / version for name, version in
                    json.loads((versions / PENDING).read_text(encoding="utf-8")).items()}
    except FileNotFoundError:
        return None
    return prepared if all(path.exists() for path in prepared.values()) else None


def release(curated_dir: Path, prepared: dict[str, Path]) -> dict[str, Path]:
    """Publish prepared versions (``{target name: version}``), each by its own atomic swap."""
    curated_dir = Path(curated_dir)
    (curated_dir / ".versions" / PENDING).unlink(missing_ok=True)
    return {name: swap_in(curated_dir / name, version) for name, version in prepared.items()}
