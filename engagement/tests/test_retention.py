"""Retention of grant data: after the period, names, free text, bank details and receipt files go,
the money figures stay (real database, real storage)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from accounts.models import AuditEvent
from kreisintegration.celery import app as celery_app

from .. import tasks
from ..models import (
    AdviceMeeting,
    Application,
    ForwardingContract,
    Organisation,
    OrganisationMember,
    PaymentRequest,
    ProofOfUse,
    Receipt,
    ReceiptFile,
    Repayment,
)
from ..selectors import budget_overview
from ..services import retention
from .factories import (
    YEAR,
    make_application,
    make_budget,
    make_contract,
    make_organisation,
    make_proof,
    make_receipt_file,
    member_of,
    successor_programme,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
# Funding year 2026, 10 years: kept until 31 December 2036, anonymised from 1 January 2037.
LAST_DAY_KEPT = datetime(YEAR + 10, 12, 31, 23, 0, tzinfo=BERLIN)
FIRST_DAY_GONE = datetime(YEAR + 11, 1, 1, 4, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def closed_grant(
    organisation, *, title="Sprachcafé mit Kinderbetreuung", proof_status=ProofOfUse.Status.ACCEPTED
):
    application = make_application(
        organisation, title=title, status=Application.Status.APPROVED, advice=True, amount="1200.00"
    )
    application.decision_comment = "Bewilligt nach Gespräch mit Frau Demir."
    application.save()
    make_contract(application)
    PaymentRequest.objects.create(
        application=application,
        amount=Decimal("1000.00"),
        status=PaymentRequest.Status.PAID,
        paid_on=application.starts_on,
        requested_by=member_of(organisation),
    )
    proof = make_proof(application, status=proof_status)
    make_receipt_file(proof)
    if proof_status == ProofOfUse.Status.ACCEPTED:
        Repayment.objects.create(
            proof=proof,
            amount=Decimal("100.00"),
            received_on=application.ends_on,
            note="Überweisung von Frau Demir",
        )
    return application


def figures(district):
    overview = budget_overview(district=district, programme=successor_programme(), year=YEAR)
    return [(line.area.code, line.approved, line.paid, line.returned) for line in overview.lines], sorted(
        Receipt.objects.values_list("paid_on", "cost_type__code", "amount")
    )


def test_grant_keeps_everything_until_the_end_of_the_retention_period(district):
    make_budget(district)
    application = closed_grant(make_organisation(district))

    assert retention.anonymise_expired_grants(now=LAST_DAY_KEPT) == 0

    contract = ForwardingContract.objects.get(application=application)
    assert contract.iban == "DE89370400440532013000"
    assert ReceiptFile.objects.filter(proof__application=application).count() == 1


def test_after_the_period_names_bank_details_and_files_go_and_the_figures_stay(
    district, django_capture_on_commit_callbacks
):
    make_budget(district)
    organisation = make_organisation(district)
    application = closed_grant(organisation)
    stored = ReceiptFile.objects.get().file.name
    assert default_storage.exists(stored)
    before = figures(district)

    with django_capture_on_commit_callbacks(execute=True):  # stored files go after the commit
        assert retention.anonymise_expired_grants(now=FIRST_DAY_GONE) == 1

    application.refresh_from_db()
    assert application.anonymised_at == FIRST_DAY_GONE
    assert (application.description, application.decision_comment, application.created_by) == ("", "", None)
    assert (application.title, application.approved_amount) == (
        "Sprachcafé mit Kinderbetreuung",
        Decimal("1200.00"),
    )
    contract = ForwardingContract.objects.get(application=application)
    assert (contract.account_holder, contract.iban, contract.masked_iban) == ("", "", "")
    assert AdviceMeeting.objects.get(application=application).notes == ""
    assert PaymentRequest.objects.get(application=application).requested_by is None
    proof = ProofOfUse.objects.get(application=application)
    assert (proof.report, proof.volunteers_reached, proof.newcomers_reached) == ("", 7, 31)
    assert set(Receipt.objects.values_list("payee", "purpose")) == {("", "")}
    assert list(Repayment.objects.values_list("amount", "note")) == [(Decimal("100.00"), "")]
    assert not ReceiptFile.objects.exists()
    assert not default_storage.exists(stored)
    assert figures(district) == before  # the budget page and the export show the same money
    entry = AuditEvent.objects.get(action=AuditEvent.Action.ANONYMISED_AFTER_RETENTION)
    assert (entry.actor, entry.object_id, entry.district_id) == (None, str(application.pk), district.pk)
    assert entry.details == {"funding_year": YEAR, "files": 1}
    # The organisation still has its contact person: it stays as it is.
    organisation.refresh_from_db()
    assert organisation.name == "Begegnungscafé Bönen e. V." and organisation.anonymised_at is None


def test_a_second_run_does_nothing_more(district):
    closed_grant(make_organisation(district))
    assert retention.anonymise_expired_grants(now=FIRST_DAY_GONE) == 1
    assert retention.anonymise_expired_grants(now=FIRST_DAY_GONE) == 0
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ANONYMISED_AFTER_RETENTION).count() == 1


def test_an_approved_grant_whose_proof_is_not_accepted_stays_an_open_case(district):
    application = closed_grant(make_organisation(district), proof_status=ProofOfUse.Status.SUBMITTED)
    rejected = make_application(
        application.organisation, title="Abgelehnt", status=Application.Status.REJECTED
    )

    assert retention.anonymise_expired_grants(now=FIRST_DAY_GONE) == 1

    assert Application.objects.get(pk=application.pk).anonymised_at is None
    assert ForwardingContract.objects.get(application=application).iban == "DE89370400440532013000"
    assert Application.objects.get(pk=rejected.pk).anonymised_at is not None


def test_organisation_without_members_is_anonymised_with_its_last_grant(district):
    organisation = make_organisation(district, name="Nachbarschaftshilfe Selm")
    closed_grant(organisation)
    OrganisationMember.objects.filter(organisation=organisation).delete()

    retention.anonymise_expired_grants(now=FIRST_DAY_GONE)

    organisation.refresh_from_db()
    assert (organisation.name, organisation.street) == (retention.ANONYMOUS_ORGANISATION, "")
    assert (organisation.postcode, organisation.town) == ("59199", "Bönen")  # counts per place stay
    assert organisation.anonymised_at == FIRST_DAY_GONE
    assert Organisation.objects.count() == 1


def test_the_period_is_configurable(district, settings):
    settings.GRANT_RETENTION_YEARS = 5
    application = closed_grant(make_organisation(district))
    assert retention.anonymise_expired_grants(now=datetime(YEAR + 5, 12, 31, 12, tzinfo=BERLIN)) == 0
    assert retention.anonymise_expired_grants(now=datetime(YEAR + 6, 1, 1, 12, tzinfo=BERLIN)) == 1
    assert Application.objects.get(pk=application.pk).anonymised_at is not None


def test_the_beat_runs_the_task_daily_and_the_task_calls_the_service(district, monkeypatch):
    entry = settings.CELERY_BEAT_SCHEDULE["engagement-anonymise-expired-grants"]
    assert entry["task"] == "engagement.anonymise_expired_grants"
    assert entry["task"] in celery_app.tasks
    closed_grant(make_organisation(district))
    # The task uses the real clock; the grant of the current funding year is far from expiry.
    assert tasks.anonymise_expired_grants() == 0
    monkeypatch.setattr(settings, "GRANT_RETENTION_YEARS", -YEAR)  # every year has expired
    assert tasks.anonymise_expired_grants() == 1
