"""Fast, line-exact reading of delimited text files (RPPS, INSEE, FINESS, rosters).

The public registers are large (1.2 million lines nationally, ten times that for every
profession over years), unquoted, sometimes latin-1, and sometimes damaged (truncated
lines). PyArrow's CSV reader parses only the columns wanted, streaming; where every line
is a row, a row's rank gives its line number; where some are blank or malformed, a pass
reading each line as one string and counting its fields finds them. So the exact line
numbers are kept for error messages and quarantine, which pandas', PyArrow's and DuckDB's
CSV readers do not report.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
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


BATCH_BYTES = 1 << 22  # text parsed per batch (4 MiB; PyArrow reads some thirty ahead): memory bounded whatever the file's size


def _options(encoding: str, **read) -> pacsv.ReadOptions:
    return pacsv.ReadOptions(encoding=encoding, block_size=BATCH_BYTES, **read)


@dataclass
class _LineScan:
    """What a pass over an unquoted file's lines finds: the encoding, the
    numbers of the data lines that are not well formed (blank or malformed; few, so memory
    does not grow with the file), the malformed ones with their field counts, and the
    non-blank data lines."""

    encoding: str
    skipped: np.ndarray
    malformed: np.ndarray
    field_counts: np.ndarray
    rows_read: int
    lines: int  # data lines, blank ones included

    @property
    def well_formed(self) -> int:
        return self.lines - len(self.skipped)

    def line_numbers(self, ranks: np.ndarray) -> np.ndarray:
        """The numbers of the well-formed lines of ``ranks`` (0-based, in file order): the
        v-th is line v + 2 plus the skipped lines before it, i.e. those with at most v
        well-formed lines before them."""
        before = self.skipped - np.arange(len(self.skipped)) - 2  # well-formed lines before each skipped one
        return ranks + 2 + np.searchsorted(before, ranks, side="right")


def _scan_lines(path: Path, delimiter: str, fields: int) -> _LineScan:
    """Each line after the header read as one cell, batch by batch (UTF-8, else latin-1, as
    ``read_lines``), its fields counted against the header's ``fields``; blank lines are
    kept so that numbers are the file's."""
    for encoding in ENCODINGS:
        try:
            return _scan_lines_as(path, delimiter, fields, encoding)
        except pa.ArrowInvalid as error:
            if "utf8" not in str(error).lower():
                raise SourceFormatError(path, None, None, f"unreadable text: {error}") from error
    raise SourceFormatError(path, None, None, "not UTF-8 nor latin-1 text")


def _scan_lines_as(path: Path, delimiter: str, fields: int, encoding: str) -> _LineScan:
    reader = pacsv.open_csv(path, read_options=_options(encoding, column_names=["line"], skip_rows=1),
                            parse_options=pacsv.ParseOptions(delimiter=_NO_DELIMITER, quote_char=False,
                                                             escape_char=False, ignore_empty_lines=False),
                            convert_options=pacsv.ConvertOptions(column_types={"line": pa.string()},
                                                                 strings_can_be_null=False))
    number, rows_read = 2, 0  # line 1, the header, is ``_header``'s
    skipped, malformed, counts = [], [], []
    for batch in reader:
        lines = batch.column(0)
        numbers = np.arange(number, number + len(lines), dtype="int64")
        number += len(lines)
        found = pc.count_substring(lines, delimiter).to_numpy(zero_copy_only=False) + 1
        good = found == fields  # a line holding the header's count of a visible delimiter is not blank
        filled, doubtful = good.copy(), np.flatnonzero(~good)
        if len(doubtful):  # only the other lines are trimmed: trimming every line copied the file
            filled[doubtful] = ~pc.equal(pc.utf8_trim_whitespace(lines.take(doubtful)), "").to_numpy(
                zero_copy_only=False)
        rows_read += int(filled.sum())
        skipped.append(numbers[~good])
        malformed.append(numbers[filled & ~good])
        counts.append(found[filled & ~good])
    joined = (lambda parts: np.concatenate(parts) if parts else np.array([], dtype="int64"))
    return _LineScan(encoding, joined(skipped), joined(malformed), joined(counts), rows_read, number - 2)


def _selected(table: pa.Table, keep: Callable[[pa.Table], pa.Array] | None, encoded: tuple[str, ...]) -> pa.Table:
    """The rows ``keep`` selects (all without it), the ``encoded`` columns dictionary-encoded."""
    table = table.filter(keep(table)) if keep else table
    return pa.table({name: pc.dictionary_encode(column) if name in encoded else column
                     for name, column in zip(table.column_names, table.columns)})


