from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from events import selectors, services
from events.filters import parse_event_filter
from events.models import Event, EventChange, EventOccurrence
from events.tests.factories import berlin, make_event

S = Event.Status


def test_contact_creates_draft_with_history_and_occurrences(contact_unna, unna):
    event = make_event(by=contact_unna, municipality=unna, frequency="weekly", repeat_count=5)
    assert event.status == S.DRAFT
    assert event.created_by == contact_unna
    assert EventOccurrence.objects.filter(event=event).count() == 5
    assert list(event.changes.values_list("action", flat=True)) == [EventChange.Action.CREATED]


def test_contact_cannot_create_event_for_another_municipality(contact_luenen, unna):
    with pytest.raises(PermissionDenied):
        make_event(by=contact_luenen, municipality=unna)
    assert not Event.objects.exists()


def test_start_after_end_is_refused_in_german(contact_unna, unna):
    with pytest.raises(ValidationError) as error:
        make_event(
            by=contact_unna, municipality=unna, start=berlin(2026, 3, 14, 18), end=berlin(2026, 3, 14, 17)
        )
    assert "Das Ende liegt vor dem Beginn" in str(error.value)
    assert not Event.objects.exists()


def test_full_review_cycle_with_mails_after_commit(
    contact_unna, ki_staff, unna, django_capture_on_commit_callbacks
):
    event = make_event(by=contact_unna, municipality=unna)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_event(by=contact_unna, event=event)
    assert [m.to for m in mail.outbox] == [[ki_staff.email]]
    assert "Internationales Sprachcafé" in mail.outbox[0].body
    assert f"/pruefung/{event.pk}/" in mail.outbox[0].body
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_event(
            by=ki_staff, event=event, decision="return", comment="Bitte die Adresse ergänzen."
        )
    event.refresh_from_db()
    assert event.status == S.RETURNED
    assert event.review_comment == "Bitte die Adresse ergänzen."
    message = mail.outbox[-1]
    assert message.to == [contact_unna.email]
    assert message.subject == "Bitte überarbeiten: Internationales Sprachcafé"
    assert "Bitte die Adresse ergänzen." in message.body
    assert "Guten Tag Şengül Yıldız" in message.body

    event.street = "Markt 1"
    services.save_event(by=contact_unna, event=event)
    services.submit_event(by=contact_unna, event=event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_event(by=ki_staff, event=event, decision="approve")
    event.refresh_from_db()
    assert event.status == S.APPROVED
    assert mail.outbox[-1].subject == "Veröffentlicht: Internationales Sprachcafé"
    actions = list(event.changes.values_list("action", flat=True))
    assert actions == ["created", "submitted", "returned", "updated", "submitted", "approved"]
    update = event.changes.get(action="updated")
    assert update.changes["street"] == ["", "Markt 1"]
    assert update.actor == contact_unna


def test_no_mail_when_transaction_rolls_back(
    contact_unna, unna, ki_staff, django_capture_on_commit_callbacks
):
    event = make_event(by=contact_unna, municipality=unna)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit_event(by=contact_unna, event=event)
    # The mail is only queued as an on-commit callback (as is the cache invalidation), not sent
    # inside the transaction: rolled back, the callbacks never run and nobody gets a mail.
    assert callbacks
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [[ki_staff.email]]


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.APPROVED, "submit"), (S.SUBMITTED, "submit"), (S.REJECTED, "submit"),
        (S.DRAFT, "approve"), (S.RETURNED, "approve"), (S.APPROVED, "approve"),
        (S.DRAFT, "return"), (S.DRAFT, "reject"), (S.DRAFT, "cancel"), (S.SUBMITTED, "cancel"),
        (S.CANCELLED, "cancel"),
    ],
)  # fmt: skip
def test_impossible_transitions_are_refused(contact_unna, ki_staff, unna, status, step):
    event = make_event(by=contact_unna, municipality=unna, status=status)
    call = {
        "submit": lambda: services.submit_event(by=contact_unna, event=event),
        "approve": lambda: services.decide_event(by=ki_staff, event=event, decision="approve"),
        "return": lambda: services.decide_event(by=ki_staff, event=event, decision="return", comment="x"),
        "reject": lambda: services.decide_event(by=ki_staff, event=event, decision="reject"),
        "cancel": lambda: services.cancel_event(by=contact_unna, event=event),
    }[step]
    with pytest.raises(services.EventTransitionError):
        call()
    event.refresh_from_db()
    assert event.status == status


