"""Property-based tests of the CSV/XLSX import (events/importer/).

Arbitrary bytes, and arbitrary text in the cells of real CSV and XLSX files: the
import answers with a file error, a list of row errors, or valid events – never any
other exception – and saves nothing unless everything is valid.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time

import hypothesis
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from events import importer
from events.models import Event
from events.tests.import_helpers import GOOD_CAFE, HEADER, csv_bytes, xlsx_bytes
from municipalities.services import ensure_default_reference_data

REQUIRED = ["titel", "beginn_datum"]
cell_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "", "14.03.2026", "2026-03-14", "31.02.2026", "18:00", "25:61", "1.5", "-3", "1e9", "=1+1",
            "@SUM(A1)", "Unna", "unna", "kultur", "de; Arabisch", "https://example.org", "javascript:alert(1)",
            "<script>alert(1)</script>", "31.12.9999", "01.01.0001", "\u202eevil", "Ünna",
        ]
    ),
)  # fmt: skip
# What openpyxl may hold in a cell (it refuses most control characters in strings).
xlsx_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
xlsx_cell = st.one_of(
    xlsx_text,
    cell_text.filter(lambda t: not any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in t)),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1)),
    st.times(),
    st.booleans(),
    st.none(),
)
headers = st.lists(st.sampled_from(HEADER), min_size=0, max_size=len(HEADER), unique=True).map(
    lambda extra: REQUIRED + [name for name in extra if name not in REQUIRED]
)


@pytest.fixture
def importing(contact_unna, unna, district):
    ensure_default_reference_data(district=district)
    return contact_unna, unna


def run_import(user, municipality, data: bytes):
    """The outcome of importing ``data``: a file error, row errors or the created events."""
    before = Event.objects.count()
    try:
        result = importer.import_events(by=user, municipality=municipality, upload=io.BytesIO(data))
    except importer.ImportFileError as error:
        assert str(error.message).strip()
        assert Event.objects.count() == before, "nothing saved"
        hypothesis.event("file error")
        return None
    except importer.ImportValidationError as error:
        assert error.errors
        for row_error in error.errors:
            assert row_error.row >= 2
            assert str(row_error.message).strip()
        assert Event.objects.count() == before, "nothing saved"
        hypothesis.event("row errors")
        return None
    hypothesis.event("imported")
    assert result.count >= 1
    assert Event.objects.count() == before + result.count
    for event in result.events:
        assert event.status == Event.Status.DRAFT
        assert event.municipality_id == municipality.pk
        assert event.occurrences.exists()
    return result


@given(data=st.binary(max_size=4000))
@example(data=b"PK\x03\x04" + b"\xff" * 40)
@example(data=b"\xef\xbb\xbftitel;beginn_datum\r\n\x00;\x00\r\n")
@example(data=b"\xff\xfe" + "titel\tbeginn_datum\r\n".encode("utf-16-le") + b"\x00\xd8")
def test_arbitrary_bytes_are_a_file_error_row_errors_or_events(importing, data):
    user, municipality = importing
    run_import(user, municipality, data)


@given(data=st.binary(max_size=2000))
def test_read_table_gives_a_table_or_a_file_error(data):
    try:
        table = importer.read_table(data, max_rows=50)
    except importer.ImportFileError as error:
        assert str(error.message).strip()
        return
    assert set(REQUIRED) <= set(table.header)
    assert 1 <= len(table.rows) <= 50
    assert all(number >= 2 for number, _values in table.rows)


@given(
    header=headers,
    rows=st.lists(st.lists(cell_text, max_size=len(HEADER) + 2), min_size=1, max_size=6),
    delimiter=st.sampled_from([";", ",", "\t"]),
)
@example(header=HEADER, rows=[GOOD_CAFE], delimiter=";")
def test_arbitrary_csv_cells_give_row_errors_or_valid_events(importing, header, rows, delimiter):
    user, municipality = importing
    run_import(user, municipality, csv_bytes(rows, header=header, delimiter=delimiter))


@given(header=headers, rows=st.lists(st.lists(xlsx_cell, max_size=len(HEADER) + 2), min_size=1, max_size=5))
@example(header=HEADER, rows=[GOOD_CAFE])
@example(header=REQUIRED, rows=[["Fest", datetime(2026, 3, 14, 18, 30)], ["Markt", date(2026, 3, 15)]])
@example(header=["titel", "beginn_datum", "beginn_uhrzeit"], rows=[["Fest", 46000, 0.75], ["=A1", -5, 2.5]])
def test_arbitrary_xlsx_cells_give_row_errors_or_valid_events(importing, header, rows):
    user, municipality = importing
    run_import(user, municipality, xlsx_bytes(rows, header=header))


@given(value=st.one_of(xlsx_cell, cell_text))
def test_cell_parsers_give_a_value_or_a_cell_error(value):
    for parse, kind in (
        (importer.parse_date, date),
        (importer.parse_time, time),
        (importer.parse_count, int),
    ):
        try:
            parsed = parse(value)
        except importer.CellError as error:
            assert str(error).strip()
            continue
        assert isinstance(parsed, kind)
