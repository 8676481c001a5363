"""Events that belong to a proof of use, and the year's factual reports as one tagged PDF."""

import io
import subprocess
import tempfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from events.models import Event
from events.tests.factories import berlin, make_event
from kreisintegration.tests.pdf_checks import assert_accessible_pdf, pdfinfo

from .. import services
from ..models import Application, PaymentRequest, ProofOfUse
from ..selectors import linkable_events
from .factories import (
    YEAR,
    cost_type,
    make_application,
    make_budget,
    make_contract,
    make_organisation,
    make_proof,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def grant(district, unna):
    organisation = make_organisation(district)
    return make_contract(
        make_application(organisation, status=Application.Status.APPROVED, municipalities=[unna])
    ).application


@pytest.fixture
def events(grant, unna, luenen, contact_unna, contact_luenen):
    published = Event.Status.APPROVED
    member = member_of(grant.organisation)
    made = {
        "published": make_event(by=contact_unna, municipality=unna, title="Sprachcafé im Mai",
                                start=berlin(YEAR, 5, 6, 16), status=published),
        "own_submitted": make_event(by=contact_unna, municipality=unna, title="Kochabend der Initiative",
                                    start=berlin(YEAR, 6, 3, 18), status=Event.Status.SUBMITTED),
        "foreign_submitted": make_event(by=contact_unna, municipality=unna, title="Fremder Entwurf",
                                        start=berlin(YEAR, 6, 4, 18), status=Event.Status.SUBMITTED),
        "other_town": make_event(by=contact_luenen, municipality=luenen, title="Lünener Fest",
                                 start=berlin(YEAR, 6, 5, 18), status=published),
        "before": make_event(by=contact_unna, municipality=unna, title="Vor dem Förderzeitraum",
                             start=berlin(YEAR, 2, 1, 18), status=published),
    }  # fmt: skip
    # entered by one of the organisation's members (through a municipality's contact account)
    Event.objects.filter(pk=made["own_submitted"].pk).update(created_by=member)
    return made


def proof_data(events_list):
    return services.ProofData(
        report="Acht Treffen.",
        volunteers_reached=4,
        newcomers_reached=20,
        newcomers_became_volunteers=1,
        receipts=[(date(YEAR, 5, 4), cost_type("material"), "Druckerei", "Flyer", Decimal("100"))],
        events=events_list,
    )


def test_only_events_of_the_grants_towns_period_and_own_or_public_are_linkable(grant, events):
    assert {event.title for event in linkable_events(grant)} == {
        "Sprachcafé im Mai",
        "Kochabend der Initiative",
    }


def test_the_organisation_links_its_events_and_foreign_ones_are_refused(grant, events):
    member = member_of(grant.organisation)
    with pytest.raises(ValidationError) as error:
        services.save_proof(
            by=member, application=grant, data=proof_data([events["published"], events["other_town"]])
        )
    assert "„Lünener Fest“ kann nicht verknüpft werden" in error.value.message_dict["events"][0]
    proof = services.save_proof(
        by=member, application=grant, data=proof_data([events["published"], events["own_submitted"]])
    )
    assert set(proof.events.values_list("title", flat=True)) == {
        "Sprachcafé im Mai",
        "Kochabend der Initiative",
    }


def test_the_edit_form_offers_only_linkable_events_and_ki_sees_them(client, grant, events, ki_staff):
    member = member_of(grant.organisation)
    client.force_login(member)
    url = reverse("engagement:proof_edit", kwargs={"pk": grant.pk})
    page = client.get(url).content.decode()
    assert "Sprachcafé im Mai" in page and "Kochabend der Initiative" in page
    assert "Fremder Entwurf" not in page and "Lünener Fest" not in page
    form = {
        "report": "Acht Treffen.", "volunteers_reached": "4", "newcomers_reached": "20",
        "newcomers_became_volunteers": "1", "events": [events["published"].pk],
        "belege-TOTAL_FORMS": "1", "belege-INITIAL_FORMS": "0",
        "belege-0-paid_on": f"{YEAR}-05-04", "belege-0-cost_type": cost_type("material").pk,
        "belege-0-payee": "Druckerei", "belege-0-purpose": "Flyer", "belege-0-amount": "100",
    }  # fmt: skip
    assert client.post(url, {**form, "events": [events["other_town"].pk]}).status_code == 200
    assert client.post(url, form).status_code == 302
    client.force_login(ki_staff)
    ProofOfUse.objects.filter(application=grant).update(status=ProofOfUse.Status.SUBMITTED)
    detail = client.get(reverse("engagement:proof_detail", kwargs={"pk": grant.pk})).content.decode()
    assert "06.05.2026: Sprachcafé im Mai (Unna)" in detail


def test_linked_events_are_listed_in_the_export(client, district, grant, events, ki_staff):
    proof = make_proof(grant, status=ProofOfUse.Status.ACCEPTED)
    proof.events.set([events["published"]])
    client.force_login(ki_staff)
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("engagement:budget_xlsx") + f"?jahr={YEAR}").content)
    )
    sheet = workbook.worksheets[3]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], row[2], row[4]) for row in rows] == [
        (grant.organisation.name, grant.title, "Sprachcafé im Mai", "Unna")
    ]


