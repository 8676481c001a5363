"""The audit log end to end: real views write one entry each, the KI page shows only the own district."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.audit import delete_old_audit_entries, record_audit_event
from accounts.models import AuditEvent, ModelChange
from events.models import Event
from events.tests.factories import make_event
from municipalities.models import DistrictRole, Membership
from municipalities.tests.factories import DistrictFactory, make_district_role
from volunteers.models import Registration
from volunteers.services import register_for_course
from volunteers.tests.factories import make_course, make_volunteer

A = AuditEvent.Action
LOG_URL = reverse("municipalities:audit_log")


@pytest.fixture
def course(district, trainer):
    return make_course(district, title="Interkulturelle Kompetenz", trainers=[trainer])


@pytest.fixture
def participant(district, course):
    volunteer = make_volunteer(district, email="ahmad@example.org", full_name="Ahmad Al-Hassan")
    register_for_course(volunteer=volunteer, course=course)
    return volunteer


@pytest.fixture
def other_district_staff(soest):
    return make_district_role(
        soest, DistrictRole.Role.KI_STAFF, email="ki-soest@example.org", full_name="Ольга Петрова"
    )


def only_event() -> AuditEvent:
    entries = list(AuditEvent.objects.all())
    assert len(entries) == 1, entries
    return entries[0]


# --- each audited action writes exactly one entry ---------------------------------------------


def test_trainer_viewing_participant_list_writes_one_entry(client, trainer, course, participant):
    client.force_login(trainer)
    response = client.get(reverse("volunteers:participants", kwargs={"pk": course.pk}))
    assert response.status_code == 200
    entry = only_event()
    assert (entry.actor, entry.action) == (trainer, A.VIEWED_PARTICIPANT_LIST)
    assert (entry.object_type, entry.object_id, entry.district_id) == (
        "volunteers.course",
        str(course.pk),
        course.district_id,
    )
    assert "Ahmad" not in str(entry.details) and "Ahmad" not in entry.description


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_exporting_participant_list_writes_one_entry_with_format(client, ki_staff, course, participant, fmt):
    client.force_login(ki_staff)
    response = client.get(reverse("volunteers:participants_export", kwargs={"pk": course.pk, "fmt": fmt}))
    assert response.status_code == 200
    entry = only_event()
    assert (entry.actor, entry.action, entry.object_id) == (
        ki_staff,
        A.EXPORTED_PARTICIPANT_LIST,
        str(course.pk),
    )
    assert entry.details == {"format": fmt}


def test_refused_participant_list_writes_nothing(client, volunteer, course, participant):
    client.force_login(volunteer)
    assert client.get(reverse("volunteers:participants", kwargs={"pk": course.pk})).status_code == 403
    assert not AuditEvent.objects.exists()


def test_attendance_page_writes_one_entry(client, trainer, course, participant):
    session = course.sessions.order_by("start").first()
    client.force_login(trainer)
    url = reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": session.pk})
    assert client.get(url).status_code == 200
    entry = only_event()
    assert (entry.action, entry.details) == (A.VIEWED_ATTENDANCE, {"session": session.pk})


def test_volunteer_search_records_criteria_not_results(client, ki_staff, unna, participant):
    client.force_login(ki_staff)
    response = client.get(reverse("volunteers:volunteer_search"), {"municipality": unna.slug})
    assert response.status_code == 200
    entry = only_event()
    assert (entry.actor, entry.action, entry.district_id) == (
        ki_staff,
        A.SEARCHED_VOLUNTEERS,
        unna.district_id,
    )
    assert entry.details == {"criteria": {"municipality": "unna"}, "page": 1}


def test_course_evidence_export_writes_one_entry(client, ki_staff, course, participant):
    client.force_login(ki_staff)
    response = client.get(reverse("volunteers:course_evidence", kwargs={"pk": course.pk, "fmt": "xlsx"}))
    assert response.status_code == 200
    entry = only_event()
    assert (entry.action, entry.object_id, entry.details) == (
        A.EXPORTED_FUNDING_EVIDENCE,
        str(course.pk),
        {"format": "xlsx"},
    )


def test_own_data_export_writes_one_entry_and_contains_own_audit_events(client, volunteer):
    client.force_login(volunteer)
    url = reverse("volunteers:data_export")
    assert client.get(url).status_code == 200
    entry = only_event()
    assert (entry.actor, entry.action, entry.object_id) == (volunteer, A.EXPORTED_OWN_DATA, str(volunteer.pk))
    data = client.get(url).json()
    assert [item["action"] for item in data["audit_log_as_actor"]] == ["exported_own_data"]


def _submitted_event(contact_unna, unna) -> Event:
    return make_event(
        by=contact_unna, municipality=unna, title="Sprachcafé am Markt", status=Event.Status.SUBMITTED
    )


@pytest.mark.parametrize(
    ("decision", "comment", "recorded"),
    [
        ("approve", "", "approved"),
        ("return", "Bitte Uhrzeit ergänzen", "returned"),
        ("reject", "", "rejected"),
    ],
)
def test_review_decision_writes_one_entry_without_comment(
    client, ki_staff, contact_unna, unna, decision, comment, recorded
):
    event = _submitted_event(contact_unna, unna)
    client.force_login(ki_staff)
    # A rejection is confirmed on its own page (events:reject), the other decisions on the review page.
    url_name = "events:reject" if decision == "reject" else "events:review"
    response = client.post(
        reverse(url_name, kwargs={"pk": event.pk}), {"decision": decision, "comment": comment}
    )
    assert response.status_code == 302
    entry = only_event()
    assert (entry.actor, entry.action, entry.object_id, entry.district_id) == (
        ki_staff,
        A.REVIEW_DECISION,
        str(event.pk),
        unna.district_id,
    )
    assert entry.details == {"decision": recorded}
    change = ModelChange.objects.filter(object_pk=str(event.pk), action=ModelChange.Action.UPDATE).latest()
    assert change.actor == ki_staff
    assert change.changes["status"] == ["submitted", recorded]
    assert "review_comment" not in change.changes


# --- model changes (django-auditlog) ---------------------------------------------------------------


def test_membership_change_is_recorded_without_personal_data(unna, contact_unna):
    membership = Membership.objects.get(user=contact_unna)
    change = ModelChange.objects.get(object_pk=str(membership.pk), action=ModelChange.Action.CREATE)
    assert change.district_id == unna.district_id
    assert change.object_repr == "Unna"
    assert set(change.changes) <= {"id", "user", "municipality", "role"}
    assert "Yıldız" not in str(change.changes) and "unna-test@example.org" not in str(change.changes)


def test_registration_records_only_its_status(participant, course):
    registration = Registration.objects.get(volunteer=participant)
    change = ModelChange.objects.get(object_pk=str(registration.pk), content_type__model="registration")
    assert set(change.changes) <= {"id", "status"}
    assert change.object_repr == course.title and change.district_id == course.district_id


def test_user_changes_record_flags_only(db):
    from accounts.models import User

    user = User.objects.create_user(email="nguyen@example.org", password="x-geheim-2026", full_name="Nguyễn")
    user.full_name = "Nguyễn Thị Lan"
    user.is_active = False
    user.save()
    change = ModelChange.objects.filter(object_pk=str(user.pk), action=ModelChange.Action.UPDATE).get()
    assert set(change.changes) == {"is_active"}
    assert "Nguyễn" not in change.object_repr


# --- the Protokoll page ----------------------------------------------------------------------


def test_staff_sees_own_district_entries_and_not_another_districts(
    client, ki_staff, other_district_staff, course
):
    record_audit_event(
        actor=ki_staff, action=A.VIEWED_PARTICIPANT_LIST, target=course, district_id=course.district_id
    )
    other_course = make_course(
        DistrictFactory(slug="kreis-coesfeld", ags_prefix="05558"), title="Kurs anderswo"
    )
    record_audit_event(
        actor=other_district_staff,
        action=A.VIEWED_PARTICIPANT_LIST,
        target=other_course,
        district_id=other_course.district_id,
    )
    client.force_login(ki_staff)
    page = client.get(LOG_URL).content.decode()
    assert "Interkulturelle Kompetenz" in page and f"#{course.pk}" not in page
    assert "Ольга Петрова" not in page and "Kurs anderswo" not in page

    client.force_login(other_district_staff)
    page = client.get(LOG_URL).content.decode()
    assert "Miriam Schäfer" not in page and "Interkulturelle Kompetenz" not in page


def test_staff_of_other_district_does_not_see_changes(client, other_district_staff, contact_unna):
    assert ModelChange.objects.exists()
    client.force_login(other_district_staff)
    rows = client.get(LOG_URL).context["rows"]
    # Only the creation of their own role in their own district, nothing of Kreis Unna.
    role = DistrictRole.objects.get(user=other_district_staff)
    assert [(row["obj_type"], row["obj_id"]) for row in rows] == [
        ("municipalities.districtrole", str(role.pk))
    ]


@pytest.mark.parametrize("role", ["contact_unna", "trainer", "volunteer"])
def test_log_page_is_forbidden_for_other_roles(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(LOG_URL).status_code == 403
    assert client.get(reverse("municipalities:audit_log_csv")).status_code == 403


def test_log_cannot_be_changed_through_the_page(client, ki_staff):
    client.force_login(ki_staff)
    assert client.post(LOG_URL).status_code == 405
    assert client.delete(LOG_URL).status_code == 405
    assert client.post(reverse("municipalities:audit_log_csv")).status_code == 405


def test_filters_by_action_actor_object_and_date(client, ki_staff, trainer, course, district):
    old = record_audit_event(
        actor=trainer, action=A.VIEWED_PARTICIPANT_LIST, target=course, district_id=district.pk
    )
    AuditEvent.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(days=10))
    record_audit_event(actor=ki_staff, action=A.SEARCHED_VOLUNTEERS, district_id=district.pk)
    client.force_login(ki_staff)

    def kinds(**params):
        rows = client.get(LOG_URL, params).context["rows"]
        return [(row["source"], row["kind"]) for row in rows]

    assert kinds(kind=A.SEARCHED_VOLUNTEERS) == [("access", "searched_volunteers")]
    assert kinds(actor=trainer.pk) == [("access", "viewed_participant_list")]
    assert ("access", "viewed_participant_list") not in kinds(date_from=timezone.localdate().isoformat())
    assert kinds(date_to=(timezone.localdate() - timedelta(days=5)).isoformat()) == [
        ("access", "viewed_participant_list")
    ]
    by_object = kinds(object_type="volunteers.course", object_id=str(course.pk))
    assert ("access", "viewed_participant_list") in by_object
    assert ("change", "0") in by_object  # the course's creation, from django-auditlog
    assert kinds(kind="change_create", object_type="volunteers.course") == [("change", "0")]


def test_bad_filter_answers_400(client, ki_staff):
    client.force_login(ki_staff)
    assert client.get(LOG_URL, {"date_from": "2026-05-01", "date_to": "2026-04-01"}).status_code == 400


def test_csv_export_is_logged(client, ki_staff, course, district):
    record_audit_event(
        actor=ki_staff, action=A.VIEWED_PARTICIPANT_LIST, target=course, district_id=district.pk
    )
    client.force_login(ki_staff)
    response = client.get(reverse("municipalities:audit_log_csv"), {"kind": A.VIEWED_PARTICIPANT_LIST})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Teilnehmendenliste angesehen" in text and "Miriam Schäfer" in text
    export = AuditEvent.objects.get(action=A.EXPORTED_AUDIT_LOG)
    assert export.actor == ki_staff and export.details["rows"] == 1


def test_log_page_query_count_does_not_grow_with_entries(
    client, ki_staff, district, course, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(ki_staff)
    client.get(LOG_URL)  # warm the content-type cache
    with django_capture_on_commit_callbacks(execute=True):  # committed: the cached page is stale
        for _ in range(3):
            record_audit_event(actor=ki_staff, action=A.SEARCHED_VOLUNTEERS, district_id=district.pk)
    with django_assert_max_num_queries(10) as few:  # +1: django-otp device
        client.get(LOG_URL)
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(40):
            actor = make_district_role(district, DistrictRole.Role.TRAINER, email=f"t{index}@example.org")
            record_audit_event(
                actor=actor, action=A.VIEWED_PARTICIPANT_LIST, target=course, district_id=district.pk
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LOG_URL)
    assert len(response.context["rows"]) == 50


# --- retention -----------------------------------------------------------------------------


def test_retention_deletes_only_old_entries(settings, ki_staff, district, course):
    settings.AUDIT_LOG_RETENTION_DAYS = 30
    old = record_audit_event(actor=ki_staff, action=A.SEARCHED_VOLUNTEERS, district_id=district.pk)
    recent = record_audit_event(actor=ki_staff, action=A.SEARCHED_VOLUNTEERS, district_id=district.pk)
    AuditEvent.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(days=31))
    old_change = ModelChange.objects.filter(object_pk=str(course.pk)).first()
    ModelChange.objects.filter(pk=old_change.pk).update(timestamp=timezone.now() - timedelta(days=31))
    changes_before = ModelChange.objects.count()

    assert delete_old_audit_entries() == 2
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert ModelChange.objects.count() == changes_before - 1
    assert delete_old_audit_entries() == 0  # safe to run twice


def test_retention_task_is_scheduled(settings):
    from accounts.tasks import delete_old_audit_entries as task

    schedule = settings.CELERY_BEAT_SCHEDULE["accounts-delete-old-audit-entries"]
    assert schedule["task"] == task.name


def test_programme_evidence_view_and_export_write_one_entry_each(client, ki_staff, district):
    from municipalities.models import FundingProgramme

    programme = FundingProgramme.objects.create(name="KOMM-AN NRW, Programmteil II", code="komm-an-test")
    client.force_login(ki_staff)
    url = reverse("volunteers:evidence")
    assert client.get(url, {"programme": programme.code, "year": 2026}).status_code == 200
    entry = only_event()
    assert (entry.action, entry.object_type, entry.district_id, entry.details) == (
        A.VIEWED_FUNDING_EVIDENCE,
        "municipalities.fundingprogramme",
        district.pk,
        {"year": 2026, "format": "html"},
    )
    assert client.get(url, {"programme": programme.code, "year": 2026, "format": "xlsx"}).status_code == 200
    assert AuditEvent.objects.filter(action=A.EXPORTED_FUNDING_EVIDENCE, details__format="xlsx").count() == 1


def test_staff_downloading_a_certificate_is_logged_but_the_owner_is_not(
    client, ki_staff, volunteer, district
):
    from volunteers.models import Course

    finished = make_course(district, title="Abgeschlossen", status=Course.Status.COMPLETED)
    registration = Registration.objects.create(
        course=finished,
        volunteer=volunteer.volunteer,
        status=Registration.Status.ATTENDED,
        certificate_code="ABCDEF1234",
    )
    url = reverse("volunteers:certificate", kwargs={"pk": registration.pk})
    client.force_login(volunteer)
    assert client.get(url).status_code == 200
    assert not AuditEvent.objects.exists()
    client.force_login(ki_staff)
    assert client.get(url).status_code == 200
    entry = only_event()
    assert (entry.actor, entry.action, entry.object_id) == (
        ki_staff,
        A.EXPORTED_CERTIFICATE,
        str(registration.pk),
    )


def test_anonymised_actor_keeps_the_entry_without_the_name(client, ki_staff, volunteer):
    from volunteers.selfservice.deletion import delete_volunteer_account

    client.force_login(volunteer)
    client.get(reverse("volunteers:data_export"))
    delete_volunteer_account(user=volunteer)
    entry = AuditEvent.objects.get(action=A.EXPORTED_OWN_DATA)
    assert entry.actor_id == volunteer.pk
    client.force_login(ki_staff)
    page = client.get(LOG_URL).content.decode()
    assert "مريم حداد" not in page and "ehrenamt-test@example.org" not in page
    assert "Eigene Daten heruntergeladen" in page


def test_removing_a_contact_through_the_portal_is_recorded_with_the_actor(
    client, ki_staff, unna, contact_unna
):
    membership = Membership.objects.get(user=contact_unna)
    client.force_login(ki_staff)
    url = reverse("municipalities:membership_remove", kwargs={"slug": unna.slug, "pk": membership.pk})
    assert client.post(url).status_code == 302
    change = ModelChange.objects.get(object_pk=str(membership.pk), action=ModelChange.Action.DELETE)
    assert (change.actor, change.district_id, change.object_repr) == (ki_staff, unna.district_id, "Unna")
    rows = client.get(LOG_URL, {"kind": "change_delete"}).context["rows"]
    assert [(row["obj_type"], row["actor"]) for row in rows] == [("municipalities.membership", ki_staff)]


# --- readable entries --------------------------------------------------------------------------


def test_log_reads_as_german_with_names_labels_and_local_minutes(client, ki_staff, unna, contact_unna):
    from kreisintegration.audit_log import audit_entries_visible_to, describe_entries

    event = _submitted_event(contact_unna, unna)
    client.force_login(ki_staff)
    client.post(reverse("events:review", kwargs={"pk": event.pk}), {"decision": "approve", "comment": ""})
    membership = Membership.objects.get(user=contact_unna)
    page = client.get(LOG_URL).content.decode()

    # the review: status labels, the reviewer's name, the time in Europe/Berlin to the minute
    assert "Status: zur Prüfung eingereicht → veröffentlicht" in page
    assert f"Geprüft von: leer → {ki_staff.full_name}" in page
    reviewed = timezone.localtime(Event.objects.get(pk=event.pk).reviewed_at)
    assert f"Geprüft am: leer → {reviewed:%d.%m.%Y %H:%M}" in page
    # the membership's creation names the person, the municipality and the role, not numbers
    rows = describe_entries(
        list(audit_entries_visible_to(ki_staff, filters={"object_type": "municipalities.membership"}))
    )
    created = next(row for row in rows if row["obj_id"] == str(membership.pk))
    assert dict(created["details"]) == {
        "Person": contact_unna.full_name,
        "Kommune": "Unna",
        "Rolle": membership.get_role_display(),
    }
    for raw in ("None", " → 1", "status:", "reviewed_by", "+00:00", "#"):
        assert raw not in " ".join(row["what"] for row in rows) + page.split("<tbody>")[1], raw
    stamp = timezone.localtime(ModelChange.objects.latest("timestamp").timestamp)
    assert f"{stamp:%d.%m.%Y, %H:%M}" in page
    assert f'datetime="{stamp:%Y-%m-%dT%H:%M%z}"' in page


def test_search_criteria_and_sessions_are_shown_by_name(client, ki_staff, unna, trainer, course, participant):
    session = course.sessions.order_by("start").first()
    client.force_login(trainer)
    client.get(reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": session.pk}))
    client.force_login(ki_staff)
    client.get(reverse("volunteers:volunteer_search"), {"municipality": unna.slug})
    page = client.get(LOG_URL).content.decode()
    assert "Suchkriterien: Wohnort (Kommune): Unna" in page
    assert f"Termin: {timezone.localtime(session.start):%d.%m.%Y %H:%M}" in page
    assert "municipality" not in page.split("<tbody>")[1]
