"""Proof of use (Verwendungsnachweis): the rules of the receipts list, the totals, the review."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEvent
from outbox.models import OutboxMail

from .. import services
from ..models import Application, PaymentRequest, ProofOfUse, Receipt
from ..selectors import overdue_proofs, proof_statement
from ..workflow import ProofDecision
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
def contracted(district):
    organisation = make_organisation(district, email="kasse@cafe-boenen.example")
    return make_contract(
        make_application(organisation, amount="1200.00", status=Application.Status.APPROVED, advice=True)
    ).application


def data(*receipts, report="Zwölf Treffen fanden statt.", reached=30, became=2):
    return services.ProofData(
        report=report,
        volunteers_reached=6,
        newcomers_reached=reached,
        newcomers_became_volunteers=became,
        receipts=list(receipts),
    )


def line(code="material", amount="100.00", on=date(YEAR, 5, 4)):
    return (on, cost_type(code), "Druckerei Özdemir", "Flyer", Decimal(amount))


def test_saving_a_proof_keeps_report_and_receipts(contracted):
    proof = services.save_proof(
        by=member_of(contracted.organisation),
        application=contracted,
        data=data(line(amount="250.00"), line("verpflegung", "80.00")),
    )
    assert proof.status == ProofOfUse.Status.DRAFT
    assert sorted(proof.receipts.values_list("amount", flat=True)) == [Decimal("80.00"), Decimal("250.00")]


def test_receipts_outside_the_period_of_ineligible_type_or_negative_are_refused_and_nothing_is_lost(
    contracted,
):
    member = member_of(contracted.organisation)
    services.save_proof(by=member, application=contracted, data=data(line(amount="250.00")))
    with pytest.raises(ValidationError) as error:
        services.save_proof(
            by=member,
            application=contracted,
            data=data(
                line(on=contracted.ends_on + timedelta(days=1)),
                line("personal", "500.00"),
                line(amount="-5.00"),
                reached=2,
                became=3,
            ),
        )
    messages = error.value.message_dict
    assert any("im geförderten Zeitraum" in message for message in messages["receipts"])
    assert any("„Personalkosten“ ist in diesem Programm nicht förderfähig" in m for m in messages["receipts"])
    assert any("nicht negativ" in message for message in messages["receipts"])
    assert "newcomers_became_volunteers" in messages
    assert list(Receipt.objects.values_list("amount", flat=True)) == [Decimal("250.00")]


def test_no_proof_before_the_contract(district):
    application = make_application(
        make_organisation(district), status=Application.Status.APPROVED, advice=True
    )
    with pytest.raises(ValidationError, match="Weiterleitungsvertrag"):
        services.save_proof(
            by=member_of(application.organisation), application=application, data=data(line())
        )


def test_another_organisation_cannot_save_or_submit_a_proof(district, contracted):
    stranger = member_of(
        make_organisation(district, name="Ukrainischer Verein Schwerte", full_name="Olena K.")
    )
    with pytest.raises(Application.DoesNotExist):
        services.save_proof(by=stranger, application=contracted, data=data(line()))
    make_proof(contracted, status=ProofOfUse.Status.DRAFT)
    with pytest.raises(Application.DoesNotExist):
        services.submit_proof(by=stranger, application=contracted)


def test_statement_totals_per_cost_type_against_the_plan_and_the_repayment(contracted):
    PaymentRequest.objects.create(
        application=contracted,
        amount=Decimal("1000"),
        status=PaymentRequest.Status.PAID,
        paid_on=date(YEAR, 3, 2),
    )
    proof = make_proof(
        contracted, receipts=(("material", "450.00"), ("material", "100.00"), ("verpflegung", "120.50"))
    )
    statement = proof_statement(contracted, proof)
    by_code = {line.cost_type.code: (line.planned, line.spent) for line in statement.lines}
    assert by_code == {
        "material": (Decimal("1200.00"), Decimal("550.00")),
        "verpflegung": (Decimal("0"), Decimal("120.50")),
    }
    assert statement.spent == Decimal("670.50")
    assert statement.not_used == Decimal("529.50")  # approved 1,200 minus spent
    assert statement.repayment_due == Decimal("329.50")  # paid 1,000 minus spent


def test_submit_return_correct_resubmit_accept(contracted, ki_staff):
    member = member_of(contracted.organisation)
    services.save_proof(by=member, application=contracted, data=data(line(amount="300.00")))
    proof = services.submit_proof(by=member, application=contracted)
    assert proof.status == ProofOfUse.Status.SUBMITTED
    submitted = OutboxMail.objects.get(template="engagement_proof_submitted")
    assert submitted.recipients == [contracted.organisation.district.ki_email]
    with pytest.raises(ValidationError, match="nicht mehr geändert"):
        services.save_proof(by=member, application=contracted, data=data(line()))

    with pytest.raises(ValidationError) as error:
        services.review_proof(by=ki_staff, proof=proof, decision=ProofDecision.RETURN, comment=" ")
    assert "comment" in error.value.message_dict
    proof = services.review_proof(
        by=ki_staff, proof=proof, decision=ProofDecision.RETURN, comment="Bitte den Beleg vom Mai ergänzen."
    )
    assert proof.status == ProofOfUse.Status.RETURNED
    returned = OutboxMail.objects.get(template="engagement_proof_reviewed")
    assert returned.recipients == ["kasse@cafe-boenen.example"]

    services.save_proof(
        by=member, application=contracted, data=data(line(amount="300.00"), line(amount="20.00"))
    )
    services.submit_proof(by=member, application=contracted)
    proof = services.review_proof(by=ki_staff, proof=proof, decision=ProofDecision.ACCEPT)
    assert proof.status == ProofOfUse.Status.ACCEPTED
    assert proof.reviewed_by == ki_staff
    assert OutboxMail.objects.filter(template="engagement_proof_reviewed").count() == 2
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.REVIEW_DECISION, object_id=str(proof.pk)).count()
        == 2
    )
    with pytest.raises(ValidationError, match="Status: anerkannt"):
        services.review_proof(by=ki_staff, proof=proof, decision=ProofDecision.RETURN, comment="Noch mal.")


def test_an_empty_proof_cannot_be_submitted(contracted):
    member = member_of(contracted.organisation)
    services.save_proof(by=member, application=contracted, data=data(report=" "))
    with pytest.raises(ValidationError) as error:
        services.submit_proof(by=member, application=contracted)
    assert set(error.value.message_dict) == {"report", "receipts"}


def test_only_ki_staff_of_the_district_review(contracted, contact_unna):
    proof = make_proof(contracted)
    with pytest.raises((PermissionDenied, ProofOfUse.DoesNotExist)):
        services.review_proof(by=contact_unna, proof=proof, decision=ProofDecision.ACCEPT)
    with pytest.raises(ProofOfUse.DoesNotExist):
        services.review_proof(
            by=member_of(contracted.organisation), proof=proof, decision=ProofDecision.ACCEPT
        )


def test_overdue_lists_contracts_past_the_deadline_without_a_submitted_proof(district, contracted):
    organisation = contracted.organisation
    on_time = make_contract(
        make_application(organisation, title="Nachweis da", status=Application.Status.APPROVED)
    ).application
    make_proof(on_time)
    draft_only = make_contract(
        make_application(organisation, title="Nur Entwurf", status=Application.Status.APPROVED)
    ).application
    make_proof(draft_only, status=ProofOfUse.Status.DRAFT)
    overdue = overdue_proofs(Application.objects.all(), today=date(YEAR + 1, 1, 1))
    assert list(overdue.values_list("title", flat=True)) == ["Sprachcafé mit Kinderbetreuung", "Nur Entwurf"]
    assert not overdue_proofs(Application.objects.all(), today=date(YEAR, 12, 31)).exists()


def test_xlsx_lists_the_receipts_of_accepted_proofs_typed_and_neutralised(
    client, district, ki_staff, contracted
):
    make_budget(district)
    make_proof(
        contracted,
        status=ProofOfUse.Status.ACCEPTED,
        receipts=(("material", "450.00"), ("verpflegung", "120.50")),
    )
    Receipt.objects.filter(amount=Decimal("120.50")).update(payee="=HYPERLINK(1)")
    still_open = make_contract(
        make_application(contracted.organisation, title="Noch in Prüfung", status=Application.Status.APPROVED)
    ).application
    make_proof(still_open, receipts=(("material", "999.00"),))

    client.force_login(ki_staff)
    response = client.get(reverse("engagement:budget_xlsx") + f"?jahr={YEAR}")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[2]
    assert sheet.title == f"Belege {YEAR}"
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] and row[0] != "Summe"]
    assert [(row[1], row[3]) for row in rows] == [
        ("Sprachcafé mit Kinderbetreuung", "Sachmittel und Material"),
        ("Sprachcafé mit Kinderbetreuung", "Verpflegung (im angemessenen Rahmen)"),
    ]
    assert all(isinstance(row[2], datetime) and isinstance(row[6], (int, float)) for row in rows)
    assert sum(Decimal(str(row[6])) for row in rows) == Decimal("570.50")
    assert rows[1][4] == "'=HYPERLINK(1)"
    footer = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "Summe"]
    assert Decimal(str(footer[0][6])) == Decimal("570.50")


def receipt_post(**lines):
    """POST data of the proof form; ``lines`` maps a row number to (date, cost type id, amount)."""
    post = {
        "report": "Zwölf Treffen mit Kinderbetreuung.",
        "volunteers_reached": "7",
        "newcomers_reached": "31",
        "newcomers_became_volunteers": "3",
        "belege-TOTAL_FORMS": "3",
        "belege-INITIAL_FORMS": "0",
        "belege-MIN_NUM_FORMS": "0",
        "belege-MAX_NUM_FORMS": "100",
    }
    for index, (day, type_id, amount) in lines.items():
        post.update({
            f"belege-{index}-paid_on": day, f"belege-{index}-cost_type": str(type_id),
            f"belege-{index}-payee": "Bäckerei Nowak", f"belege-{index}-purpose": "Kuchen für das Fest",
            f"belege-{index}-amount": amount,
        })  # fmt: skip
    return post


def test_organisation_fills_submits_and_ki_accepts_on_the_screens(client, contracted, ki_staff):
    PaymentRequest.objects.create(
        application=contracted,
        amount=Decimal("1200"),
        status=PaymentRequest.Status.PAID,
        paid_on=date(YEAR, 3, 2),
    )
    client.force_login(member_of(contracted.organisation))
    edit = reverse("engagement:proof_edit", kwargs={"pk": contracted.pk})
    assert client.get(edit).status_code == 200
    material = cost_type("material").pk
    response = client.post(
        edit,
        receipt_post(
            **{"0": (f"{YEAR}-05-04", material, "700.00"), "1": (f"{YEAR}-06-01", material, "100.00")}
        ),
    )
    detail = reverse("engagement:proof_detail", kwargs={"pk": contracted.pk})
    assert response.status_code == 302, response.context["form"].errors.as_text() + str(
        response.context["formset"].errors
    )
    assert response["Location"] == detail
    page = client.get(detail).content.decode()
    assert "800,00 €" in page and 'id="rueckzahlung">400,00 €' in page
    assert client.post(reverse("engagement:proof_submit", kwargs={"pk": contracted.pk})).status_code == 302
    assert ProofOfUse.objects.get().status == ProofOfUse.Status.SUBMITTED

    client.force_login(ki_staff)
    listing = client.get(reverse("engagement:proofs")).content.decode()
    assert contracted.title in listing
    assert "Prüfergebnis speichern" in client.get(detail).content.decode()
    client.post(reverse("engagement:proof_review", kwargs={"pk": contracted.pk}), {"decision": "accept"})
    assert ProofOfUse.objects.get().status == ProofOfUse.Status.ACCEPTED


def test_bad_receipts_show_german_messages_and_keep_the_saved_proof(client, contracted):
    make_proof(contracted, status=ProofOfUse.Status.DRAFT, receipts=(("material", "450.00"),))
    client.force_login(member_of(contracted.organisation))
    response = client.post(
        reverse("engagement:proof_edit", kwargs={"pk": contracted.pk}),
        receipt_post(
            **{
                "0": (f"{YEAR + 1}-01-05", cost_type("material").pk, "10.00"),
                "1": (f"{YEAR}-05-04", cost_type("personal").pk, "10.00"),
                "2": (f"{YEAR}-05-04", cost_type("material").pk, "-1"),
            }
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Diese Kostenart ist in diesem Programm nicht förderfähig." in page
    assert "Der Betrag darf nicht negativ sein." in page
    assert list(Receipt.objects.values_list("amount", flat=True)) == [Decimal("450.00")]
    response = client.post(
        reverse("engagement:proof_edit", kwargs={"pk": contracted.pk}),
        receipt_post(**{"0": (f"{YEAR + 1}-01-05", cost_type("material").pk, "10.00")}),
    )
    assert "im geförderten Zeitraum" in response.content.decode()
    assert list(Receipt.objects.values_list("amount", flat=True)) == [Decimal("450.00")]


def test_another_organisation_gets_404_for_the_proof_on_get_and_post(client, district, contracted):
    make_proof(contracted)
    client.force_login(
        member_of(make_organisation(district, name="Ukrainischer Verein Schwerte", full_name="Olena K."))
    )
    for name in ("proof_detail", "proof_edit", "proof_submit"):
        url = reverse(f"engagement:{name}", kwargs={"pk": contracted.pk})
        assert client.get(url).status_code in (404,), name
        assert client.post(url, receipt_post()).status_code == 404, name
