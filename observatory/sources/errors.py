"""Errors that name the file, the line and the field, so an operator can fix the input."""

from __future__ import annotations

from pathlib import Path


class SourceFormatError(ValueError):
    """A raw file cannot be read at all (wrong layout, missing column, undecodable text)."""

    def __init__(self, path: Path | str, line: int | None, field: str | None, message: str):
        self.path = Path(path)
        self.line = line
        self.field = field
        where = f"{self.path}"
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}")
