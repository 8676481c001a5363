"""Proof of use (Verwendungsnachweis): the rules of the receipts list, the totals, the review."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent, OutboxMail

from .. import services
from ..models import Application, PaymentRequest, ProofOfUse, Receipt
from ..selectors import overdue_proofs, proof_statement
from ..workflow import ProofDecision
from .factories import (
    YEAR,
    cost_type,
    make_application,
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
