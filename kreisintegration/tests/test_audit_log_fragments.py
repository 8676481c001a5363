"""The audit log page renders its filter form and rows from the fragment cache, keyed by what they
show: a repeated request does not render them again, and any change shows on the next request."""

import pytest
from django.urls import reverse

from accounts.audit import record_audit_event
from accounts.models import AuditEvent
from volunteers.tests.factories import make_course

A = AuditEvent.Action
LOG_URL = reverse("municipalities:audit_log")
ROWS = "audit_log/_rows.html"
FORM = "volunteers/reports/_filter_form.html"


@pytest.fixture
def course(district, trainer):
    return make_course(district, title="Interkulturelle Kompetenz", trainers=[trainer])


def _main(response) -> bytes:
    return response.content[response.content.index(b"<main") :]


def _rendered(response) -> set[str]:
    return {template.name for template in response.templates}


def test_repeated_request_takes_rows_and_form_from_the_cache(client, ki_staff, trainer, course, district):
    record_audit_event(
        actor=trainer, action=A.VIEWED_PARTICIPANT_LIST, target=course, district_id=district.pk
    )
    client.force_login(ki_staff)
    first = client.get(LOG_URL)
    assert {ROWS, FORM} <= _rendered(first)
    second = client.get(LOG_URL)
    assert not {ROWS, FORM} & _rendered(second)
    # The same page apart from per-response values (the CSP nonce in the head).
    assert _main(second) == _main(first)
    assert trainer.full_name in second.content.decode()


def test_new_entries_and_renamed_people_show_at_once(
    client, ki_staff, trainer, course, district, django_capture_on_commit_callbacks
):
    record_audit_event(
        actor=trainer, action=A.VIEWED_PARTICIPANT_LIST, target=course, district_id=district.pk
    )
    client.force_login(ki_staff)
    client.get(LOG_URL)
    with django_capture_on_commit_callbacks(execute=True):  # committed: the cached page is stale
        record_audit_event(actor=ki_staff, action=A.SEARCHED_VOLUNTEERS, district_id=district.pk)
        trainer.full_name = "Umbenannte Trainerin"
        trainer.save(update_fields=["full_name"])
    page = client.get(LOG_URL)
    html = page.content.decode()
    assert {ROWS, FORM} <= _rendered(page)
    assert html.count("Umbenannte Trainerin") >= 2  # the row(s) and the actor filter's option
    assert str(A.SEARCHED_VOLUNTEERS.label) in html
    assert f'<option value="{ki_staff.pk}"' in html  # a new actor is offered in the filter


def test_filters_render_the_form_with_their_values(client, ki_staff, trainer, course, district):
    record_audit_event(
        actor=trainer, action=A.VIEWED_PARTICIPANT_LIST, target=course, district_id=district.pk
    )
    client.force_login(ki_staff)
    client.get(LOG_URL)
    html = client.get(LOG_URL, {"actor": trainer.pk}).content.decode()
    assert f'<option value="{trainer.pk}" selected>' in html
    empty = client.get(LOG_URL, {"kind": A.SEARCHED_VOLUNTEERS}).content.decode()
    assert "Keine Einträge für diese Filter." in empty
