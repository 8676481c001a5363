"""Import of many events from a CSV or XLSX file uploaded by a municipal contact.

Three steps, each a plain function that tests can call on its own:

1. ``read_table(data)`` (``reading``) sniffs the content, decodes it and returns the header and
   the rows; a file that cannot be read as a whole raises ``ImportFileError`` with a German
   message.
2. ``validate_table(table, municipality=...)`` (``validation``) turns every row into an unsaved
   ``Event`` plus its lists and collects *all* problems as ``RowError``; cells are parsed by
   ``cells``.
3. ``import_events(by=..., municipality=..., upload=...)`` (``service``) saves nothing unless
   every row is valid, and then creates all events as drafts in one transaction.

The template's columns live in ``columns``.
"""

from .cells import CellError, cell_text, is_empty, parse_count, parse_date, parse_time, split_list
from .columns import COLUMN_NAMES, COLUMNS, LIST_SEPARATOR, REQUIRED_COLUMNS, Column
from .errors import ImportFileError, ImportValidationError, RowError
from .reading import (
    ENCODING_CP1252,
    ENCODING_UTF8,
    ENCODING_UTF16,
    ENCODING_XLSX,
    FOREIGN_SIGNATURES,
    Table,
    csv_rows,
    decode_text,
    format_size,
    normalise_header,
    read_table,
    read_upload,
    wrong_type,
    xlsx_rows,
)
from .service import ImportResult, import_events
from .validation import Lookups, ParsedRow, parse_row, resolve_list, validate_table

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "ENCODING_CP1252",
    "ENCODING_UTF8",
    "ENCODING_UTF16",
    "ENCODING_XLSX",
    "FOREIGN_SIGNATURES",
    "LIST_SEPARATOR",
    "REQUIRED_COLUMNS",
    "CellError",
    "Column",
    "ImportFileError",
    "ImportResult",
    "ImportValidationError",
    "Lookups",
    "ParsedRow",
    "RowError",
    "Table",
    "cell_text",
    "csv_rows",
    "decode_text",
    "format_size",
    "import_events",
    "is_empty",
    "normalise_header",
    "parse_count",
    "parse_date",
    "parse_row",
    "parse_time",
    "read_table",
    "read_upload",
    "resolve_list",
    "split_list",
    "validate_table",
    "wrong_type",
    "xlsx_rows",
]