def test_only_ki_staff_decide(contact_unna, contact_luenen, unna):
    event = make_event(by=contact_unna, municipality=unna, status=S.SUBMITTED)
    for user in (contact_unna, contact_luenen):
        with pytest.raises(PermissionDenied):
            services.decide_event(by=user, event=event, decision="approve")
    with pytest.raises(PermissionDenied):
        services.submit_event(by=contact_luenen, event=event)
    event.refresh_from_db()
    assert event.status == S.SUBMITTED


def test_return_needs_a_comment(contact_unna, ki_staff, unna):
    event = make_event(by=contact_unna, municipality=unna, status=S.SUBMITTED)
    with pytest.raises(ValidationError):
        services.decide_event(by=ki_staff, event=event, decision="return", comment="  ")
    event.refresh_from_db()
    assert event.status == S.SUBMITTED


def test_contact_editing_published_event_sends_it_back_to_review(contact_unna, ki_staff, unna):
    event = make_event(by=contact_unna, municipality=unna, status=S.APPROVED)
    event.title = "Sprachcafé (neuer Raum)"
    services.save_event(by=contact_unna, event=event)
    event.refresh_from_db()
    assert event.status == S.SUBMITTED
    staff_edit = make_event(by=ki_staff, municipality=unna, status=S.APPROVED)
    staff_edit.title = "Korrigierter Titel"
    services.save_event(by=ki_staff, event=staff_edit)
    staff_edit.refresh_from_db()
    assert staff_edit.status == S.APPROVED


def test_cancelled_event_stays_public_but_cannot_be_edited(contact_unna, unna):
    event = make_event(by=contact_unna, municipality=unna, status=S.APPROVED)
    services.cancel_event(by=contact_unna, event=event, comment="Raum nicht verfügbar")
    event.refresh_from_db()
    assert event.status == S.CANCELLED and event.is_public
    event.title = "Neu"
    with pytest.raises(services.EventTransitionError):
        services.save_event(by=contact_unna, event=event)


def test_copy_creates_a_draft_with_the_same_lists(contact_unna, unna, reference):
    event = make_event(
        by=contact_unna, municipality=unna, status=S.APPROVED, target_groups=[reference["families"]]
    )
    copy = services.copy_event(by=contact_unna, event=event)
    assert copy.pk != event.pk
    assert copy.status == S.DRAFT
    assert copy.title == "Kopie von Internationales Sprachcafé"
    assert list(copy.target_groups.all()) == [reference["families"]]


def test_window_query_finds_series_occurrences_and_hides_non_public(contact_unna, unna, district):
    series = make_event(
        by=contact_unna, municipality=unna, frequency="weekly", repeat_count=10, status=S.APPROVED,
        start=berlin(2026, 3, 3, 18), end=berlin(2026, 3, 3, 20),
    )  # fmt: skip
    make_event(by=contact_unna, municipality=unna, title="Entwurf", start=berlin(2026, 3, 17, 10))
    flt = parse_event_filter({"start": "2026-03-15", "end": "2026-03-31"}, district=district)
    found = list(selectors.public_occurrences(flt))
    assert [timezone_day(o.start) for o in found] == ["2026-03-17", "2026-03-24", "2026-03-31"]
    assert {o.event_id for o in found} == {series.pk}


def timezone_day(value):
    from django.utils import timezone

    return timezone.localtime(value).date().isoformat()


def test_coordination_hint_lists_same_day_same_target_group(
    contact_unna, contact_luenen, unna, luenen, reference
):
    other = make_event(
        by=contact_luenen, municipality=luenen, title="Familienfest Lünen", status=S.APPROVED,
        start=berlin(2026, 6, 6, 14), target_groups=[reference["families"]],
    )  # fmt: skip
    make_event(
        by=contact_luenen, municipality=luenen, title="Jugendtreff", status=S.APPROVED,
        start=berlin(2026, 6, 6, 16), target_groups=[reference["youth"]],
    )  # fmt: skip
    mine = make_event(
        by=contact_unna, municipality=unna, title="Familiennachmittag", start=berlin(2026, 6, 6, 15),
        target_groups=[reference["families"]],
    )  # fmt: skip
    hints = selectors.coordination_hints(mine)
    assert [h.event for h in hints] == [other]


