"""The public course catalogue and a course's detail page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from municipalities.models import BuildingBlock, FundingProgramme, Language
from volunteers import services
from volunteers.models import Course, Qualification, Registration
from volunteers.tests.factories import make_course, make_volunteer

S = Course.Status
R = Registration.Status


def catalogue(client, **params):
    return client.get(reverse("volunteers:catalogue"), params)


def titles(response) -> list[str]:
    return [course.title for course in response.context["courses"]]


def fill(course: Course, *, registered: int = 0, waiting: int = 0) -> list[Registration]:
    """Registrations of new volunteers, through the real service."""
    result = []
    for _ in range(registered + waiting):
        volunteer = make_volunteer(course.district)
        result.append(services.register_for_course(volunteer=volunteer, course=course))
    return result


@pytest.fixture
def arabic(db):
    return Language.objects.get_or_create(code="ar", defaults={"name": "Arabisch"})[0]


@pytest.fixture
def german(db):
    return Language.objects.get_or_create(code="de", defaults={"name": "Deutsch"})[0]


# --- catalogue: what is listed ---------------------------------------------------


def test_catalogue_lists_only_published_courses_with_open_registration(client, district, other_district):
    make_course(district, title="Interkulturelle Kompetenz")
    make_course(district, title="Entwurf: Traumasensible Begleitung", status=S.DRAFT)
    make_course(district, title="Abgesagt: Konfliktlösung", status=S.CANCELLED)
    make_course(
        district, title="Abgeschlossen: Rolle im Ehrenamt", status=S.COMPLETED, starts_in=timedelta(days=-30)
    )
    make_course(
        district, title="Anmeldeschluss vorbei", registration_closes=timezone.now() - timedelta(hours=1)
    )
    make_course(other_district, title="Kurs in Recklinghausen")

    response = catalogue(client)

    assert response.status_code == 200
    assert titles(response) == ["Interkulturelle Kompetenz"]
    assert "Entwurf" not in response.content.decode()


def test_catalogue_toggle_adds_past_and_completed_courses_but_no_drafts(client, district):
    make_course(district, title="Interkulturelle Kompetenz")
    make_course(district, title="Entwurf: Traumasensible Begleitung", status=S.DRAFT)
    make_course(district, title="Rolle im Ehrenamt", status=S.COMPLETED, starts_in=timedelta(days=-30))
    make_course(
        district, title="Anmeldeschluss vorbei", registration_closes=timezone.now() - timedelta(hours=1)
    )

    response = catalogue(client, past="on")

    assert sorted(titles(response)) == [
        "Anmeldeschluss vorbei",
        "Interkulturelle Kompetenz",
        "Rolle im Ehrenamt",
    ]
    assert "abgeschlossen" in response.content.decode()


def test_catalogue_shows_free_seats(client, district):
    course = make_course(district, title="Deutsch unterrichten im Ehrenamt", capacity=12)
    fill(course, registered=3)

    html = catalogue(client).content.decode()

    assert "9 von 12 Plätzen frei" in html


def test_catalogue_shows_full_course_with_waiting_list_length(client, district):
    course = make_course(district, title="Begleitung zu Behörden", capacity=2)
    fill(course, registered=2, waiting=3)

    response = catalogue(client)
    html = response.content.decode()

    assert "ausgebucht – Warteliste: 3 Personen" in html
    [listed] = response.context["courses"]
    assert (listed.seats_taken_count, listed.waitlist_count, listed.free_seats) == (2, 3, 0)


def test_catalogue_counts_offers_as_taken_seats_and_ignores_cancellations(client, district):
    course = make_course(district, capacity=2)
    first, _second, waiting = fill(course, registered=2, waiting=1)
    services.cancel_registration(by=first.volunteer.user, registration=first)  # offers the seat on

    [listed] = catalogue(client).context["courses"]

    assert Registration.objects.get(pk=waiting.pk).status == R.OFFERED
    assert (listed.seats_taken_count, listed.waitlist_count, listed.free_seats) == (2, 0, 0)


def test_catalogue_shows_deadline_dates_place_and_units(client, district, unna):
    course = make_course(
        district,
        title="Flucht und Trauma",
        municipality=unna,
        location_name="Kreishaus Unna, Raum 1.04",
        teaching_units=Decimal("7.5"),
    )
    first = timezone.localtime(course.sessions.order_by("start").first().start)

    html = catalogue(client).content.decode()

    assert "Kreishaus Unna, Raum 1.04, Unna" in html
    assert "7,5 Unterrichtseinheiten" in html
    assert first.strftime("%d.%m.%Y, %H:%M") in html
    assert timezone.localtime(course.registration_closes).strftime("%d.%m.%Y, %H:%M") in html


# --- catalogue: filters -----------------------------------------------------------


def test_catalogue_filters_by_topic(client, district):
    make_course(district, title="Asylrecht kompakt", topic="Asyl- und Aufenthaltsrecht")
    make_course(district, title="Kultursensibel begleiten", topic="Interkulturelle Kompetenz")

    response = catalogue(client, topic="Interkulturelle Kompetenz")

    assert titles(response) == ["Kultursensibel begleiten"]
    choices = [value for value, _label in response.context["form"].fields["topic"].choices]
    assert choices == ["", "Asyl- und Aufenthaltsrecht", "Interkulturelle Kompetenz"]


def test_catalogue_filters_by_municipality_and_language(client, district, unna, luenen, arabic, german):
    make_course(district, title="Sprachmittlung in Unna", municipality=unna, language=arabic)
    make_course(district, title="Sprachmittlung in Lünen", municipality=luenen, language=arabic)
    make_course(district, title="Behördengänge in Lünen", municipality=luenen, language=german)

    assert titles(catalogue(client, municipality="luenen")) == [
        "Behördengänge in Lünen",
        "Sprachmittlung in Lünen",
    ]
    assert titles(catalogue(client, language="ar")) == ["Sprachmittlung in Lünen", "Sprachmittlung in Unna"]
    assert titles(catalogue(client, municipality="luenen", language="ar")) == ["Sprachmittlung in Lünen"]


def test_catalogue_filters_by_date_of_first_session(client, district):
    make_course(district, title="Bald", starts_in=timedelta(days=10))
    make_course(district, title="Später", starts_in=timedelta(days=40))
    make_course(district, title="Viel später", starts_in=timedelta(days=80))
    today = timezone.localdate()

    response = catalogue(
        client,
        starts_from=(today + timedelta(days=20)).isoformat(),
        starts_until=(today + timedelta(days=60)).isoformat(),
    )
    assert titles(response) == ["Später"]
    # The second session of "Bald" (day 17) does not count; only the first does.
    assert titles(catalogue(client, starts_from=(today + timedelta(days=15)).isoformat())) == [
        "Später",
        "Viel später",
    ]


def test_catalogue_lists_courses_by_first_session(client, district):
    make_course(district, title="Zweiter", starts_in=timedelta(days=30))
    make_course(district, title="Erster", starts_in=timedelta(days=10))

    assert titles(catalogue(client)) == ["Erster", "Zweiter"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"starts_from": "nächste Woche"}, "starts_from"),
        ({"starts_from": "2026-05-01", "starts_until": "2026-04-01"}, "starts_until"),
        ({"municipality": "atlantis"}, "municipality"),
        ({"language": "xx"}, "language"),
    ],
)
def test_catalogue_rejects_bad_filters_with_a_message(client, district, params, field):
    make_course(district)

    response = catalogue(client, **params)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Der Filter konnte nicht angewendet werden" in response.content.decode()


def test_catalogue_does_not_offer_municipalities_of_other_districts(client, district, unna, other_district):
    response = catalogue(client, municipality="marl")

    assert response.status_code == 400


def _make_full_catalogue(district, unna, count: int) -> None:
    for number in range(count):
        course = make_course(district, title=f"Kurs {number:02d}", municipality=unna, capacity=2, sessions=3)
        fill(course, registered=2 if number % 2 else 1, waiting=1 if number % 2 else 0)


@pytest.mark.parametrize("count", [3, 25])
def test_catalogue_query_count_does_not_grow_with_courses(
    client, district, unna, count, django_assert_max_num_queries
):
    _make_full_catalogue(district, unna, count)

    with django_assert_max_num_queries(8):
        response = catalogue(client)

    assert response.status_code == 200
    assert len(response.context["courses"]) == count


@pytest.mark.parametrize("count", [3, 25])
def test_catalogue_query_count_with_all_filters(
    client, district, unna, arabic, count, django_assert_max_num_queries
):
    _make_full_catalogue(district, unna, count)
    Course.objects.update(language=arabic)

    with django_assert_max_num_queries(10):
        response = catalogue(
            client,
            municipality="unna",
            language="ar",
            topic="Asyl- und Aufenthaltsrecht",
            starts_from=date.today().isoformat(),
            past="on",
        )

    assert len(response.context["courses"]) == count


# --- course detail ----------------------------------------------------------------


def detail(client, course):
    return client.get(reverse("volunteers:course_detail", kwargs={"pk": course.pk}))


def test_draft_course_is_404_for_visitors_volunteers_and_trainers(client, district, volunteer, trainer):
    course = make_course(district, status=S.DRAFT, trainers=[trainer])

    assert detail(client, course).status_code == 404
    client.force_login(volunteer)
    assert detail(client, course).status_code == 404
    client.force_login(trainer)
    assert detail(client, course).status_code == 404


def test_draft_course_is_visible_to_ki_staff_of_its_district(client, district, ki_staff, other_district):
    course = make_course(district, status=S.DRAFT)
    foreign = make_course(other_district, status=S.DRAFT)
    client.force_login(ki_staff)

    response = detail(client, course)

    assert response.status_code == 200
    assert "Entwurf" in response.content.decode()
    assert detail(client, foreign).status_code == 404


def test_course_of_another_district_is_public(client, other_district):
    course = make_course(other_district, title="Kurs in Recklinghausen")

    assert detail(client, course).status_code == 200


def test_missing_course_is_404(client, db):
    assert client.get(reverse("volunteers:course_detail", kwargs={"pk": 999999})).status_code == 404


def test_detail_shows_all_course_information(client, district, unna, trainer, german):
    programme = FundingProgramme.objects.create(name="KOMM-AN NRW, Programmteil II", code="komm-an-test")
    block = BuildingBlock.objects.create(programme=programme, code="D", name="Qualifizierung")
    qualification = Qualification.objects.create(
        district=district, name="Grundqualifizierung Ehrenamt", slug="grundqualifizierung"
    )
    course = make_course(
        district,
        title="Grundlagen Asyl- und Aufenthaltsrecht",
        description="Was Ehrenamtliche über das Asylverfahren wissen sollten.",
        municipality=unna,
        location_name="Kreishaus Unna",
        address="Friedrich-Ebert-Straße 17, 59425 Unna",
        language=german,
        trainers=[trainer],
        funding_programme=programme,
        building_block=block,
        qualification=qualification,
        min_attendance_percent=75,
        sessions=3,
    )

    html = detail(client, course).content.decode()

    for text in [
        "Was Ehrenamtliche über das Asylverfahren wissen sollten.",
        "Friedrich-Ebert-Straße 17, 59425 Unna",
        "Nguyễn Thị Lan",
        "KOMM-AN NRW, Programmteil II",
        "D: Qualifizierung",
        "Grundqualifizierung Ehrenamt",
        "ab 75 % Anwesenheit",
        "Deutsch",
        "6 Unterrichtseinheiten",
        "20 von 20 Plätzen frei",
    ]:
        assert text in html, text
    for session in course.sessions.all():
        assert timezone.localtime(session.start).strftime("%d.%m.%Y, %H:%M") in html


def test_visitor_sees_login_and_signup_hint_instead_of_button(client, district):
    course = make_course(district)

    html = detail(client, course).content.decode()

    assert reverse("volunteers:signup") in html
    assert f"{reverse('accounts:login')}?next=%2Fkurse%2F{course.pk}%2F" in html
    assert "Verbindlich zum Kurs anmelden" not in html


def test_volunteer_sees_register_button(client, district, volunteer):
    course = make_course(district)
    client.force_login(volunteer)

    html = detail(client, course).content.decode()

    assert "Verbindlich zum Kurs anmelden" in html
    assert reverse("volunteers:register", kwargs={"pk": course.pk}) in html


def test_full_course_offers_the_waiting_list(client, district, volunteer):
    course = make_course(district, capacity=1)
    fill(course, registered=1)
    client.force_login(volunteer)

    html = detail(client, course).content.decode()

    assert "Auf die Warteliste" in html
    assert "Verbindlich zum Kurs anmelden" not in html
    assert "ausgebucht – Warteliste: 0 Personen" in html


def test_registered_volunteer_sees_cancel_button(client, district, volunteer):
    course = make_course(district)
    registration = services.register_for_course(volunteer=volunteer.volunteer, course=course)
    client.force_login(volunteer)

    html = detail(client, course).content.decode()

    assert "Vom Kurs abmelden" in html
    assert reverse("volunteers:cancel", kwargs={"pk": registration.pk}) in html
    assert "Verbindlich zum Kurs anmelden" not in html


def test_waitlisted_volunteer_sees_current_place(client, district, volunteer):
    course = make_course(district, capacity=1)
    _first, leaving = fill(course, registered=1, waiting=1)
    services.register_for_course(volunteer=volunteer.volunteer, course=course)
    services.cancel_registration(by=leaving.volunteer.user, registration=leaving)
    client.force_login(volunteer)

    html = detail(client, course).content.decode()

    # Stored sequence number 2, but nobody waits ahead any more.
    assert "Sie stehen auf Platz 1 der Warteliste" in html
    assert "Von der Warteliste abmelden" in html


def test_offered_volunteer_sees_accept_and_decline_with_expiry(client, district, volunteer):
    course = make_course(district, capacity=1)
    [first] = fill(course, registered=1)
    mine = services.register_for_course(volunteer=volunteer.volunteer, course=course)
    services.cancel_registration(by=first.volunteer.user, registration=first)
    mine.refresh_from_db()
    client.force_login(volunteer)

    html = detail(client, course).content.decode()

    assert mine.status == R.OFFERED
    assert "Platz annehmen" in html
    assert "Ablehnen" in html
    assert reverse("volunteers:accept_offer", kwargs={"pk": mine.pk}) in html
    assert reverse("volunteers:decline_offer", kwargs={"pk": mine.pk}) in html
    assert timezone.localtime(mine.offer_expires_at).strftime("%d.%m.%Y, %H:%M") in html


def test_cancelled_course_is_clearly_marked_and_has_no_register_button(client, district, volunteer):
    course = make_course(district, status=S.CANCELLED)
    client.force_login(volunteer)

    html = detail(client, course).content.decode()

    assert "Dieser Kurs wurde abgesagt" in html
    assert "Verbindlich zum Kurs anmelden" not in html
    assert "Auf die Warteliste" not in html


def test_user_without_volunteer_profile_gets_hint(client, district, contact_unna):
    course = make_course(district)
    client.force_login(contact_unna)

    html = detail(client, course).content.decode()

    assert "Profil als Ehrenamtliche*r" in html
    assert "Verbindlich zum Kurs anmelden" not in html


def test_volunteer_of_another_district_cannot_register_here(client, other_district, volunteer):
    course = make_course(other_district)
    client.force_login(volunteer)

    html = detail(client, course).content.decode()

    assert "anderen Kreis" in html
    assert "Verbindlich zum Kurs anmelden" not in html


def test_closed_registration_shows_reason(client, district, volunteer):
    course = make_course(district, registration_closes=timezone.now() - timedelta(minutes=5))
    client.force_login(volunteer)

    html = detail(client, course).content.decode()

    assert "Der Anmeldeschluss ist vorbei." in html
    assert "Verbindlich zum Kurs anmelden" not in html
