"""Registering, cancelling and answering offers through the views; my courses; certificate check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from volunteers import services
from volunteers.models import Course, Qualification, Registration, VolunteerQualification
from volunteers.tests.factories import make_course, make_volunteer

S = Course.Status
R = Registration.Status


def register(client, course):
    return client.post(reverse("volunteers:register", kwargs={"pk": course.pk}))


def post(client, name, registration):
    return client.post(reverse(f"volunteers:{name}", kwargs={"pk": registration.pk}))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def other_volunteer(district, **fields):
    return make_volunteer(district, **fields)


def take_seats(course, count):
    return [
        services.register_for_course(volunteer=other_volunteer(course.district), course=course)
        for _ in range(count)
    ]


def status_of(registration) -> str:
    return Registration.objects.get(pk=registration.pk).status


# --- register -----------------------------------------------------------------------


def test_volunteer_registers_for_a_course(client, district, volunteer):
    course = make_course(district, capacity=5)
    client.force_login(volunteer)

    response = register(client, course)

    assert response.status_code == 302
    assert response["Location"] == course.get_absolute_url()
    registration = Registration.objects.get(course=course, volunteer=volunteer.volunteer)
    assert registration.status == R.REGISTERED
    assert any("Sie sind angemeldet" in text for text in messages_of(response))


def test_registration_confirmation_mail_goes_out_after_commit(
    client, district, volunteer, django_capture_on_commit_callbacks
):
    course = make_course(district, title="Interkulturelle Kompetenz")
    client.force_login(volunteer)

    with django_capture_on_commit_callbacks(execute=True):
        register(client, course)

    [message] = mail.outbox
    assert message.to == ["ehrenamt-test@example.org"]
    assert "Interkulturelle Kompetenz" in message.subject + message.body


def test_confirmation_mail_is_signed_by_and_answered_to_the_courses_district(
    client, district, volunteer, django_capture_on_commit_callbacks
):
    # The view gives the course the district row read with the volunteer (the same district).
    district.ki_name = "Kommunales Integrationszentrum Testkreis"
    district.ki_email = "ki@testkreis.example.org"
    district.save()
    course = make_course(district)
    client.force_login(volunteer)

    with django_capture_on_commit_callbacks(execute=True):
        register(client, course)

    [message] = mail.outbox
    assert message.reply_to == ["ki@testkreis.example.org"]
    assert "Kommunales Integrationszentrum Testkreis" in message.body


def test_registering_for_a_course_that_does_not_exist_is_not_found(client, volunteer):
    client.force_login(volunteer)

    assert client.post(reverse("volunteers:register", kwargs={"pk": 987654})).status_code == 404
    assert not Registration.objects.exists()


def test_full_course_puts_volunteer_on_the_waiting_list_with_place(client, district, volunteer):
    course = make_course(district, capacity=1)
    take_seats(course, 3)  # one seat, two waiting
    client.force_login(volunteer)

    response = register(client, course)

    registration = Registration.objects.get(course=course, volunteer=volunteer.volunteer)
    assert registration.status == R.WAITLISTED
    assert any("Sie stehen auf Platz 3 der Warteliste" in text for text in messages_of(response))


def test_registering_twice_changes_nothing(client, district, volunteer):
    course = make_course(district)
    client.force_login(volunteer)
    register(client, course)

    response = register(client, course)

    assert response.status_code == 302
    assert Registration.objects.filter(course=course).count() == 1
    assert "Sie sind für diesen Kurs bereits angemeldet." in messages_of(response)


def test_registration_after_deadline_is_refused_with_message(client, district, volunteer):
    course = make_course(district, registration_closes=timezone.now() - timedelta(minutes=1))
    client.force_login(volunteer)

    response = register(client, course)

    assert response.status_code == 302
    assert response["Location"] == course.get_absolute_url()
    assert not Registration.objects.filter(course=course).exists()
    assert "Der Anmeldeschluss ist vorbei." in messages_of(response)


def test_registration_for_cancelled_course_is_refused_with_message(client, district, volunteer):
    course = make_course(district, status=S.CANCELLED)
    client.force_login(volunteer)

    response = register(client, course)

    assert not Registration.objects.filter(course=course).exists()
    assert any("keine Anmeldung möglich" in text for text in messages_of(response))


def test_registration_for_draft_is_404(client, district, volunteer):
    course = make_course(district, status=S.DRAFT)
    client.force_login(volunteer)

    assert register(client, course).status_code == 404
    assert not Registration.objects.exists()


def test_anonymous_registration_goes_to_login_and_back_to_the_course(client, district):
    course = make_course(district)

    response = register(client, course)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/kurse/{course.pk}/"
    assert not Registration.objects.exists()


def test_user_without_volunteer_profile_gets_403_with_hint(client, district, ki_staff):
    course = make_course(district)
    client.force_login(ki_staff)

    response = register(client, course)

    assert response.status_code == 403
    assert reverse("volunteers:signup") in response.content.decode()
    assert not Registration.objects.exists()


def test_register_refuses_get(client, district, volunteer):
    course = make_course(district)
    client.force_login(volunteer)

    assert client.get(reverse("volunteers:register", kwargs={"pk": course.pk})).status_code == 405
    assert not Registration.objects.exists()


def test_volunteer_of_another_district_is_refused(client, volunteer):
    from municipalities.tests.factories import DistrictFactory

    course = make_course(DistrictFactory(name="Kreis Recklinghausen", ags_prefix="05562"))
    client.force_login(volunteer)

    assert register(client, course).status_code == 403
    assert not Registration.objects.exists()


# --- cancel, offers ------------------------------------------------------------------


def test_cancelling_frees_the_seat_for_the_next_person_who_gets_an_email(
    client, district, volunteer, django_capture_on_commit_callbacks
):
    course = make_course(district, title="Flucht und Trauma", capacity=1)
    mine = services.register_for_course(volunteer=volunteer.volunteer, course=course)
    next_person = make_volunteer(district, email="ahmad@example.org", full_name="Ahmad Al-Hassan")
    third_person = make_volunteer(district, email="olga@example.org", full_name="Ольга Петрова")
    waiting = services.register_for_course(volunteer=next_person, course=course)
    still_waiting = services.register_for_course(volunteer=third_person, course=course)
    client.force_login(volunteer)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "cancel", mine)

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:my_courses")
    assert status_of(mine) == R.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == R.OFFERED
    assert waiting.offer_expires_at > timezone.now() + timedelta(hours=47)
    assert status_of(still_waiting) == R.WAITLISTED
    offer_mails = [m for m in mail.outbox if m.to == ["ahmad@example.org"]]
    [offer] = offer_mails
    assert offer.subject == "Ein Platz ist frei geworden: Flucht und Trauma"
    assert "Ahmad Al-Hassan" in offer.body
    assert "Platz annehmen" in offer.body
    assert "48 Stunden" in offer.body
    assert [m.to for m in mail.outbox if m.to != ["ahmad@example.org"]] == [["ehrenamt-test@example.org"]]
    assert any("abgemeldet" in text for text in messages_of(response))


def test_leaving_the_waiting_list(client, district, volunteer):
    course = make_course(district, capacity=1)
    take_seats(course, 1)
    mine = services.register_for_course(volunteer=volunteer.volunteer, course=course)
    client.force_login(volunteer)

    response = post(client, "cancel", mine)

    assert status_of(mine) == R.CANCELLED
    assert any("nicht mehr auf der Warteliste" in text for text in messages_of(response))


def test_cancelled_registration_cannot_be_cancelled_again(client, district, volunteer):
    course = make_course(district)
    mine = services.register_for_course(volunteer=volunteer.volunteer, course=course)
    client.force_login(volunteer)
    post(client, "cancel", mine)

    response = post(client, "cancel", mine)

    assert "Diese Anmeldung kann nicht mehr abgemeldet werden." in messages_of(response)


@pytest.fixture
def offered(district, volunteer):
    """The volunteer fixture holds an offer for the last seat of a course."""
    course = make_course(district, title="Begleitung zu Behörden", capacity=1)
    [holder] = take_seats(course, 1)
    mine = services.register_for_course(volunteer=volunteer.volunteer, course=course)
    services.cancel_registration(by=holder.volunteer.user, registration=holder)
    mine.refresh_from_db()
    assert mine.status == R.OFFERED
    return mine


def test_accepting_an_offer_through_the_view(client, volunteer, offered, django_capture_on_commit_callbacks):
    client.force_login(volunteer)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "accept_offer", offered)

    assert response.status_code == 302
    offered.refresh_from_db()
    assert (offered.status, offered.offer_expires_at) == (R.REGISTERED, None)
    assert any("Der Platz gehört Ihnen" in text for text in messages_of(response))
    assert [m.to for m in mail.outbox] == [["ehrenamt-test@example.org"]]


def test_expired_offer_cannot_be_accepted(client, volunteer, offered):
    Registration.objects.filter(pk=offered.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(volunteer)

    response = post(client, "accept_offer", offered)

    assert status_of(offered) == R.OFFERED  # the beat task moves it on
    assert any("abgelaufen" in text for text in messages_of(response))


def test_declining_an_offer_moves_the_seat_on(client, district, volunteer, offered):
    after_me = services.register_for_course(volunteer=other_volunteer(district), course=offered.course)
    client.force_login(volunteer)

    response = post(client, "decline_offer", offered)

    assert status_of(offered) == R.CANCELLED
    assert status_of(after_me) == R.OFFERED
    assert any("abgelehnt" in text for text in messages_of(response))


def test_accept_without_offer_is_a_message_not_a_change(client, district, volunteer):
    course = make_course(district)
    mine = services.register_for_course(volunteer=volunteer.volunteer, course=course)
    client.force_login(volunteer)

    response = post(client, "accept_offer", mine)

    assert status_of(mine) == R.REGISTERED
    assert "Für diese Anmeldung liegt kein Platzangebot vor." in messages_of(response)


@pytest.mark.parametrize("action", ["cancel", "accept_offer", "decline_offer"])
def test_someone_elses_registration_is_404_and_unchanged(client, district, volunteer, action):
    course = make_course(district, capacity=1)
    [holder] = take_seats(course, 1)
    offered_to_other = services.register_for_course(volunteer=other_volunteer(district), course=course)
    services.cancel_registration(by=holder.volunteer.user, registration=holder)
    offered_to_other.refresh_from_db()
    client.force_login(volunteer)

    response = post(client, action, offered_to_other)

    assert response.status_code == 404
    offered_to_other.refresh_from_db()
    assert offered_to_other.status == R.OFFERED


@pytest.mark.parametrize(
    ("action", "get_status"),
    # cancel: GET is the confirmation page; the offer answers are POST only
    [("cancel", 200), ("accept_offer", 405), ("decline_offer", 405)],
)
def test_actions_change_nothing_on_get_and_refuse_anonymous(client, volunteer, offered, action, get_status):
    url = reverse(f"volunteers:{action}", kwargs={"pk": offered.pk})

    anonymous = client.post(url)
    client.force_login(volunteer)
    as_get = client.get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"{reverse('accounts:login')}?next=/ehrenamt/"
    assert as_get.status_code == get_status
    assert status_of(offered) == R.OFFERED


@pytest.mark.parametrize("action", ["cancel", "accept_offer", "decline_offer"])
def test_actions_are_403_for_people_without_volunteer_profile(client, ki_staff, offered, action):
    client.force_login(ki_staff)

    assert post(client, action, offered).status_code == 403
    assert status_of(offered) == R.OFFERED


# --- my courses --------------------------------------------------------------------


def my_courses(client):
    return client.get(reverse("volunteers:my_courses"))


def test_my_courses_needs_login_and_a_volunteer_profile(client, trainer):
    anonymous = my_courses(client)
    client.force_login(trainer)
    without_profile = my_courses(client)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    assert without_profile.status_code == 403


def test_my_courses_shows_current_offers_history_qualifications_and_links(
    client, district, volunteer, ki_staff, offered
):
    me = volunteer.volunteer
    registered = services.register_for_course(
        volunteer=me, course=make_course(district, title="Interkulturelle Kompetenz")
    )
    full = make_course(district, title="Konflikte lösen", capacity=1)
    take_seats(full, 2)
    waitlisted = services.register_for_course(volunteer=me, course=full)
    gone = services.register_for_course(volunteer=me, course=make_course(district, title="Abgemeldeter Kurs"))
    services.cancel_registration(by=volunteer, registration=gone)
    done_course = make_course(district, title="Rolle und Grenzen im Ehrenamt", status=S.COMPLETED)
    attended = Registration.objects.create(
        course=done_course, volunteer=me, status=R.ATTENDED, certificate_code="A1B2C3D4E5"
    )
    missed = Registration.objects.create(
        course=make_course(district, title="Verpasster Kurs", status=S.COMPLETED),
        volunteer=me,
        status=R.NO_SHOW,
    )
    qualification = Qualification.objects.create(
        district=district, name="Grundqualifizierung Ehrenamt", slug="grundqualifizierung"
    )
    VolunteerQualification.objects.create(volunteer=me, qualification=qualification, course=done_course)
    someone_else = take_seats(make_course(district, title="Kurs anderer Leute"), 1)[0]
    client.force_login(volunteer)

    response = my_courses(client)
    html = response.content.decode()

    assert response.status_code == 200
    assert [r.pk for r in response.context["offers"]] == [offered.pk]
    assert {r.pk for r in response.context["current"]} == {registered.pk, waitlisted.pk}
    assert {r.pk for r in response.context["history"]} == {gone.pk, attended.pk, missed.pk}
    assert "Warteliste, Platz 2" in html
    assert reverse("volunteers:accept_offer", kwargs={"pk": offered.pk}) in html
    assert reverse("volunteers:decline_offer", kwargs={"pk": offered.pk}) in html
    assert timezone.localtime(offered.offer_expires_at).strftime("%d.%m.%Y, %H:%M") in html
    assert reverse("volunteers:cancel", kwargs={"pk": registered.pk}) in html
    assert reverse("volunteers:certificate", kwargs={"pk": attended.pk}) in html
    assert reverse("volunteers:certificate", kwargs={"pk": missed.pk}) not in html
    assert "Grundqualifizierung Ehrenamt" in html
    assert "nicht erschienen" in html
    # The own data is reached through its readable page, which offers the PDF and the JSON file.
    for name in ["profile", "own_data", "delete_account"]:
        assert reverse(f"volunteers:{name}") in html
    assert "Kurs anderer Leute" not in html
    assert reverse("volunteers:cancel", kwargs={"pk": someone_else.pk}) not in html


def test_my_courses_query_count_does_not_grow(client, district, volunteer, django_assert_max_num_queries):
    me = volunteer.volunteer
    for number in range(12):
        course = make_course(district, title=f"Kurs {number}", capacity=1, sessions=3)
        if number % 2:
            take_seats(course, 1)
        services.register_for_course(volunteer=me, course=course)
    client.force_login(volunteer)

    with django_assert_max_num_queries(9):
        response = my_courses(client)

    assert len(response.context["current"]) == 12


# --- certificate verification ----------------------------------------------------------


def verify(client, code):
    return client.get(reverse("volunteers:verify_certificate", kwargs={"code": code}))


@pytest.fixture
def certificate(district):
    volunteer = make_volunteer(district, full_name="Şengül Yıldız")
    course = make_course(district, title="Grundlagen Asyl- und Aufenthaltsrecht", status=S.COMPLETED)
    return Registration.objects.create(
        course=course, volunteer=volunteer, status=R.ATTENDED, certificate_code="9F3A0C71BE"
    )


def test_genuine_certificate_is_confirmed_case_insensitively(client, certificate):
    response = verify(client, "9f3a0c71be")
    html = response.content.decode()

    assert response.status_code == 200
    assert "Diese Teilnahmebescheinigung ist echt" in html
    assert "Şengül Yıldız" in html
    assert "Grundlagen Asyl- und Aufenthaltsrecht" in html
    assert "6 Unterrichtseinheiten" in html
    first = certificate.course.sessions.order_by("start").first()
    assert timezone.localtime(first.start).strftime("%d.%m.%Y") in html


def test_certificate_of_deleted_person_shows_no_name(client, certificate):
    volunteer = certificate.volunteer
    volunteer.anonymised_at = timezone.now()
    volunteer.save()

    html = verify(client, certificate.certificate_code).content.decode()

    assert "Gelöschte Person" in html
    assert "Şengül Yıldız" not in html


@pytest.mark.parametrize("code", ["0000000000", "9F3A0C71B", "<script>", "x" * 40])
def test_unknown_certificate_code_is_404_with_message(client, certificate, code):
    response = verify(client, code)

    assert response.status_code == 404
    assert "keine Teilnahmebescheinigung" in response.content.decode()
    assert "Şengül Yıldız" not in response.content.decode()


def test_code_of_a_registration_that_is_not_attended_is_404(client, certificate):
    Registration.objects.filter(pk=certificate.pk).update(status=R.NO_SHOW)

    assert verify(client, certificate.certificate_code).status_code == 404