def test_submit_page_shows_hints_and_post_submits(
    client, contact_unna, contact_luenen, unna, luenen, reference
):
    make_event(
        by=contact_luenen, municipality=luenen, title="Familienfest Lünen", status=S.APPROVED,
        start=berlin(2026, 6, 6, 14), target_groups=[reference["families"]],
    )  # fmt: skip
    mine = make_event(
        by=contact_unna,
        municipality=unna,
        start=berlin(2026, 6, 6, 15),
        target_groups=[reference["families"]],
    )
    client.force_login(contact_unna)
    page = client.get(reverse("events:submit", kwargs={"pk": mine.pk})).content.decode()
    assert "Familienfest Lünen" in page
    response = client.post(reverse("events:submit", kwargs={"pk": mine.pk}))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == S.SUBMITTED


def test_other_municipality_cannot_open_or_post_unna_event(client, contact_unna, contact_luenen, unna):
    event = make_event(by=contact_unna, municipality=unna)
    client.force_login(contact_luenen)
    for name in ("manage", "update", "submit"):
        assert client.get(reverse(f"events:{name}", kwargs={"pk": event.pk})).status_code == 404
    for name in ("update", "submit", "copy", "cancel"):
        assert (
            client.post(reverse(f"events:{name}", kwargs={"pk": event.pk}), {"title": "gekapert"}).status_code
            == 404
        )
    event.refresh_from_db()
    assert (event.title, event.status, Event.objects.count()) == ("Internationales Sprachcafé", S.DRAFT, 1)


