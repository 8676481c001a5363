"""The COPY loader of the scale seeders (``municipalities.bulkload``) with events: keys, JSON, text."""

from events.models import Event, EventOccurrence
from events.tests.factories import make_event
from municipalities.bulkload import copy_insert, copy_rows


def test_copy_insert_sets_primary_keys_and_stores_every_field(unna, ki_staff):
    template = make_event(by=ki_staff, municipality=unna)
    copies = [
        Event(
            municipality=template.municipality,
            title=f"Kopie {n}",
            description="„Anführungszeichen“, Tab\tund Zeilenumbruch\nbleiben erhalten.",
            start=template.start,
            end=template.end,
            weekdays=[n, 6],
            status=Event.Status.APPROVED,
            created_by=template.created_by,
        )
        for n in range(3)
    ]
    copy_insert(copies)
    assert all(event.pk for event in copies)
    assert len({event.pk for event in copies} | {template.pk}) == 4
    stored = Event.objects.get(pk=copies[2].pk)
    assert stored.title == "Kopie 2"
    assert stored.description == copies[0].description
    assert stored.weekdays == [2, 6]
    assert stored.created_at is not None
    # Plain rows against the objects' keys; the sequence continues after the reserved ones.
    assert (
        copy_rows(
            EventOccurrence._meta.db_table,
            ["event_id", "start", "end"],
            [(copies[0].pk, stored.start, stored.end)],
        )
        == 1
    )
    assert EventOccurrence.objects.get(event=copies[0]).start == stored.start
    assert make_event(by=ki_staff, municipality=unna).pk > copies[-1].pk