def _header(path: Path, delimiter: str) -> tuple[list[str], str]:
    """The first line's fields, and the encoding that decodes it (UTF-8, else latin-1)."""
    with path.open("rb") as file:
        first = file.readline()
    if not first.strip():
        raise SourceFormatError(path, 1, None, "empty file: no header line")
    text, encoding = _decoded(first)
    return text.lstrip("\ufeff").rstrip("\r\n").split(delimiter), encoding


def _decoded(data: bytes) -> tuple[str, str]:
    """``data`` as text, and its encoding: UTF-8, else latin-1 (which decodes any byte)."""
    try:
        return data.decode("utf-8"), "utf8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin1"


@dataclass
class _Parsed:
    """The rows of an unquoted file as PyArrow's reader split them: the columns wanted of the
    rows kept, each with ``rank``, its place among the well-formed lines; how many lines did
    not have the header's number of fields (blank ones included); the rows parsed."""

    table: pa.Table
    invalid: int
    parsed: int
    encoding: str


def _parse_unquoted(path: Path, header: list[str], delimiter: str, wanted: dict[str, str], encoding: str,
                    keep: Callable[[pa.Table], pa.Array] | None, encoded: tuple[str, ...]) -> _Parsed:
    """The ``wanted`` columns, trimmed, of the lines that have the header's number of fields,
    parsed in batches by PyArrow's CSV reader with only those columns converted; ``keep``
    drops rows batch by batch, so memory grows with the rows kept, not with the file;
    ``encoded`` columns are dictionary-encoded. Latin-1 where UTF-8 fails."""
    names = [f"c{index}" for index in range(len(header))]
    source = {ours: names[header.index(theirs)] for ours, theirs in wanted.items()}
    invalid = [0]

    def skip(row) -> str:
        invalid[0] += 1
        return "skip"

    try:
        reader = pacsv.open_csv(
            path, read_options=_options(encoding, column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False, escape_char=False,
                                             ignore_empty_lines=True, invalid_row_handler=skip),
            convert_options=pacsv.ConvertOptions(include_columns=list(dict.fromkeys(source.values())),
                                                 column_types=dict.fromkeys(source.values(), pa.large_string()),
                                                 strings_can_be_null=False))
        parts, parsed = [], 0
        for batch in reader:
            table = pa.table({ours: pc.utf8_trim_whitespace(batch.column(column)) for ours, column in source.items()})
            table = table.append_column("rank", pa.array(np.arange(parsed, parsed + len(table), dtype="int64")))
            parsed += len(table)
            parts.append(_selected(table, keep, encoded))
    except pa.ArrowInvalid as error:  # not UTF-8 (a malformed line's text too: it fails as PyArrow hands it over)
        if encoding == "utf8":
            return _parse_unquoted(path, header, delimiter, wanted, "latin1", keep, encoded)
        raise SourceFormatError(path, None, None, f"unreadable text: {error}") from error
    schema = pa.schema([(name, pa.dictionary(pa.int32(), pa.large_string()) if name in encoded else pa.large_string())
                        for name in wanted] + [("rank", pa.int64())])
    return _Parsed(pa.concat_tables(parts) if parts else schema.empty_table(), invalid[0], parsed, encoding)


def _data_lines(path: Path) -> int:
    """The lines after the header, counted by their ends (a last line may have none): 0.2 s
    for a register of 1.2 GiB, where reading its lines to tell the blank ones took 3 s."""
    ends, last = 0, b"\n"
    with path.open("rb") as file:
        while block := file.read(1 << 24):
            ends, last = ends + block.count(b"\n"), block[-1:]
    return ends + (last != b"\n") - 1


