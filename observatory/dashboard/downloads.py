"""Every published table as CSV (semicolon, decimal comma, for French spreadsheets) and XLSX,
with French column names and rounded numbers; the database and Parquet keep the codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import catalogue
from ..publish import extension_path
from ..sql import as_table

# Longer tables are CSV only: at national scale, commune × profession (245 000 rows) and
# travel times (1.7 million, past Excel's 1 048 575) open faster as CSV, and seconds of a
# build go to writing each as XLSX; Parquet and DuckDB serve them better.
XLSX_MAX_ROWS = 100_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would evaluate as a formula (« =HYPERLINK(…) » in a
    commune name from a source file) prefixed with an apostrophe, as OWASP advises for
    CSV exports; numbers are left alone (negative values stay numbers)."""
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object:
            text = frame[column].astype("string")  # a non-text cell in an object column is written as text anyway
            risky = text.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
            frame[column] = frame[column].where(~risky, "'" + text)
    return frame


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Decimal numbers as French text (« 12,5 »), in shortest form (« 330124 », not
    « 330124,0 »), formatted by Arrow a column at a time (pandas' ``decimal=","`` formats
    cell by cell: half of a national site's build); dates as « 2024-06-30 », with the time
    only where one is given."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_float_dtype(values):
            text = pc.cast(pa.array(values, from_pandas=True, type=pa.float64()), pa.string())
            frame[column] = pd.Series(pc.replace_substring(text, ".", ","), index=frame.index,
                                      dtype="object").astype("string")
        elif pd.api.types.is_datetime64_any_dtype(values):
            known = values.dropna()
            shape = "%Y-%m-%d" if (known == known.dt.normalize()).all() else "%Y-%m-%d %H:%M:%S"
            frame[column] = values.dt.strftime(shape).astype("string")
    return frame


def write_csv(frame: pd.DataFrame, path: Path, connection: duckdb.DuckDBPyConnection) -> None:
    """``frame`` (text and whole numbers) as CSV for French spreadsheets: semicolons, a byte
    order mark so Excel reads UTF-8, quotes only where a value needs them. DuckDB writes
    it (on the ``connection`` given: one for every table), five times faster than pandas."""
    if not len(frame.columns):  # nothing to write but the mark (DuckDB wants a column)
        path.write_bytes("\ufeff\n".encode("utf-8"))
        return
    written = path.with_name(f".{path.name}.part")
    connection.register("frame", as_table(frame))
    connection.execute(f"COPY frame TO '{written}' (HEADER, DELIMITER ';')")
    connection.unregister("frame")
    with path.open("wb") as out, written.open("rb") as body:
        out.write("\ufeff".encode("utf-8"))
        shutil.copyfileobj(body, out)
    written.unlink()


def for_readers(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table as a spreadsheet user reads it: French column names from the indicator
    catalogue (the data dictionary maps them to the database's), numbers rounded to what
    they mean (coordinates to 1 m, shares to 0,01 %, other decimals to 3 places)."""
    names: dict[str, str] = {}
    shown = frame.copy()
    for column in frame.columns:
        entry = catalogue.describe(table, column)
        name = entry.label if entry else column
        names[column] = name if name not in names.values() else f"{name} ({column})"
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            shown[column] = values.map({True: "oui", False: "non"})
        elif pd.api.types.is_float_dtype(values):
            whole = values.dropna()
            if len(whole) and (whole == whole.round()).all():  # counts: 330 124, not 330 124,0
                shown[column] = values.round().astype("Int64")
            else:
                digits = 5 if entry and entry.unit.startswith("degrés") else 4 if entry and entry.unit == "%" else 3
                shown[column] = values.round(digits)
    return shown.rename(columns=names)


def two_shares(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """The tables in two shares of about the same number of cells, for two processes to write
    (a national site's downloads took longer than all its pages)."""
    shares: tuple[dict, dict] = ({}, {})
    cells = [0, 0]
    for name, frame in sorted(tables.items(), key=lambda item: -item[1].size):
        lighter = cells.index(min(cells))
        shares[lighter][name] = frame
        cells[lighter] += frame.size
    return shares


def write_downloads(folder: Path, tables: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """Write each table; return the file names per table. Geometry columns are left out
    (the contours are in the GeoParquet file); a table longer than ``XLSX_MAX_ROWS`` gets
    CSV only.
    XLSX files are written by DuckDB's excel extension, five times faster than pandas'."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    with duckdb.connect(":memory:") as connection:
        connection.execute(f"LOAD '{extension_path('excel')}'")
        for name, frame in tables.items():
            frame = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
            frame = frame.astype({c: "string" for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})
            frame = for_readers(name, frame)
            write_csv(as_text(neutralised(frame)), folder / f"{name}.csv", connection)
            files[name] = [f"{name}.csv"]
            if len(frame.columns) and len(frame) <= XLSX_MAX_ROWS:
                connection.register("frame", as_table(frame))
                connection.execute(f"COPY frame TO '{folder / f'{name}.xlsx'}' (FORMAT xlsx, HEADER true, SHEET '{name[:31]}')")
                connection.unregister("frame")
                files[name].append(f"{name}.xlsx")
    return files
