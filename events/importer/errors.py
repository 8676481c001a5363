"""What the import reports: a problem of one cell or row, or of the file as a whole."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in the spreadsheet: header = 1, first data row = 2
    column: str
    message: str
    value: str = ""


class ImportFileError(Exception):
    """The file as a whole cannot be used (type, size, encoding, header)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ImportValidationError(Exception):
    """At least one row is invalid; ``errors`` lists every problem of every row."""

    def __init__(self, errors: list[RowError], *, row_count: int):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors
        self.row_count = row_count

    @property
    def bad_rows(self) -> int:
        return len({error.row for error in self.errors})
