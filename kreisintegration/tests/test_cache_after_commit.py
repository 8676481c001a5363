"""The public page caches are invalidated after the writing transaction commits, once per transaction.

Real transactions (``transaction=True``) and a second thread with its own database connection:
a reader that comes between the write and the commit must not store the old page under the new
version (before, the version was bumped inside the transaction and the old page stayed for five
minutes).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from events import services as event_services
from events.models import Event
from events.tests.public_helpers import MARCH, at, make_event
from kreisintegration import public_cache

pytestmark = pytest.mark.django_db(transaction=True)

CALENDAR = reverse("events:calendar") + f"?start={MARCH.isoformat()}"


@pytest.fixture
def published(ki_staff, unna):
    return make_event(by=ki_staff, municipality=unna, title="Sprachcafé am Markt", start=at(MARCH))


def test_a_reader_between_write_and_commit_does_not_keep_the_old_page_in_the_cache(
    client, ki_staff, published
):
    assert "Sprachcafé am Markt" in client.get(CALENDAR).content.decode()
    written, read = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def editor() -> None:
        try:
            with transaction.atomic():
                event = Event.objects.get(pk=published.pk)
                event.title = "Sprachcafé im Rathaus"
                event_services.save_event(by=ki_staff, event=event)
                written.set()
                # The transaction stays open until the reader has been served.
                assert read.wait(timeout=30), "the reader did not come"
        except BaseException as error:  # reported to the test thread
            failures.append(error)
            written.set()
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=editor)
    thread.start()
    try:
        assert written.wait(timeout=30)
        during = client.get(CALENDAR).content.decode()
    finally:
        read.set()
        thread.join(timeout=30)
    assert not failures, failures
    # Not committed yet: the reader sees the old title (from the cache or the database).
    assert "Sprachcafé am Markt" in during
    # Committed: the next request shows the new title at once, not a page stored in between.
    after = client.get(CALENDAR)
    assert "X-Public-Cache" not in after
    assert "Sprachcafé im Rathaus" in after.content.decode()
    assert "Sprachcafé am Markt" not in after.content.decode()


def test_a_transaction_that_saves_many_events_bumps_the_version_once(ki_staff, unna):
    before = public_cache.version("events")
    with transaction.atomic():
        # Each save_event runs in its own savepoint, as in the import of a spreadsheet.
        for number in range(5):
            make_event(by=ki_staff, municipality=unna, title=f"Integrationskurs {number}", start=at(MARCH))
        assert public_cache.version("events") == before  # nothing visible before the commit
    assert public_cache.version("events") == before + 1


def test_a_rolled_back_transaction_bumps_nothing(ki_staff, unna):
    before = public_cache.version("events")
    with pytest.raises(RuntimeError), transaction.atomic():
        make_event(by=ki_staff, municipality=unna, title="Nie gespeichert", start=at(MARCH))
        raise RuntimeError("rolled back")
    assert public_cache.version("events") == before
    assert not Event.objects.filter(title="Nie gespeichert").exists()


def test_a_change_kept_after_a_rolled_back_savepoint_still_bumps_the_version(ki_staff, unna):
    before = public_cache.version("events")
    with transaction.atomic():
        make_event(by=ki_staff, municipality=unna, title="Bleibt", start=at(MARCH))
        with pytest.raises(RuntimeError), transaction.atomic():
            make_event(by=ki_staff, municipality=unna, title="Zurückgenommen", start=at(MARCH))
            raise RuntimeError("savepoint rolled back")
    assert public_cache.version("events") == before + 1
    assert Event.objects.filter(title="Bleibt").exists()


def test_a_change_made_only_inside_a_rolled_back_savepoint_bumps_nothing(ki_staff, unna, district):
    before = public_cache.version("events")
    with transaction.atomic():
        district.refresh_from_db()  # a read only
        with pytest.raises(RuntimeError), transaction.atomic():
            make_event(by=ki_staff, municipality=unna, title="Zurückgenommen", start=at(MARCH))
            raise RuntimeError("savepoint rolled back")
    assert public_cache.version("events") == before


def test_renaming_the_district_refreshes_the_cached_portal_district_after_commit(client, district):
    from municipalities.selectors import portal_district

    assert portal_district().name == district.name
    with transaction.atomic():
        district.name = "Kreis Unna (neu)"
        district.save()
        assert portal_district().name != "Kreis Unna (neu)"  # the cached copy until the commit
    assert portal_district().name == "Kreis Unna (neu)"