def test_form_creates_recurring_event(client, contact_unna, unna, reference):
    client.force_login(contact_unna)
    response = client.post(
        reverse("events:create"),
        {
            "municipality": unna.pk, "title": "Sprachcafé am Dienstag", "description": "<b>Alle</b> willkommen",
            "start_date": "2026-03-03", "start_time": "18:00", "end_time": "20:00",
            "frequency": "weekly", "interval": "1", "weekdays": ["1"], "monthly_mode": "day",
            "repeat_until": "2026-04-28", "excluded_dates_text": "07.04.2026",
            "target_groups": [reference["families"].pk],
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert event.municipality == unna
    assert event.occurrences.count() == 8  # 9 Tuesdays from 3 March to 28 April, one excluded
    assert event.excluded_dates == ["2026-04-07"]


def test_form_reports_end_before_start_and_saves_nothing(client, contact_unna, unna):
    client.force_login(contact_unna)
    response = client.post(
        reverse("events:create"),
        {"municipality": unna.pk, "title": "X", "start_date": "2026-03-03", "start_time": "18:00",
         "end_date": "2026-03-02", "end_time": "20:00", "interval": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Das Ende liegt vor dem Beginn" in response.content.decode()
    assert not Event.objects.exists()


def test_contact_cannot_choose_another_municipality_in_the_form(client, contact_luenen, unna):
    client.force_login(contact_luenen)
    response = client.post(
        reverse("events:create"),
        {
            "municipality": unna.pk,
            "title": "X",
            "start_date": "2026-03-03",
            "start_time": "18:00",
            "interval": "1",
        },
    )
    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
    assert not Event.objects.exists()


def test_review_page_decision_by_form(client, contact_unna, ki_staff, unna):
    event = make_event(by=contact_unna, municipality=unna, status=S.SUBMITTED)
    client.force_login(ki_staff)
    assert client.get(reverse("events:review_queue")).context["events"][0] == event
    bad = client.post(
        reverse("events:review", kwargs={"pk": event.pk}), {"decision": "return", "comment": ""}
    )
    assert bad.status_code == 200
    assert "Bitte schreiben Sie, was geändert werden soll" in bad.content.decode()
    ok = client.post(reverse("events:review", kwargs={"pk": event.pk}), {"decision": "approve"})
    assert ok.status_code == 302
    event.refresh_from_db()
    assert event.status == S.APPROVED


def test_review_queue_is_oldest_first_and_query_count_is_constant(
    client, contact_unna, ki_staff, unna, django_assert_max_num_queries
):
    from django.utils import timezone

    events = [
        make_event(by=contact_unna, municipality=unna, title=f"E{i}", status=S.SUBMITTED) for i in range(15)
    ]
    for offset, event in enumerate(events):
        Event.objects.filter(pk=event.pk).update(submitted_at=timezone.now() - timedelta(hours=offset))
    client.force_login(ki_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:review_queue"))
    assert [e.title for e in response.context["events"]][:3] == ["E14", "E13", "E12"]


def test_my_events_lists_only_own_municipality(client, contact_unna, contact_luenen, unna, luenen):
    make_event(by=contact_unna, municipality=unna, title="Unna-Fest")
    make_event(by=contact_luenen, municipality=luenen, title="Lünen-Fest")
    client.force_login(contact_unna)
    titles = [e.title for e in client.get(reverse("events:mine")).context["events"]]
    assert titles == ["Unna-Fest"]


def test_daily_digest_mode_sends_one_mail_listing_all_new_submissions(
    contact_unna, ki_staff, unna, settings, django_capture_on_commit_callbacks
):
    from events.tasks import send_submission_digest

    settings.EVENTS_SUBMISSION_MAIL = "digest"
    first = make_event(by=contact_unna, municipality=unna, title="Erstes Fest")
    second = make_event(by=contact_unna, municipality=unna, title="Zweites Fest")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_event(by=contact_unna, event=first)
        services.submit_event(by=contact_unna, event=second)
    assert mail.outbox == []  # nothing immediately
    with django_capture_on_commit_callbacks(execute=True):
        assert send_submission_digest.delay().get() == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [ki_staff.email]
    assert digest.subject == "2 neue Einreichungen zur Prüfung"
    assert "Erstes Fest (Unna" in digest.body and "Zweites Fest (Unna" in digest.body


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"municipality": "0597803699"}, "municipality"),  # an AGS with extra digits is not Unna
        ({"municipality": "u" * 200}, "municipality"),
        ({"language": "de" * 20}, "language"),
        ({"field_of_action": "x" * 81}, "field_of_action"),
        ({"start": "2026-02-30"}, "start"),
        ({"start": "2026-01-01", "end": "2036-01-01"}, "end"),
        ({"q": "a" * 201}, "q"),
    ],
)
def test_filter_rejects_bad_values_naming_the_parameter(unna, params, parameter):
    from events.filters import FilterError

    with pytest.raises(FilterError) as error:
        parse_event_filter(params, district=unna.district)
    assert error.value.parameter == parameter


def test_contact_is_told_when_an_edit_sends_a_published_event_back_to_review(client, contact_unna, unna):
    from django.contrib.messages import get_messages

    event = make_event(by=contact_unna, municipality=unna, status=S.APPROVED)
    client.force_login(contact_unna)
    data = {
        "municipality": unna.pk, "title": "Neuer Titel", "start_date": "2026-03-14", "start_time": "18:00",
        "end_time": "20:00", "interval": "1", "monthly_mode": "day",
    }  # fmt: skip
    response = client.post(reverse("events:update", kwargs={"pk": event.pk}), data)
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Die Änderung wird vom Integrationszentrum erneut geprüft." in texts
    event.refresh_from_db()
    assert event.status == S.SUBMITTED


@pytest.mark.parametrize(
    ("status", "contact", "staff"),
    [
        (S.DRAFT, {"edit", "submit"}, {"edit", "submit"}),
        (S.SUBMITTED, {"edit"}, {"edit", "approve", "return", "reject"}),
        (S.RETURNED, {"edit", "submit"}, {"edit", "submit"}),
        (S.APPROVED, {"edit", "cancel"}, {"edit", "cancel"}),
        (S.REJECTED, set(), set()),
        (S.CANCELLED, set(), set()),
    ],
)
def test_allowed_actions_follow_the_table_and_the_role(
    contact_unna, contact_luenen, ki_staff, unna, status, contact, staff
):
    from events.workflow import allowed_actions

    event = make_event(by=contact_unna, municipality=unna, status=status)

    assert allowed_actions(event, contact_unna) == contact
    assert allowed_actions(event, ki_staff) == staff
    assert allowed_actions(event, contact_luenen) == set()  # another municipality's event


def test_an_unknown_decision_is_refused(contact_unna, ki_staff, unna):
    event = make_event(by=contact_unna, municipality=unna, status=S.SUBMITTED)
    with pytest.raises(ValueError):
        services.decide_event(by=ki_staff, event=event, decision="publish")
    event.refresh_from_db()
    assert event.status == S.SUBMITTED