def pdftotext(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        return subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], check=True, capture_output=True, text=True, timeout=60
        ).stdout


def test_the_reports_pdf_is_tagged_and_holds_every_report_with_its_figures(client, district, unna, ki_staff):
    make_budget(district)
    cafe = make_organisation(district)
    verein = make_organisation(district, name="Deutsch-Syrischer Verein Kamen", full_name="Rama Khalil")
    first = make_contract(make_application(cafe, status=Application.Status.APPROVED)).application
    second = make_contract(
        make_application(
            verein, title="Demokratiewerkstatt", amount="800.00", status=Application.Status.APPROVED
        )
    ).application
    draft = make_contract(
        make_application(verein, title="Noch im Entwurf", status=Application.Status.APPROVED)
    ).application
    make_proof(first, status=ProofOfUse.Status.ACCEPTED)
    make_proof(second)
    ProofOfUse.objects.filter(application=second).update(
        report="Fünf Workshops zur Kommunalwahl.", volunteers_reached=9, newcomers_reached=44
    )
    make_proof(draft, status=ProofOfUse.Status.DRAFT)
    ProofOfUse.objects.filter(application=draft).update(report="Geheimer Entwurfstext")
    PaymentRequest.objects.create(
        application=first, amount=Decimal("1000"), status=PaymentRequest.Status.PAID, paid_on=date(YEAR, 4, 1)
    )

    client.force_login(ki_staff)
    budget_page = client.get(reverse("engagement:budget") + f"?jahr={YEAR}").content.decode()
    url = reverse("engagement:reports_pdf") + f"?jahr={YEAR}"
    assert f'href="{url}"' in budget_page.replace("&amp;", "&")
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="sachberichte-initiativen-{YEAR}.pdf"'
    assert pdfinfo(response.content)["Tagged"] == "yes"
    assert_accessible_pdf(response.content, title=f"Sachberichte {YEAR}: {first.programme.name}")
    text = " ".join(pdftotext(response.content).split())
    assert "Zwölf Treffen mit Kinderbetreuung; drei Teilnehmerinnen helfen inzwischen selbst mit." in text
    assert "Fünf Workshops zur Kommunalwahl." in text
    for figure in ("1.200,00 €", "1.000,00 €", "570,50 €", "800,00 €", "31", "44", "9"):
        assert figure in text, figure
    assert "Geheimer Entwurfstext" not in text


def test_the_reports_pdf_is_for_ki_staff_only(client, grant, volunteer):
    client.force_login(member_of(grant.organisation))
    assert client.get(reverse("engagement:reports_pdf")).status_code == 403
