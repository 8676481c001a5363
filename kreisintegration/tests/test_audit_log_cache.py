"""The audit log page's cache without a cache write per entry: its key holds the newest entry id of
each district, read under the audit lock, so an entry whose transaction is still open (its id lower
than one already committed) is never left out of a stored page.

Real transactions (``transaction=True``) and a second thread with its own database connection.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from accounts.audit import newest_audit_entry_ids, record_audit_event
from accounts.models import AuditEvent
from kreisintegration import public_cache
from volunteers.tests.factories import make_course

pytestmark = pytest.mark.django_db(transaction=True)

A = AuditEvent.Action
LOG_URL = reverse("municipalities:audit_log")


@pytest.fixture
def course(district, trainer):
    return make_course(district, title="Flucht und Trauma – Grundlagen", trainers=[trainer])


def _hit(response) -> bool:
    return response.get("X-Public-Cache") == "hit"


def _entry(district, trainer, course, description: str) -> AuditEvent:
    return record_audit_event(
        actor=trainer,
        action=A.VIEWED_PARTICIPANT_LIST,
        target=course,
        district_id=district.pk,
        description=description,
    )


def test_an_entry_committed_after_a_newer_one_still_appears_on_the_log(
    client, district, ki_staff, trainer, course
):
    written, read = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                _entry(district, trainer, course, "Liste mit offener Transaktion")
                written.set()
                assert read.wait(timeout=30), "the reader did not come"
        except BaseException as error:  # reported to the test thread
            failures.append(error)
            written.set()
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=slow_writer)
    thread.start()
    try:
        assert written.wait(timeout=30)
        _entry(district, trainer, course, "Liste danach")  # a higher id, committed first
        client.force_login(ki_staff)
        assert newest_audit_entry_ids(district_ids=[district.pk]) is None  # an entry is being written
        during = client.get(LOG_URL).content.decode()
    finally:
        read.set()
        thread.join(timeout=30)
    assert not failures, failures
    assert "Liste danach" in during and "Liste mit offener Transaktion" not in during
    after = client.get(LOG_URL)
    assert not _hit(after)
    assert "Liste mit offener Transaktion" in after.content.decode()
    assert _hit(client.get(LOG_URL))


def test_a_new_entry_changes_the_log_page_without_a_cache_write(client, district, ki_staff, trainer, course):
    client.force_login(ki_staff)
    client.get(LOG_URL)
    assert _hit(client.get(LOG_URL))
    versions = public_cache.versions("audit", f"audit:{district.pk}")
    entry = _entry(district, trainer, course, "Liste Unna")
    assert public_cache.versions("audit", f"audit:{district.pk}") == versions
    assert newest_audit_entry_ids(district_ids=[district.pk]) == (entry.pk,)
    page = client.get(LOG_URL)
    assert not _hit(page) and "Liste Unna" in page.content.decode()


def test_a_participant_list_from_the_cache_costs_one_statement_and_no_cache_write(
    client, district, trainer, course, django_assert_num_queries
):
    client.force_login(trainer)
    url = reverse("volunteers:participants", kwargs={"pk": course.pk})
    client.get(url)
    versions = public_cache.versions("audit", f"audit:{district.pk}")
    with django_assert_num_queries(1):  # the audit entry's INSERT, nothing else
        assert _hit(client.get(url))
    assert public_cache.versions("audit", f"audit:{district.pk}") == versions
    assert AuditEvent.objects.filter(action=A.VIEWED_PARTICIPANT_LIST, object_id=str(course.pk)).count() == 2
