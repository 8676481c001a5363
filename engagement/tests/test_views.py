"""The screens: registration with opt-in, the application form's German messages, staff decisions."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from outbox.models import OutboxMail
from volunteers.models import Course

from ..models import Application, Organisation
from .factories import (
    YEAR,
    cost_type,
    make_application,
    make_budget,
    make_organisation,
    member_of,
    successor_programme,
)

pytestmark = pytest.mark.django_db


def form_data(unna, **overrides):
    programme = successor_programme()
    data = {
        "measure_area": programme.building_blocks.get(code="5").pk,
        "title": "Demokratiewerkstatt für Jugendliche",
        "description": "Workshops mit Ehrenamtlichen aus Migrantenorganisationen.",
        "municipalities": [unna.pk],
        "starts_on": f"{YEAR}-05-01",
        "ends_on": f"{YEAR}-09-30",
        "expected_volunteers": "5",
        "expected_newcomers": "40",
        "requested_amount": "1000.00",
        "kosten-TOTAL_FORMS": "3",
        "kosten-INITIAL_FORMS": "0",
        "kosten-MIN_NUM_FORMS": "0",
        "kosten-MAX_NUM_FORMS": "20",
        "kosten-0-cost_type": cost_type("honorare").pk,
        "kosten-0-amount": "600.00",
        "kosten-1-cost_type": cost_type("miete").pk,
        "kosten-1-amount": "400.00",
    }
    data.update(overrides)
    return data


def test_organisation_registers_confirms_by_button_and_is_confirmed_by_the_ki(
    client, district, unna, ki_staff
):
    response = client.post(
        reverse("engagement:signup"),
        {
            "name": "Eritreische Gemeinde Lünen",
            "legal_form": "ev",
            "street": "Kurt-Schumacher-Str. 3",
            "postcode": "44532",
            "town": "Lünen",
            "full_name": "Senait Tesfaye",
            "email": "senait@gemeinde.example",
            "phone": "0231 555",
            "password1": "sehr-geheim-2026!",
            "password2": "sehr-geheim-2026!",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("engagement:signup_done")
    mail = OutboxMail.objects.get(template="engagement_confirm_email")
    confirm_path = next(line for line in mail.text_body.splitlines() if "/initiativen/bestaetigen/" in line)
    confirm_path = confirm_path[confirm_path.index("/initiativen/") :]

    page = client.get(confirm_path)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and "E-Mail-Adresse bestätigen" in page.content.decode()
    assert Organisation.objects.get().status == Organisation.Status.UNCONFIRMED

    response = client.post(confirm_path)
    assert response["Location"] == reverse("engagement:home")
    home = client.get(reverse("engagement:home")).content.decode()
    assert "Eritreische Gemeinde Lünen" in home and "prüft Ihre Registrierung" in home
    assert client.get(reverse("engagement:application_create")).status_code == 302  # not yet confirmed

    client.force_login(ki_staff)
    organisation = Organisation.objects.get()
    assert "Senait Tesfaye" in client.get(reverse("engagement:organisations")).content.decode()
    client.post(reverse("engagement:organisation_confirm", kwargs={"pk": organisation.pk}))
    organisation.refresh_from_db()
    assert organisation.is_confirmed
    assert User.objects.get(email="senait@gemeinde.example").is_active


def test_application_form_saves_a_draft_and_the_applicant_submits_it(client, district, unna):
    organisation = make_organisation(district)
    client.force_login(member_of(organisation))
    response = client.post(reverse("engagement:application_create"), form_data(unna))
    application = Application.objects.get()
    assert response["Location"] == application.get_absolute_url()
    assert application.status == Application.Status.DRAFT
    assert sorted(application.cost_items.values_list("amount", flat=True)) == [
        Decimal("400.00"),
        Decimal("600.00"),
    ]

    client.post(reverse("engagement:application_submit", kwargs={"pk": application.pk}))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    detail = client.get(application.get_absolute_url()).content.decode()
    assert "eingereicht" in detail and "Ehrenamt im Kontext (Integration und) Prävention" in detail


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"requested_amount": "900.00"}, "muss der Summe des Kostenplans (1.000,00 €) entsprechen"),
        (
            {"requested_amount": "2600.00", "kosten-0-amount": "2200.00"},
            "Je Antragsteller und Jahr sind höchstens 2.000,00 € möglich.",
        ),
        ({"starts_on": "2029-01-10", "ends_on": "2029-02-10"}, "Laufzeit des Programms"),
        ({"kosten-0-cost_type": "personal"}, "Diese Kostenart ist in diesem Programm nicht förderfähig."),
    ],
)
def test_application_form_shows_the_rule_in_german_next_to_the_field(
    client, district, unna, overrides, message
):
    organisation = make_organisation(district)
    client.force_login(member_of(organisation))
    if overrides.get("kosten-0-cost_type") == "personal":
        overrides["kosten-0-cost_type"] = cost_type("personal").pk
    response = client.post(reverse("engagement:application_create"), form_data(unna, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Application.objects.exists()


def test_ki_records_the_advice_meeting_and_approves_on_the_screens(client, district, ki_staff):
    make_budget(district)
    application = make_application(make_organisation(district))
    client.force_login(ki_staff)
    decide_url = reverse("engagement:decide", kwargs={"pk": application.pk})

    response = client.post(decide_url, {"decision": "approve", "amount": "1000.00"})
    assert "Vor der Entscheidung muss ein Beratungsgespräch erfasst sein." in response.content.decode()

    response = client.post(
        reverse("engagement:advice_meeting", kwargs={"pk": application.pk}),
        {"held_on": date(YEAR, 2, 3).isoformat(), "notes": "Kostenplan und Zielgruppen besprochen"},
    )
    assert response.status_code == 302
    response = client.post(decide_url, {"decision": "approve", "amount": "1000.00"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    budget = client.get(reverse("engagement:budget") + f"?jahr={YEAR}").content.decode()
    assert "1.000,00 €" in budget and "57.000,00 €" in budget


def test_applications_list_needs_the_same_queries_for_many_rows(
    client, district, ki_staff, django_assert_max_num_queries
):
    organisation = make_organisation(district)
    for number in range(12):
        make_application(organisation, title=f"Vorhaben {number}")
    client.force_login(ki_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("engagement:applications"))
    assert response.content.decode().count("Vorhaben ") == 12


def test_course_page_names_its_programme_and_measure_area_without_placeholder_labels(client, district):
    from volunteers.tests.factories import make_course

    programme = successor_programme()
    course = make_course(district, title="Grundkurs Sprachmittlung", status=Course.Status.PUBLISHED)
    course.funding_programme = programme
    course.building_block = programme.building_blocks.get(code="3")
    course.save()
    page = client.get(course.get_absolute_url()).content.decode()
    assert (
        "Ehrenamt im Kontext (Integration und) Prävention, Maßnahmenbereich 3: "
        "Maßnahmen zur Informations- und Wissensvermittlung" in page
    )
    assert "Beispiel" not in page


def test_invalid_confirmation_link_says_so_and_offers_a_new_registration(client, district):
    response = client.get(reverse("engagement:confirm_email", kwargs={"token": "1.2:kaputt"}))
    page = response.content.decode()
    assert "Dieser Bestätigungslink funktioniert nicht" in page
    assert reverse("engagement:signup") in page


def test_registration_page_is_translated_to_english(client, district, settings):
    # The locale middleware activates English for the thread; override() restores German afterwards,
    # so later tests do not see English messages.
    with translation.override(settings.LANGUAGE_CODE):
        response = client.get(reverse("engagement:signup"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Register an initiative" in page
    assert "We ask for bank details and contract data only once an application is approved." in page
