"""Fast, line-exact reading of delimited text files (RPPS, INSEE, FINESS, rosters).

The public registers are large (1.2 million lines nationally), unquoted, sometimes latin-1,
and sometimes damaged (truncated lines). Reading each line as one string with PyArrow and
splitting it in vectorised code keeps exact line numbers for error messages and quarantine,
which pandas' and DuckDB's CSV readers do not report.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .errors import SourceFormatError
from .staged import rejections

ENCODINGS = ("utf8", "latin1")
_NO_DELIMITER = "\x1f"  # ASCII unit separator: never in these files, so one line = one cell


def read_lines(path: Path) -> tuple[pa.Array, str]:
    """All lines of ``path`` as one string array, and the encoding that decoded them.

    UTF-8 is tried first; a file that is not valid UTF-8 is read as latin-1 (the other
    encoding the French registers are published in). Blank lines are kept so that
    array index + 1 is the line number.
    """
    path = Path(path)
    if not path.exists():
        raise SourceFormatError(path, None, None, "file not found")
    last_error: Exception | None = None
    for encoding in ENCODINGS:
        try:
            table = pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(column_names=["line"], encoding=encoding),
                parse_options=pacsv.ParseOptions(
                    delimiter=_NO_DELIMITER,
                    quote_char=False,
                    escape_char=False,
                    ignore_empty_lines=False,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={"line": pa.string()}, strings_can_be_null=False
                ),
            )
        except pa.ArrowInvalid as error:
            if "UTF8" in str(error) or "utf8" in str(error).lower():
                last_error = error
                continue
            raise SourceFormatError(path, None, None, f"unreadable text: {error}") from error
        lines = table["line"].combine_chunks()
        if len(lines) and lines[0].as_py().startswith("\ufeff"):
            lines = pa.concat_arrays(
                [pa.array([lines[0].as_py().lstrip("\ufeff")]), lines.slice(1)]
            )
        return lines, encoding
    raise SourceFormatError(path, None, None, f"not UTF-8 nor latin-1 text: {last_error}")


@dataclass
class DelimitedTable:
    """Rows of a delimited file split into named string columns.

    ``frame`` holds the requested columns as strings plus ``line`` (1-based line number
    in the file); ``rejects`` the lines whose field count is wrong; ``encoding`` how the
    file was decoded; ``rows_read`` the non-blank data lines.
    """

    frame: pd.DataFrame
    rejects: pd.DataFrame
    encoding: str
    rows_read: int


def _check_header(path: Path, header: list[str], required: dict[str, str]) -> None:
    missing = [name for name in required.values() if name not in header]
    if not missing:
        return
    name = missing[0]
    close = difflib.get_close_matches(name, header, n=1, cutoff=0.6) or [
        column for column in header if name.lower() in column.lower() or (column and column.lower() in name.lower())
    ]
    hint = f" (renamed to '{close[0]}'?)" if close else ""
    raise SourceFormatError(
        path, 1, name, f"required column missing{hint}; the header has {len(header)} columns"
    )


def _unquoted_fields(path: Path, delimiter: str) -> tuple[list[str], pa.ListArray, pa.Array, str]:
    """Header, fields of each non-blank data line, line numbers, encoding (no quoting)."""
    lines, encoding = read_lines(path)
    if len(lines) == 0:
        raise SourceFormatError(path, 1, None, "empty file: no header line")
    header = lines[0].as_py().rstrip("\r").split(delimiter)
    body = lines.slice(1)
    numbers = pa.array(range(2, len(lines) + 1), pa.int64())
    kept = pc.invert(pc.equal(pc.utf8_trim_whitespace(body), ""))
    fields = pc.split_pattern(pc.utf8_rtrim(body.filter(kept), characters="\r"), delimiter)
    return header, fields, numbers.filter(kept), encoding


def _quoted_fields(path: Path, delimiter: str) -> tuple[list[str], pa.ListArray, pa.Array, str]:
    """Same as ``_unquoted_fields`` for CSV with quoted values (which may span lines):
    office exports such as rosters and CRM extracts. The line number is where the record starts.

    A malformed record spanning several lines (a stray quote swallows the lines after it)
    is returned once per physical line, the later ones with no field, so that each line
    is quarantined and accounted for, not only the first."""
    data = path.read_bytes()
    try:
        text, encoding = data.decode("utf-8"), "utf8"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin1"
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise SourceFormatError(path, 1, None, "empty file: no header line")
    records, numbers = [], []
    start = reader.line_num + 1
    try:
        for record in reader:
            if any(value.strip() for value in record):
                records.append(record)
                numbers.append(start)
                if len(record) != len(header):
                    swallowed = range(start + 1, reader.line_num + 1)
                    records.extend([] for _ in swallowed)
                    numbers.extend(swallowed)
            start = reader.line_num + 1
    except csv.Error as error:
        raise SourceFormatError(path, start, None, f"unreadable CSV: {error}") from error
    return header, pa.array(records, pa.list_(pa.string())), pa.array(numbers, pa.int64()), encoding


def read_delimited(
    path: Path,
    *,
    dataset: str,
    delimiter: str,
    columns: dict[str, str],
    optional: dict[str, str] | None = None,
    quoted: bool = False,
) -> DelimitedTable:
    """Read a headed delimited file, keeping the ``columns`` asked for.

    ``columns`` maps our column name to the source's header name (all required);
    ``optional`` likewise for columns used only when present; ``quoted`` for CSV whose
    values may be quoted. A line whose number of fields differs from the header's (a
    truncated or spliced line) is quarantined with its line number, never padded.
    """
    path = Path(path)
    if not path.exists():
        raise SourceFormatError(path, None, None, "file not found")
    split = _quoted_fields if quoted else _unquoted_fields
    header, fields, numbers, encoding = split(path, delimiter)
    header = [name.strip() for name in header]
    _check_header(path, header, columns)
    wanted = dict(columns)
    for ours, theirs in (optional or {}).items():
        if theirs in header:
            wanted[ours] = theirs

    counts = pc.list_value_length(fields)
    well_formed = pc.equal(counts, len(header))
    bad_counts = counts.filter(pc.invert(well_formed)).to_pylist()
    rejects = rejections(
        dataset,
        path.name,
        numbers.filter(pc.invert(well_formed)).to_pylist(),
        "(line)",
        [f"expected {len(header)} fields, found {n} (truncated or malformed line)" if n else
         "inside a malformed quoted record that starts on an earlier line (stray quote?)" for n in bad_counts],
    )
    fields = fields.filter(well_formed)
    data = {
        ours: pc.utf8_trim_whitespace(pc.list_element(fields, header.index(theirs)))
        for ours, theirs in wanted.items()
    }
    data["line"] = numbers.filter(well_formed)
    frame = pa.table(data).to_pandas(types_mapper=_string_mapper)
    return DelimitedTable(frame=frame, rejects=rejects, encoding=encoding, rows_read=len(numbers))


def _string_mapper(arrow_type: pa.DataType):
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype()
    return None
