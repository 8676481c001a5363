"""Every state change of a grant leaves a trace in the audit log: an entry for submissions,
decisions and anonymisation, and the model history (django-auditlog) for the rest."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent, ModelChange

from .. import services
from ..models import Application, Organisation, PaymentRequest, ProofOfUse, ReceiptFile
from ..workflow import ProofDecision
from .factories import (
    PDF_BYTES,
    make_application,
    make_contract,
    make_organisation,
    make_proof,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def changes_of(instance, action=ModelChange.Action.UPDATE):
    return ModelChange.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_pk=str(instance.pk), action=action
    )


def test_submitting_an_application_writes_an_entry(district):
    organisation = make_organisation(district)
    application = make_application(organisation, status=Application.Status.DRAFT)
    member = member_of(organisation)

    services.submit_application(by=member, application=application)

    entry = AuditEvent.objects.get(action=AuditEvent.Action.SUBMITTED_FOR_REVIEW)
    assert (entry.actor, entry.object_type, entry.object_id) == (
        member,
        "engagement.application",
        str(application.pk),
    )
    assert entry.district_id == district.pk
    assert changes_of(application).latest().changes["status"] == ["draft", "submitted"]


def test_proof_submission_and_review_are_in_the_log_and_in_the_history(district, ki_staff):
    organisation = make_organisation(district)
    application = make_contract(
        make_application(organisation, status=Application.Status.APPROVED)
    ).application
    proof = make_proof(application, status=ProofOfUse.Status.DRAFT)

    services.submit_proof(by=member_of(organisation), application=application)
    services.review_proof(by=ki_staff, proof=proof, decision=ProofDecision.ACCEPT)

    assert list(
        AuditEvent.objects.filter(object_type="engagement.proofofuse")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [AuditEvent.Action.SUBMITTED_FOR_REVIEW, AuditEvent.Action.REVIEW_DECISION]
    statuses = [change.changes["status"] for change in changes_of(proof).order_by("pk")]
    assert statuses == [["draft", "submitted"], ["submitted", "accepted"]]
    assert "report" not in str([change.changes for change in changes_of(proof)])  # no free text copied


def test_payments_and_the_organisations_confirmation_are_in_the_history(district, ki_staff):
    organisation = make_organisation(district, status=Organisation.Status.PENDING)
    services.confirm_organisation(by=ki_staff, organisation=organisation)
    application = make_contract(
        make_application(organisation, status=Application.Status.APPROVED)
    ).application
    payment = PaymentRequest.objects.create(application=application, amount=Decimal("300"))

    services.approve_payment(by=ki_staff, payment=payment)
    services.mark_payment_paid(by=ki_staff, payment=payment, paid_on=date(2026, 5, 4))

    assert changes_of(organisation).latest().changes["status"] == ["pending", "confirmed"]
    assert [change.changes["status"] for change in changes_of(payment).order_by("pk")] == [
        ["requested", "approved"],
        ["approved", "paid"],
    ]


def test_adding_and_removing_a_receipt_file_is_in_the_history_without_its_name(district):
    organisation = make_organisation(district)
    application = make_contract(
        make_application(organisation, status=Application.Status.APPROVED)
    ).application
    member = member_of(organisation)

    receipt_file = services.add_receipt_file(
        by=member,
        application=application,
        upload=SimpleUploadedFile("Honorar Ahmad Al-Hassan.pdf", PDF_BYTES),
    )
    services.remove_receipt_file(by=member, application=application, receipt_file=receipt_file)

    created = changes_of(receipt_file, ModelChange.Action.CREATE).get()
    assert created.object_repr == application.title and created.district_id == district.pk
    assert changes_of(receipt_file, ModelChange.Action.DELETE).exists()
    assert "Al-Hassan" not in str(list(changes_of(receipt_file, ModelChange.Action.CREATE).values()))
    assert not ReceiptFile.objects.exists()
