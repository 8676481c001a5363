"""The batched import stores exactly what ``save_event`` stores row by row (issue #18): the same
fields, dates, lists, history entries and audit entries; all or nothing; and a number of queries
that does not grow with ~15 per row any more."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ModelChange
from events import importer
from events.importer import batch
from events.models import Event, EventChange
from events.services import save_event
from events.tests.import_helpers import GOOD_CAFE, GOOD_WORKSHOP, csv_bytes, row, xlsx_bytes
from municipalities.services import ensure_default_reference_data

# Rows of every kind the import knows: timed, all-day over several days, without end time, lists
# with repeated names, online only, empty optional cells.
ROWS = [
    GOOD_CAFE,
    GOOD_WORKSHOP,
    row(
        titel="Sprachcafé",
        beginn_datum="05.05.2026",
        beginn_uhrzeit="10:00",
        handlungsfelder="kultur; Kultur",
    ),
    row(
        titel="Elternabend",
        beginn_datum="2026-06-10",
        beginn_uhrzeit="19:30",
        ende_datum="2026-06-10",
        ende_uhrzeit="21:00",
        zielgruppen="Familien; familien",
        sprachen="de; tr; de",
        beschreibung="Zwei Zeilen\nText",
        erwartete_teilnehmende="40",
    ),
    row(titel="Online-Sprechstunde", beginn_datum="01.07.2026", online_link="https://meet.example.org/x"),
]
IGNORED = {"id", "created_at", "updated_at"}


@pytest.fixture
def reference(district):
    ensure_default_reference_data(district=district)


def stored(events: list[Event]) -> list[dict]:
    """Everything stored for these events, without ids and clock times."""
    event_type = ContentType.objects.get_for_model(Event)
    result = []
    for event in Event.objects.filter(pk__in=[e.pk for e in events]).order_by("pk"):
        fields = {
            f.attname: getattr(event, f.attname)
            for f in Event._meta.concrete_fields
            if f.attname not in IGNORED
        }
        result.append(
            {
                **fields,
                "dates": list(event.occurrences.order_by("start").values_list("start", "end")),
                "fields_of_action": sorted(event.fields_of_action.values_list("slug", flat=True)),
                "target_groups": sorted(event.target_groups.values_list("slug", flat=True)),
                "languages": sorted(event.languages.values_list("code", flat=True)),
                "history": list(
                    event.changes.order_by("pk").values_list("action", "actor", "comment", "changes")
                ),
                "audit": list(
                    ModelChange.objects.filter(content_type=event_type, object_pk=str(event.pk))
                    .order_by("pk")
                    .values_list("action", "changes", "actor", "district_id", "object_repr")
                ),
            }
        )
    return result


def test_batched_import_stores_what_save_event_stores_row_by_row(contact_unna, unna, reference):
    content = xlsx_bytes(ROWS)
    batched = importer.import_events(by=contact_unna, municipality=unna, upload=ContentFile(content)).events

    table = importer.read_table(content)
    rows, errors = importer.validate_table(table, municipality=unna)
    assert not errors
    one_by_one = [
        save_event(
            by=contact_unna,
            event=parsed.event,
            fields_of_action=parsed.fields_of_action,
            target_groups=parsed.target_groups,
            languages=parsed.languages,
            action=EventChange.Action.IMPORTED,
        )
        for parsed in rows
    ]

    expected = stored(one_by_one)
    assert len(expected) == len(ROWS)
    assert all(entry["history"] and entry["audit"] and entry["dates"] for entry in expected)
    assert stored(batched) == expected


def test_a_row_the_model_refuses_stops_the_whole_import(contact_unna, unna, reference):
    rows = importer.validate_table(
        importer.read_table(csv_bytes([GOOD_CAFE, GOOD_WORKSHOP])), municipality=unna
    )[0]
    rows[1].event.title = ""  # a rule only ``full_clean`` knows at this point
    saved, errors = batch.save_rows(by=contact_unna, municipality=unna, rows=rows)
    assert saved == []
    assert [(error.row, error.column) for error in errors] == [(3, "titel")]
    assert not Event.objects.exists()


def test_rows_of_another_municipality_are_refused(contact_unna, unna, luenen, reference):
    rows = importer.validate_table(importer.read_table(csv_bytes([GOOD_CAFE])), municipality=unna)[0]
    rows[0].event.municipality = luenen
    with pytest.raises(PermissionDenied):
        batch.save_rows(by=contact_unna, municipality=unna, rows=rows)
    assert not Event.objects.exists()


def _queries_to_import(user, municipality, count: int) -> int:
    rows = [
        row(titel=f"Treffen {n}", beginn_datum="05.05.2026", handlungsfelder="kultur") for n in range(count)
    ]
    with CaptureQueriesContext(connection) as queries:
        importer.import_events(by=user, municipality=municipality, upload=ContentFile(csv_bytes(rows)))
    return len(queries)


def test_queries_grow_by_one_per_row(contact_unna, unna, reference):
    ContentType.objects.get_for_model(Event)
    small = _queries_to_import(contact_unna, unna, 10)
    big = _queries_to_import(contact_unna, unna, 60)
    # Per row only the audit entry (auditlog's own receiver) remains; the other statements are per
    # batch of 100 rows. Row by row it was about 15 per row.
    assert 45 <= big - small <= 55
