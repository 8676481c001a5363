"""„Meine Kommune“, the participant list and the audit log come whole from the per-person cache
(``private_cache.private_page``): every change of what they show appears on the next request, a
page that changes with the time is rendered again at that moment, the participant list writes its
audit entry on every look, and no page crosses persons, roles, municipalities or districts.

The tests' writes run their commit callbacks (``committed``): the cache is invalidated when the
writing transaction commits, and a test's transaction never does.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import update_last_login
from django.urls import reverse
from django.utils import timezone

from accounts.audit import delete_old_audit_entries, record_audit_event
from accounts.models import AuditEvent
from concept import services_advice
from events.models import Event
from events.tests.factories import make_event
from municipalities.models import DistrictRole, Membership
from municipalities.tests.factories import DistrictFactory, make_contact, make_district_role
from volunteers import services as volunteer_services
from volunteers.tests.attendance_helpers import place_sessions
from volunteers.tests.factories import make_course, make_volunteer

A = AuditEvent.Action
LOG_URL = reverse("municipalities:audit_log")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _home(slug: str = "unna") -> str:
    return reverse("municipalities:home", kwargs={"slug": slug})


def _hit(response) -> bool:
    return response.get("X-Public-Cache") == "hit"


def _later(monkeypatch, moment: datetime.datetime) -> None:
    """The clock moves on to ``moment`` (for everything that asks ``timezone.now``)."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- „Meine Kommune“ -------------------------------------------------------------------------


def test_home_is_cached_and_shows_every_change_at_once(client, unna, contact_unna, ki_staff, committed):
    client.force_login(contact_unna)
    first = client.get(_home())
    again = client.get(_home())
    assert not _hit(first) and _hit(again) and again.content.count(b"csrfmiddlewaretoken") > 0
    assert b"__public-cache-csrf-token__" not in again.content

    with committed():  # a draft of the municipality: a task
        make_event(by=contact_unna, municipality=unna, title="Nähcafé am Markt")
    page = client.get(_home())
    assert not _hit(page) and "Nähcafé am Markt" in page.content.decode()

    with committed():  # a new contact: the contact list
        make_contact(unna, full_name="Jana Kowalski", email="jana@example.org")
    assert "Jana Kowalski" in client.get(_home()).content.decode()
    assert _hit(client.get(_home()))

    with committed():  # a contact renamed
        contact_unna.full_name = "Şengül Yıldız-Demir"
        contact_unna.save(update_fields=["full_name"])
    assert "Şengül Yıldız-Demir" in client.get(_home()).content.decode()
    assert _hit(client.get(_home()))

    with committed():  # a follow-up agreed in an advice meeting, owned by the contact
        services_advice.record_advice_meeting(
            by=ki_staff,
            municipality=unna,
            held_on=timezone.localdate(),
            participants="M. Schäfer (KI), Ş. Yıldız-Demir",
            follow_ups=[
                services_advice.FollowUpInput(
                    "Raumliste schicken", contact_unna, timezone.localdate() + datetime.timedelta(days=7)
                )
            ],
        )
    assert "Raumliste schicken" in client.get(_home()).content.decode()


def test_a_login_elsewhere_does_not_end_the_cached_home(client, contact_unna, committed):
    client.force_login(contact_unna)
    client.get(_home())
    with committed():  # only last_login changes (as on every login), which no page shows
        update_last_login(None, contact_unna)
    assert _hit(client.get(_home()))


def test_home_lists_an_event_once_it_is_over_without_waiting_for_a_change(
    client, unna, contact_unna, monkeypatch
):
    now = timezone.now()
    make_event(
        by=contact_unna,
        municipality=unna,
        title="Elterncafé im Familienzentrum",
        start=now + datetime.timedelta(minutes=10),
        end=now + datetime.timedelta(hours=1),
        status=Event.Status.APPROVED,
    )
    client.force_login(contact_unna)
    missing = "Teilnehmendenzahl eintragen: Elterncafé im Familienzentrum"
    assert missing not in client.get(_home()).content.decode()
    assert _hit(client.get(_home()))

    _later(monkeypatch, now + datetime.timedelta(hours=1, minutes=1))
    page = client.get(_home())
    assert not _hit(page) and missing in page.content.decode()


def test_home_never_crosses_persons_municipalities_or_districts(
    client, unna, contact_unna, contact_luenen, committed
):
    client.force_login(contact_unna)
    own = client.get(_home())
    assert _hit(client.get(_home()))

    client.force_login(contact_luenen)  # another municipality's contact: not the stored page
    assert client.get(_home()).status_code == 403
    other_district = DistrictFactory(name="Kreis Soest", slug="soest", ags_prefix="05974")
    client.force_login(
        make_district_role(other_district, DistrictRole.Role.KI_STAFF, email="ki@soest.example")
    )
    assert client.get(_home()).status_code == 403

    colleague = make_contact(unna, full_name="Jana Kowalski", email="jana@example.org")
    client.force_login(colleague)  # same municipality, another person: their own page
    theirs = client.get(_home())
    assert theirs.status_code == 200 and not _hit(theirs) and theirs.content != own.content

    client.force_login(contact_unna)
    with committed():  # the membership ends: the next request is refused, not served the stored page
        Membership.objects.filter(user=contact_unna, municipality=unna).delete()
    assert client.get(_home()).status_code == 403


# --- the participant list --------------------------------------------------------------------


@pytest.fixture
def course(district, trainer):
    return make_course(district, title="Flucht und Trauma – Grundlagen", trainers=[trainer])


def _participants(course) -> str:
    return reverse("volunteers:participants", kwargs={"pk": course.pk})


