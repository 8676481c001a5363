"""Consultation screens end to end through the views: draft, PDF, comments and answers kept per
municipality, positions with bad input, tracking table, adoption and the public page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from concept import services_consultation as services
from concept.models import ConceptVersion, ConsultationComment, MunicipalityPosition
from concept.tests.factories import (
    ConceptVersionFactory,
    GoalFactory,
    GoalIndicatorFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    PillarFieldFactory,
)

TODAY = timezone.localdate()


@pytest.fixture
def version(district, ki_staff, unna, luenen, contact_unna, contact_luenen):
    version = ConceptVersionFactory(
        concept__district=district, title="Integrationskonzept Kreis Unna 2026–2030"
    )
    pillar_field = PillarFieldFactory(pillar__version=version, pillar__title="Integration durch Bildung")
    goal = GoalFactory(
        version=version,
        field_of_action=pillar_field.field_of_action,
        title="Mehr Kita-Kinder mit Sprachförderung",
    )
    indicator = IndicatorFactory(district=district, name="Kinder mit anderer Familiensprache in der Kita")
    GoalIndicatorFactory(goal=goal, indicator=indicator, target_value=Decimal("60"), target_year=2030)
    return services.open_consultation(
        by=ki_staff, version=version, deadline=TODAY + datetime.timedelta(days=21)
    )


def page(client, user, url, **post):
    client.force_login(user)
    return client.post(url, post) if post else client.get(url)


def municipality_url(version, slug, name="concept:consultation_municipality"):
    return reverse(name, kwargs={"pk": version.pk, "slug": slug})


def test_contact_reads_the_draft_on_screen_and_as_tagged_pdf(client, version, contact_unna):
    response = page(client, contact_unna, reverse("concept:draft", kwargs={"pk": version.pk}))
    html = response.content.decode()
    assert "Integration durch Bildung" in html
    assert "Mehr Kita-Kinder mit Sprachförderung" in html
    assert "Kinder mit anderer Familiensprache in der Kita" in html
    assert "60 (2030)" in html
    assert municipality_url(version, "unna") in html

    response = client.get(reverse("concept:draft_pdf", kwargs={"pk": version.pk}))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Mehr Kita-Kinder mit Sprachförderung" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers (PDF/UA)


def test_answers_are_visible_to_the_commenting_municipality_only(
    client, version, contact_unna, contact_luenen, ki_staff
):
    goal = version.goals.get()
    page(client, contact_unna, municipality_url(version, "unna", "concept:consultation_comment"),
         subject=f"goal-{goal.pk}", text="Bitte Zielwert auf 70 % anheben.")  # fmt: skip
    comment = ConsultationComment.objects.get()
    assert (comment.municipality.slug, comment.goal, comment.author) == ("unna", goal, contact_unna)
    page(
        client,
        ki_staff,
        reverse("concept:consultation_answer", kwargs={"pk": comment.pk}),
        text="Wir prüfen das.",
    )

    unna_page = page(client, contact_unna, municipality_url(version, "unna")).content.decode()
    assert "Bitte Zielwert auf 70 % anheben." in unna_page and "Wir prüfen das." in unna_page

    luenen_page = page(client, contact_luenen, municipality_url(version, "luenen")).content.decode()
    assert "Bitte Zielwert" not in luenen_page and "Wir prüfen das." not in luenen_page
    assert page(client, contact_luenen, municipality_url(version, "unna")).status_code == 404


def test_objection_without_reasons_is_refused_with_a_german_message(client, version, contact_unna):
    response = page(client, contact_unna, municipality_url(version, "unna", "concept:consultation_position"),
                    position="objection", reasons="")  # fmt: skip
    assert response.status_code == 200
    assert (
        "Bitte begründen Sie einen Widerspruch oder nennen Sie Ihre Anmerkungen." in response.content.decode()
    )
    assert not MunicipalityPosition.objects.exists()


def test_contact_of_another_municipality_cannot_post_for_unna(client, version, contact_luenen):
    for name, data in [
        ("concept:consultation_position", {"position": "agreed"}),
        ("concept:consultation_comment", {"text": "Fremd"}),
        ("concept:consultation_mark_read", {}),
    ]:
        client.force_login(contact_luenen)
        assert client.post(municipality_url(version, "unna", name), data).status_code == 404
    assert not MunicipalityPosition.objects.exists() and not ConsultationComment.objects.exists()
    assert not version.read_receipts.exists()


def test_tracking_table_shows_read_comments_and_position(client, version, contact_unna, ki_staff):
    page(client, contact_unna, municipality_url(version, "unna", "concept:consultation_mark_read"), x="1")
    page(
        client,
        contact_unna,
        municipality_url(version, "unna", "concept:consultation_comment"),
        text="Gut so.",
    )
    page(client, contact_unna, municipality_url(version, "unna", "concept:consultation_position"),
         position="agreed_with_remarks", reasons="Sprachkurse am Abend ergänzen.")  # fmt: skip
    response = page(client, ki_staff, reverse("concept:consultation_tracking", kwargs={"pk": version.pk}))
    rows = {row.name: row for row in response.context["rows"]}
    assert rows["Unna"].has_read and rows["Unna"].comment_count == 1
    assert rows["Unna"].position_value == "agreed_with_remarks"
    assert not rows["Lünen"].has_read and rows["Lünen"].position_value is None
    html = response.content.decode()
    assert "Einvernehmen mit Anmerkungen" in html and "noch offen" in html


def test_tracking_table_needs_a_constant_number_of_queries(
    client, version, ki_staff, district, django_assert_max_num_queries
):
    from municipalities.tests.factories import MunicipalityFactory

    for number in range(8):
        MunicipalityFactory(district=district, name=f"Gemeinde {number}", slug=f"gemeinde-{number}",
                            ags=f"0597810{number}")  # fmt: skip
    client.force_login(ki_staff)
    with django_assert_max_num_queries(20):
        assert (
            client.get(reverse("concept:consultation_tracking", kwargs={"pk": version.pk})).status_code == 200
        )


def test_public_page_shows_the_adopted_concept_without_internal_comments(
    client, version, contact_unna, ki_staff, district
):
    services.add_comment(by=contact_unna, version=version, municipality=version.concept.district.municipalities.get(slug="unna"),
                         text="Interne Anmerkung aus Unna")  # fmt: skip
    services.declare_position(
        by=contact_unna,
        version=version,
        municipality=district.municipalities.get(slug="unna"),
        position="objection",
        reasons="Vertrauliche Begründung",
    )
    indicator = version.goals.get().targets.get().indicator
    IndicatorValueFactory(
        indicator=indicator, municipality=None, year=2025, value=Decimal("41.5"), is_demo=True
    )
    client.force_login(ki_staff)
    response = client.post(
        reverse("concept:adopt", kwargs={"pk": version.pk}),
        {"adopted_on": TODAY.isoformat(), "body": "Kreistag", "drucksache": "DS 2026/117"},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == ConceptVersion.Status.ADOPTED

    client.logout()
    html = client.get(reverse("concept:public", kwargs={"district": district.slug})).content.decode()
    assert "Mehr Kita-Kinder mit Sprachförderung" in html and "DS 2026/117" in html
    assert "41,50 (2025, amtliche Statistik) – Demodaten" in html
    assert "Interne Anmerkung" not in html and "Vertrauliche Begründung" not in html

    pdf = client.get(reverse("concept:public_pdf", kwargs={"district": district.slug}))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Mehr Kita-Kinder" in text and "Interne Anmerkung" not in text and "Vertrauliche" not in text


def test_public_page_of_a_district_without_adopted_concept_is_not_found(client, version, district):
    assert client.get(reverse("concept:public", kwargs={"district": district.slug})).status_code == 404


def test_adoption_form_names_the_goals_without_target(client, version, ki_staff):
    GoalFactory(version=version, title="Mehr Ehrenamtliche mit Einwanderungsgeschichte")
    client.force_login(ki_staff)
    response = client.post(
        reverse("concept:adopt", kwargs={"pk": version.pk}),
        {"adopted_on": TODAY.isoformat(), "body": "Kreistag", "drucksache": "DS 1"},
    )
    assert response.status_code == 200
    assert "„Mehr Ehrenamtliche mit Einwanderungsgeschichte“" in response.content.decode()
    version.refresh_from_db()
    assert version.status == ConceptVersion.Status.CONSULTATION


def test_start_pages_link_the_consultation(client, version, ki_staff, contact_unna):
    client.force_login(ki_staff)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("concept:consultation_tracking", kwargs={"pk": version.pk}) in html
    client.force_login(contact_unna)
    html = client.get(reverse("municipalities:home", kwargs={"slug": "unna"})).content.decode()
    assert municipality_url(version, "unna") in html
    assert 'href="' + reverse("concept:consultation_tracking", kwargs={"pk": version.pk}) + '"' not in html


def test_public_page_shows_the_portals_own_counts_apart_from_official_statistics(
    client, version, district, unna, luenen
):
    from volunteers.models import Volunteer
    from volunteers.tests.factories import make_volunteer

    indicator = IndicatorFactory(
        district=district,
        name="Neuzugewanderte, die Ehrenamtliche wurden",
        unit="Personen",
        is_percent=False,
        source="portal",
        portal_key="newcomers_volunteering",
        source_name="",
    )
    GoalIndicatorFactory(goal=version.goals.get(), indicator=indicator, target_value=Decimal("40"))
    make_volunteer(district, municipality=unna, came_as_newcomer=True, full_name="Amina Yusuf")
    make_volunteer(district, municipality=luenen, came_as_newcomer=True, full_name="Dmytro Kovalenko")
    make_volunteer(district, municipality=luenen, came_as_newcomer=False, full_name="Jana Becker")
    make_volunteer(district, municipality=unna, came_as_newcomer=True, consent=False, full_name="Ali Rahimi")
    year = timezone.localdate().year
    Volunteer.objects.update(created_at=datetime.datetime(year - 1, 6, 1, tzinfo=datetime.UTC))
    # This year's count is still growing: the public page shows the last completed year only.
    make_volunteer(district, municipality=unna, came_as_newcomer=True, full_name="Olena Shevchenko")
    ConceptVersion.objects.filter(pk=version.pk).update(
        status=ConceptVersion.Status.ADOPTED,
        adopted_on=TODAY,
        adopted_by_body="Kreistag",
        drucksache="DS 1",
        period_start=year - 1,
    )

    html = client.get(reverse("concept:public", kwargs={"district": district.slug})).content.decode()
    assert f"2 ({year - 1}, eigene Zählung des Portals, keine amtliche Statistik)" in html
    assert f"({year}, eigene Zählung des Portals" not in html
    # the official indicator keeps its own label and says it has no value yet
    assert "noch kein Wert" in html
