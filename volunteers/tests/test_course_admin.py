"""KI staff manage courses: list, create and edit with sessions, capacity and status rules."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from municipalities.models import BuildingBlock, DistrictRole, FundingProgramme, Language
from municipalities.tests.factories import make_district_role
from volunteers import services
from volunteers.models import Attendance, Course, CourseSession, Qualification, Registration
from volunteers.tests.factories import make_course, make_volunteer

S = Course.Status
R = Registration.Status
BERLIN = ZoneInfo("Europe/Berlin")
DAY = timezone.localdate() + timedelta(days=60)


@pytest.fixture
def other_staff(other_district):
    return make_district_role(other_district, DistrictRole.Role.KI_STAFF, full_name="Jürgen Böhm")


@pytest.fixture
def programme(db):
    programme = FundingProgramme.objects.create(name="KOMM-AN NRW, Programmteil II", code="komm-an-test")
    BuildingBlock.objects.create(programme=programme, code="D", name="Qualifizierung")
    return programme


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def course_data(course: Course | None = None, sessions=None, **overrides) -> dict:
    """POST data of the course form and its session formset."""
    data = {
        "title": "Interkulturelle Kompetenz im Ehrenamt",
        "topic": "Interkulturelle Kompetenz",
        "description": "Drei Abende mit Übungen aus der Praxis.",
        "target_audience": "Ehrenamtliche in der Flüchtlingshilfe",
        "location_name": "Kreishaus Unna",
        "address": "Friedrich-Ebert-Straße 17, 59425 Unna",
        "capacity": "16",
        "registration_closes": f"{(DAY - timedelta(days=3)).isoformat()}T23:59",
        "teaching_units": "9",
        "min_attendance_percent": "80",
        "status": S.DRAFT,
    }
    if course is not None:
        data.update(
            title=course.title,
            topic=course.topic,
            capacity=str(course.capacity),
            registration_closes=timezone.localtime(course.registration_closes).strftime("%Y-%m-%dT%H:%M"),
            registration_opens=(
                timezone.localtime(course.registration_opens).strftime("%Y-%m-%dT%H:%M")
                if course.registration_opens
                else ""
            ),
            teaching_units=str(course.teaching_units),
            status=course.status,
            municipality=str(course.municipality_id or ""),
        )
    existing = list(course.sessions.order_by("start")) if course is not None else []
    if sessions is None:
        sessions = [
            {
                "id": str(s.pk),
                "day": timezone.localtime(s.start).date().isoformat(),
                "start_time": timezone.localtime(s.start).strftime("%H:%M"),
                "end_time": timezone.localtime(s.end).strftime("%H:%M"),
            }
            for s in existing
        ] or [{"day": DAY.isoformat(), "start_time": "18:00", "end_time": "21:00"}]
    data.update(
        {
            "sessions-TOTAL_FORMS": str(len(sessions)),
            "sessions-INITIAL_FORMS": str(len(existing)),
            "sessions-MIN_NUM_FORMS": "1",
            "sessions-MAX_NUM_FORMS": "1000",
        }
    )
    for index, session in enumerate(sessions):
        for key, value in session.items():
            data[f"sessions-{index}-{key}"] = value
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def form_errors(response) -> dict:
    return response.context["form"].errors


# --- permissions ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["course_admin_list", "course_create"])
def test_course_admin_pages_need_ki_staff(client, volunteer, trainer, contact_unna, name):
    url = reverse(f"volunteers:{name}")

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    for user in (volunteer, trainer, contact_unna):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, course_data()).status_code == 403
    assert not Course.objects.exists()


def test_edit_needs_ki_staff_of_the_courses_district(client, district, trainer, other_staff):
    course = make_course(district, trainers=[trainer])
    url = reverse("volunteers:course_update", kwargs={"pk": course.pk})

    client.force_login(trainer)
    assert client.get(url).status_code == 403
    client.force_login(other_staff)
    assert client.get(url).status_code == 404
    assert client.post(url, course_data(course, title="Gekapert")).status_code == 404
    course.refresh_from_db()
    assert course.title == "Grundlagen Asyl- und Aufenthaltsrecht"


# --- list -------------------------------------------------------------------------


def test_list_shows_all_statuses_of_own_district_with_counts(client, district, ki_staff, other_district):
    published = make_course(district, title="Veröffentlicht", capacity=1)
    for _ in range(3):
        services.register_for_course(volunteer=make_volunteer(district), course=published)
    make_course(district, title="Entwurf", status=S.DRAFT)
    make_course(district, title="Abgesagt", status=S.CANCELLED)
    make_course(other_district, title="Kurs eines anderen Kreises")
    client.force_login(ki_staff)

    response = client.get(reverse("volunteers:course_admin_list"))
    html = response.content.decode()

    assert response.status_code == 200
    assert sorted(c.title for c in response.context["courses"]) == ["Abgesagt", "Entwurf", "Veröffentlicht"]
    listed = next(c for c in response.context["courses"] if c.pk == published.pk)
    assert (listed.seats_taken_count, listed.waitlist_count) == (1, 2)
    assert "Kurs eines anderen Kreises" not in html
    assert reverse("volunteers:participants", kwargs={"pk": published.pk}) in html
    assert reverse("volunteers:course_update", kwargs={"pk": published.pk}) in html


def test_list_filters_by_status(client, district, ki_staff):
    make_course(district, title="Entwurf", status=S.DRAFT)
    make_course(district, title="Veröffentlicht")
    client.force_login(ki_staff)

    response = client.get(reverse("volunteers:course_admin_list"), {"status": "draft"})

    assert [c.title for c in response.context["courses"]] == ["Entwurf"]


def test_list_query_count_does_not_grow(client, district, ki_staff, django_assert_max_num_queries):
    for number in range(15):
        course = make_course(district, title=f"Kurs {number}", capacity=1)
        services.register_for_course(volunteer=make_volunteer(district), course=course)
    client.force_login(ki_staff)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("volunteers:course_admin_list"))

    assert len(response.context["courses"]) == 15


# --- create --------------------------------------------------------------------------


def test_staff_creates_course_with_sessions(client, district, unna, ki_staff, trainer, programme):
    block = programme.building_blocks.get()
    language = Language.objects.get_or_create(code="ar", defaults={"name": "Arabisch"})[0]
    qualification = Qualification.objects.create(district=district, name="Grundqualifizierung", slug="grund")
    client.force_login(ki_staff)
    later = DAY + timedelta(days=7)

    response = client.post(
        reverse("volunteers:course_create"),
        course_data(
            municipality=str(unna.pk),
            trainers=[str(trainer.pk)],
            funding_programme=str(programme.pk),
            building_block=str(block.pk),
            qualification=str(qualification.pk),
            language=str(language.pk),
            status=S.PUBLISHED,
            sessions=[
                {
                    "day": DAY.isoformat(),
                    "start_time": "18:00",
                    "end_time": "21:00",
                    "topics": "Asylverfahren",
                },
                {
                    "day": later.isoformat(),
                    "start_time": "09:30",
                    "end_time": "16:00",
                    "location_name": "VHS Unna",
                },
                {"day": "", "start_time": "", "end_time": ""},  # an empty extra row is ignored
            ],
        ),
    )

    assert response.status_code == 302, response.context and form_errors(response)
    course = Course.objects.get()
    assert response["Location"] == course.get_absolute_url()
    assert (course.district, course.municipality, course.status) == (district, unna, S.PUBLISHED)
    assert list(course.trainers.all()) == [trainer]
    assert (course.funding_programme, course.building_block, course.qualification) == (
        programme,
        block,
        qualification,
    )
    assert course.teaching_units == Decimal("9")
    assert [(s.start, s.end, s.topics, s.location_name) for s in course.sessions.order_by("start")] == [
        (local(DAY, 18), local(DAY, 21), "Asylverfahren", ""),
        (local(later, 9, 30), local(later, 16), "", "VHS Unna"),
    ]
    assert timezone.localtime(course.registration_closes).strftime("%d.%m. %H:%M") == (
        DAY - timedelta(days=3)
    ).strftime("%d.%m. 23:59")


def test_create_form_renders_for_staff(client, district, ki_staff, trainer):
    make_district_role(district, DistrictRole.Role.VOLUNTEER, full_name="Keine Referentin")
    client.force_login(ki_staff)

    response = client.get(reverse("volunteers:course_create"))

    assert response.status_code == 200
    trainers = list(response.context["form"].fields["trainers"].queryset)
    assert trainers == [trainer]
    assert 'type="datetime-local"' in response.content.decode()
    assert 'type="time"' in response.content.decode()


def test_create_needs_at_least_one_session(client, district, ki_staff):
    client.force_login(ki_staff)

    response = client.post(
        reverse("volunteers:course_create"),
        course_data(sessions=[{"day": "", "start_time": "", "end_time": ""}]),
    )

    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert not Course.objects.exists()


def test_session_must_end_after_it_starts(client, district, ki_staff):
    client.force_login(ki_staff)

    response = client.post(
        reverse("volunteers:course_create"),
        course_data(sessions=[{"day": DAY.isoformat(), "start_time": "18:00", "end_time": "17:00"}]),
    )

    assert response.status_code == 200
    assert "end_time" in response.context["formset"].forms[0].errors
    assert not Course.objects.exists()


def test_choices_of_other_districts_are_refused(client, district, ki_staff, other_district):
    foreign_trainer = make_district_role(other_district, DistrictRole.Role.TRAINER)
    foreign_qualification = Qualification.objects.create(district=other_district, name="Fremd", slug="fremd")
    marl = other_district.municipalities.get()
    client.force_login(ki_staff)

    response = client.post(
        reverse("volunteers:course_create"),
        course_data(
            municipality=str(marl.pk),
            trainers=[str(foreign_trainer.pk)],
            qualification=str(foreign_qualification.pk),
            district=str(other_district.pk),  # not a field for staff of one district: ignored
        ),
    )

    assert response.status_code == 200
    assert {"municipality", "trainers", "qualification"} <= set(form_errors(response))
    assert not Course.objects.exists()


def test_staff_of_two_districts_choose_the_district_and_matching_choices(
    client, district, unna, ki_staff, other_district
):
    DistrictRole.objects.create(user=ki_staff, district=other_district, role=DistrictRole.Role.KI_STAFF)
    client.force_login(ki_staff)

    mismatch = client.post(
        reverse("volunteers:course_create"),
        course_data(district=str(other_district.pk), municipality=str(unna.pk)),
    )
    created = client.post(
        reverse("volunteers:course_create"),
        course_data(
            district=str(other_district.pk), municipality=str(other_district.municipalities.get().pk)
        ),
    )

    assert form_errors(mismatch)["municipality"] == ["Diese Kommune gehört nicht zum Kreis des Kurses."]
    assert created.status_code == 302
    assert Course.objects.get().district == other_district


def test_building_block_must_belong_to_the_programme(client, district, ki_staff, programme):
    other = FundingProgramme.objects.create(name="Landesförderung Ehrenamt", code="land-test")
    foreign_block = BuildingBlock.objects.create(programme=other, code="A", name="Ankommen")
    client.force_login(ki_staff)

    response = client.post(
        reverse("volunteers:course_create"),
        course_data(funding_programme=str(programme.pk), building_block=str(foreign_block.pk)),
    )

    assert response.status_code == 200
    assert form_errors(response)["building_block"] == ["Der Baustein gehört zu einem anderen Förderprogramm."]


def test_completed_cannot_be_chosen_in_the_form(client, district, ki_staff):
    client.force_login(ki_staff)

    response = client.post(reverse("volunteers:course_create"), course_data(status=S.COMPLETED))

    assert "status" in form_errors(response)
    assert not Course.objects.exists()


# --- edit: capacity and status -------------------------------------------------------


def test_capacity_cannot_drop_below_taken_seats(client, district, ki_staff):
    course = make_course(district, capacity=5)
    for _ in range(3):
        services.register_for_course(volunteer=make_volunteer(district), course=course)
    client.force_login(ki_staff)

    response = client.post(
        reverse("volunteers:course_update", kwargs={"pk": course.pk}), course_data(course, capacity="2")
    )

    assert response.status_code == 200
    assert "Es sind bereits 3 Plätze vergeben" in form_errors(response)["capacity"][0]
    course.refresh_from_db()
    assert course.capacity == 5


def test_capacity_may_drop_to_taken_seats(client, district, ki_staff):
    course = make_course(district, capacity=5)
    for _ in range(3):
        services.register_for_course(volunteer=make_volunteer(district), course=course)
    client.force_login(ki_staff)

    response = client.post(
        reverse("volunteers:course_update", kwargs={"pk": course.pk}), course_data(course, capacity="3")
    )

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.capacity == 3


def test_raising_capacity_offers_seats_to_waiting_people(
    client, district, ki_staff, django_capture_on_commit_callbacks
):
    course = make_course(district, title="Sprachpatenschaften", capacity=1)
    registrations = [
        services.register_for_course(
            volunteer=make_volunteer(district, email=f"wartend{n}@example.org"), course=course
        )
        for n in range(4)
    ]
    client.force_login(ki_staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("volunteers:course_update", kwargs={"pk": course.pk}), course_data(course, capacity="3")
        )

    assert response.status_code == 302
    statuses = [Registration.objects.get(pk=r.pk).status for r in registrations]
    assert statuses == [R.REGISTERED, R.OFFERED, R.OFFERED, R.WAITLISTED]
    assert sorted(m.to[0] for m in mail.outbox) == ["wartend1@example.org", "wartend2@example.org"]
    assert all(m.subject == "Ein Platz ist frei geworden: Sprachpatenschaften" for m in mail.outbox)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("2 Personen von der Warteliste" in text for text in texts)


def test_editing_sessions_updates_deletes_and_adds(client, district, ki_staff):
    course = make_course(district, sessions=2)
    first, second = course.sessions.order_by("start")
    later = DAY + timedelta(days=20)
    client.force_login(ki_staff)
    sessions = [
        {"id": str(first.pk), "day": DAY.isoformat(), "start_time": "17:00", "end_time": "20:00"},
        {"id": str(second.pk), "day": timezone.localtime(second.start).date().isoformat(),
         "start_time": "18:00", "end_time": "21:00", "DELETE": "on"},
        {"day": later.isoformat(), "start_time": "10:00", "end_time": "13:00"},
    ]  # fmt: skip

    response = client.post(
        reverse("volunteers:course_update", kwargs={"pk": course.pk}), course_data(course, sessions=sessions)
    )

    assert response.status_code == 302
    assert [(s.start, s.end) for s in course.sessions.order_by("start")] == [
        (local(DAY, 17), local(DAY, 20)),
        (local(later, 10), local(later, 13)),
    ]


def test_session_with_attendance_cannot_be_deleted(client, district, ki_staff):
    course = make_course(district, sessions=2, starts_in=timedelta(days=-1), status=S.PUBLISHED)
    volunteer = make_volunteer(district)
    registration = Registration.objects.create(course=course, volunteer=volunteer, status=R.REGISTERED)
    first, _second = course.sessions.order_by("start")
    Attendance.objects.create(registration=registration, session=first, present=True)
    client.force_login(ki_staff)
    data = course_data(course)
    data["sessions-0-DELETE"] = "on"

    response = client.post(reverse("volunteers:course_update", kwargs={"pk": course.pk}), data)

    assert response.status_code == 200
    assert "Anwesenheit erfasst" in str(response.context["formset"].non_form_errors())
    assert CourseSession.objects.filter(pk=first.pk).exists()


def test_cancelling_a_course_ends_registrations_and_tells_participants(
    client, district, ki_staff, django_capture_on_commit_callbacks, mailoutbox
):
    course = make_course(district)
    registration = services.register_for_course(volunteer=make_volunteer(district), course=course)
    client.force_login(ki_staff)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("volunteers:course_update", kwargs={"pk": course.pk}),
            course_data(course, status=S.CANCELLED),
        )

    assert response.status_code == 302
    course.refresh_from_db()
    registration.refresh_from_db()
    assert course.status == S.CANCELLED
    assert registration.status == "cancelled"
    assert [m.to for m in mailoutbox] == [[registration.volunteer.user.email]]
    assert mailoutbox[0].subject.startswith("Kurs abgesagt:")
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("per E-Mail benachrichtigt" in text for text in texts)


def test_published_course_cannot_go_back_to_draft(client, district, ki_staff):
    course = make_course(district)
    client.force_login(ki_staff)

    response = client.post(
        reverse("volunteers:course_update", kwargs={"pk": course.pk}), course_data(course, status=S.DRAFT)
    )

    assert "status" in form_errors(response)
    course.refresh_from_db()
    assert course.status == S.PUBLISHED


def test_edit_form_shows_existing_sessions_in_local_time(client, district, ki_staff):
    course = make_course(district, sessions=1)
    session = course.sessions.get()
    client.force_login(ki_staff)

    response = client.get(reverse("volunteers:course_update", kwargs={"pk": course.pk}))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{timezone.localtime(session.start).strftime("%H:%M")}"' in html
    assert "district" not in response.context["form"].fields