def test_participant_list_from_the_cache_is_logged_on_every_look(client, trainer, course):
    client.force_login(trainer)
    looks = AuditEvent.objects.filter(action=A.VIEWED_PARTICIPANT_LIST, object_id=str(course.pk))
    client.get(_participants(course))
    hits = [client.get(_participants(course)) for _ in range(2)]
    assert all(_hit(response) for response in hits)
    assert looks.count() == 3
    entry = looks.latest("pk")
    assert (entry.actor, entry.district_id, entry.description, entry.object_type) == (
        trainer,
        course.district_id,
        course.title,
        "volunteers.course",
    )


def test_participant_list_shows_registrations_trainers_and_names_at_once(
    client, district, unna, trainer, course, committed
):
    client.force_login(trainer)
    client.get(_participants(course))
    with committed():
        registration = volunteer_services.register_for_course(
            volunteer=make_volunteer(
                district, municipality=unna, full_name="Ahmad Al-Hassan", email="a@example.org"
            ),
            course=course,
        )
    html = client.get(_participants(course)).content.decode()
    assert "a@example.org" in html and "1 von 20" in html

    with committed():
        second_trainer = make_district_role(district, DistrictRole.Role.TRAINER, full_name="Jürgen Böhm")
    client.get(_participants(course))
    with committed():
        course.trainers.add(second_trainer)
    assert "Jürgen Böhm" in client.get(_participants(course)).content.decode()
    assert _hit(client.get(_participants(course)))

    with committed():  # the participant's account renamed
        registration.volunteer.user.full_name = "Ahmad Al-Hassan Yusuf"
        registration.volunteer.user.save(update_fields=["full_name"])
    assert "Ahmad Al-Hassan Yusuf" in client.get(_participants(course)).content.decode()
    assert _hit(client.get(_participants(course)))

    with committed():
        volunteer_services.cancel_registration(by=registration.volunteer.user, registration=registration)
    assert "a@example.org" not in client.get(_participants(course)).content.decode()


def test_participant_list_offers_recording_once_a_session_has_begun(client, trainer, course, monkeypatch):
    now = timezone.now()
    first, _second = place_sessions(
        course, [now + datetime.timedelta(minutes=30), now + datetime.timedelta(days=7)]
    )
    client.force_login(trainer)
    date = timezone.localtime(first.start).strftime("%d.%m.%Y")
    assert f"Anwesenheitsliste {date} ansehen" in client.get(_participants(course)).content.decode()
    assert _hit(client.get(_participants(course)))

    _later(monkeypatch, first.start + datetime.timedelta(minutes=1))
    page = client.get(_participants(course))
    assert not _hit(page) and f"Anwesenheit {date} erfassen" in page.content.decode()


def test_a_trainer_taken_off_the_course_is_refused_not_served_the_stored_list(
    client, trainer, course, committed
):
    client.force_login(trainer)
    client.get(_participants(course))
    looks = AuditEvent.objects.filter(action=A.VIEWED_PARTICIPANT_LIST)
    before = looks.count()
    with committed():
        course.trainers.remove(trainer)
    assert client.get(_participants(course)).status_code == 404
    assert looks.count() == before  # a refused look writes nothing


def test_another_trainer_of_the_course_gets_their_own_page(client, district, trainer, course):
    client.force_login(trainer)
    client.get(_participants(course))
    other = make_district_role(district, DistrictRole.Role.TRAINER, email="zweite@example.org")
    client.force_login(other)
    assert client.get(_participants(course)).status_code == 404  # not a trainer of this course


# --- the audit log ---------------------------------------------------------------------------


def test_audit_log_shows_new_entries_of_its_district_and_ignores_others(
    client, district, ki_staff, trainer, course, committed
):
    with committed():  # the test's data so far count as committed
        other_district = DistrictFactory(name="Kreis Soest", slug="soest", ags_prefix="05974")
        other_staff = make_district_role(other_district, DistrictRole.Role.KI_STAFF, email="ki@soest.example")
    client.force_login(ki_staff)
    client.get(LOG_URL)
    with committed():  # another district's entry: this district's page stays as it is
        record_audit_event(
            actor=trainer,
            action=A.VIEWED_PARTICIPANT_LIST,
            target=course,
            district_id=other_district.pk,
            description="Liste Soest",
        )
    assert _hit(client.get(LOG_URL))

    with committed():
        record_audit_event(
            actor=trainer,
            action=A.VIEWED_PARTICIPANT_LIST,
            target=course,
            district_id=district.pk,
            description="Liste Unna",
        )
    page = client.get(LOG_URL)
    assert not _hit(page) and "Liste Unna" in page.content.decode()
    assert "Liste Soest" not in page.content.decode()

    client.force_login(other_staff)  # their own district's log, never the stored page
    theirs = client.get(LOG_URL)
    assert not _hit(theirs)
    assert "Liste Soest" in theirs.content.decode() and "Liste Unna" not in theirs.content.decode()


def test_audit_log_drops_entries_removed_by_the_retention(
    client, settings, district, ki_staff, course, committed
):
    settings.AUDIT_LOG_RETENTION_DAYS = 30
    with committed():
        old = record_audit_event(
            actor=ki_staff,
            action=A.VIEWED_PARTICIPANT_LIST,
            target=course,
            district_id=district.pk,
            description="Alte Liste",
        )
        AuditEvent.objects.filter(pk=old.pk).update(timestamp=timezone.now() - datetime.timedelta(days=31))
    client.force_login(ki_staff)
    assert "Alte Liste" in client.get(LOG_URL).content.decode()
    assert _hit(client.get(LOG_URL))
    with committed():
        delete_old_audit_entries()
    page = client.get(LOG_URL)
    assert not _hit(page) and "Alte Liste" not in page.content.decode()