def _unquoted(path: Path, header: list[str], encoding: str, delimiter: str, wanted: dict[str, str],
              keep: Callable[[pa.Table], pa.Array] | None, encoded: tuple[str, ...]
              ) -> tuple[pa.Table, list[int], list[int], int, str]:
    """The rows of an unquoted file with their line numbers, the malformed lines with their
    field counts, the non-blank data lines, and the encoding. One pass when every line after
    the header is a row (none malformed, none blank: the rank of a row is then its line
    number less 2); otherwise a pass over every line (``_scan_lines``) finds the blank and
    malformed ones, and so each row's number."""
    parsed = _parse_unquoted(path, header, delimiter, wanted, encoding, keep, encoded)
    table = parsed.table
    if not parsed.invalid and parsed.parsed == _data_lines(path):  # no line malformed, none blank
        lines = pc.add(table["rank"], 2)
        return (table.drop_columns("rank").append_column("line", lines), [], [], parsed.parsed, parsed.encoding)
    scan = _scan_lines(path, delimiter, len(header))
    if scan.encoding != parsed.encoding:  # bytes outside the columns read told latin-1 apart
        parsed = _parse_unquoted(path, header, delimiter, wanted, scan.encoding, keep, encoded)
        table = parsed.table
    if parsed.parsed != scan.well_formed:  # cannot happen when both passes split lines alike
        raise SourceFormatError(path, None, None, f"{parsed.parsed} rows parsed for {scan.well_formed} well-formed lines")
    lines = pa.array(scan.line_numbers(table["rank"].to_numpy()))
    return (table.drop_columns("rank").append_column("line", lines), scan.malformed.tolist(),
            scan.field_counts.tolist(), scan.rows_read, scan.encoding)


def _quoted_fields(path: Path, delimiter: str) -> tuple[list[str], pa.ListArray, pa.Array, str]:
    """Same as ``_unquoted_fields`` for CSV with quoted values (which may span lines):
    office exports such as rosters and CRM extracts. The line number is where the record starts.

    A malformed record spanning several lines (a stray quote swallows the lines after it)
    is returned once per physical line, the later ones with no field, so that each line
    is quarantined and accounted for, not only the first."""
    text, encoding = _decoded(path.read_bytes())
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
    keep: Callable[[pa.Table], pa.Array] | None = None,
    encoded: tuple[str, ...] = (),
) -> DelimitedTable:
    """Read a headed delimited file, keeping the ``columns`` asked for.

    ``columns`` maps our column name to the source's header name (all required);
    ``optional`` likewise for columns used only when present; ``quoted`` for CSV whose
    values may be quoted; ``keep`` selects the rows wanted (a mask over the columns read,
    e.g. those of the territory), the others left out as they are read; ``encoded`` names
    columns of few distinct values (codes, labels) kept as categoricals, so that a register
    of every profession fits in memory. A line whose
    number of fields differs from the header's (a truncated or spliced line) is
    quarantined with its line number, never padded. Unquoted files (the large registers)
    are streamed (``_unquoted``), memory bounded by the rows kept.
    """
    path = Path(path)
    if not path.exists():
        raise SourceFormatError(path, None, None, "file not found")
    if quoted:
        header, fields, numbers, encoding = _quoted_fields(path, delimiter)
    else:
        if not delimiter.strip():
            raise ValueError(f"an unquoted file's delimiter must be visible, not {delimiter!r}")
        header, encoding = _header(path, delimiter)
    header = [name.strip() for name in header]
    _check_header(path, header, columns)
    wanted = dict(columns)
    for ours, theirs in (optional or {}).items():
        if theirs in header:
            wanted[ours] = theirs

    if quoted:
        counts = pc.list_value_length(fields)
        well_formed = pc.equal(counts, len(header))
        bad_lines = numbers.filter(pc.invert(well_formed)).to_pylist()
        bad_counts = counts.filter(pc.invert(well_formed)).to_pylist()
        fields = fields.filter(well_formed)
        data = {ours: pc.utf8_trim_whitespace(pc.list_element(fields, header.index(theirs)))
                for ours, theirs in wanted.items()}
        data["line"] = numbers.filter(well_formed)
        table = _selected(pa.table(data), keep, encoded)
        rows_read = len(numbers)
    else:
        table, bad_lines, bad_counts, rows_read, encoding = _unquoted(path, header, encoding, delimiter, wanted,
                                                                       keep, encoded)
    rejects = rejections(
        dataset,
        path.name,
        bad_lines,
        "(line)",
        [f"expected {len(header)} fields, found {n} (truncated or malformed line)" if n else
         "inside a malformed quoted record that starts on an earlier line (stray quote?)" for n in bad_counts],
    )
    frame = table.to_pandas(types_mapper=_string_mapper)
    return DelimitedTable(frame=frame, rejects=rejects, encoding=encoding, rows_read=rows_read)


def _string_mapper(arrow_type: pa.DataType):
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype()
    return None
