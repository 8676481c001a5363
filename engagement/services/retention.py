"""Retention of small-grant data: kept as long as funding law asks, then anonymised, figures kept.

A grant's records (application, advice meeting, contract with bank details, payment requests,
proof of use, receipts list and receipt files) are kept until the end of the
``GRANT_RETENTION_YEARS``-th year after the funding year (default 10: a 2026 grant until
31 December 2036) – the Bezirksregierung may audit the forwarded money that long, and the bank
details are accounting records. From then on (daily, ``engagement.anonymise_expired_grants``):

* removed: the bank details (account holder, IBAN), every free text that may name people
  (description, decision comment, advice notes, cost-plan explanations, the factual report, the
  KI's review comment, payees and purposes of receipts, the note of a repayment, the names of
  newcomers recorded with their consent), the links to the people who acted
  (created, decided, recorded, requested, approved, reviewed by) and the receipt files, stored
  files included;
* kept: title, programme, measure area, municipalities, target groups, period, status, dates and
  every amount and count (requested, approved, cost plan, payments, receipts by date and cost
  type, volunteers and newcomers reached, the rows of consented newcomers), so the budget page, the overview and the export for
  the Bezirksregierung show the same figures as before.

An approved grant is anonymised only once its proof of use is accepted: until then the case is
open (a repayment may still be claimed). An organisation is anonymised too (name and street go,
postcode, town and municipality stay for the counts) once it has no member left and all its grants
are anonymised. Each anonymised grant leaves an entry in the audit log. Running twice does nothing
more.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.audit import record_audit_event
from accounts.models import AuditEvent

from ..models import (
    AdviceMeeting,
    Application,
    CostItem,
    ForwardingContract,
    InitiativeNewcomer,
    Organisation,
    PaymentRequest,
    ProofOfUse,
    Receipt,
    ReceiptFile,
    Repayment,
)
from ..receipt_files import delete_rows_and_files

logger = logging.getLogger(__name__)

ANONYMOUS_ORGANISATION = "Anonymisierte Initiative"


def last_expired_funding_year(*, today: date) -> int:
    """The latest funding year whose retention period has ended before ``today``."""
    return today.year - settings.GRANT_RETENTION_YEARS - 1


def grants_past_retention(*, today: date) -> QuerySet[Application]:
    closed = ~Q(status=Application.Status.APPROVED) | Q(proof__status=ProofOfUse.Status.ACCEPTED)
    return Application.objects.filter(
        closed,
        anonymised_at__isnull=True,
        starts_on__year__lte=last_expired_funding_year(today=today),
    )


def _anonymise_grant(application: Application, now) -> None:
    application.description = ""
    application.decision_comment = ""
    application.created_by = None
    application.decided_by = None
    application.anonymised_at = now
    application.save(
        update_fields=["description", "decision_comment", "created_by", "decided_by", "anonymised_at"]
    )
    CostItem.objects.filter(application=application).update(description="")
    AdviceMeeting.objects.filter(application=application).update(notes="", recorded_by=None)
    ForwardingContract.objects.filter(application=application).update(
        account_holder="", iban="", created_by=None
    )
    PaymentRequest.objects.filter(application=application).update(requested_by=None, approved_by=None)
    ProofOfUse.objects.filter(application=application).update(report="", review_comment="", reviewed_by=None)
    Receipt.objects.filter(proof__application=application).update(payee="", purpose="")
    Repayment.objects.filter(proof__application=application).update(note="", recorded_by=None)
    # The newcomers' names go; the rows stay, so the count of consented persons is kept.
    InitiativeNewcomer.objects.filter(proof__application=application).update(full_name="", recorded_by=None)
    files = delete_rows_and_files(ReceiptFile.objects.filter(proof__application=application))
    record_audit_event(
        actor=None,
        action=AuditEvent.Action.ANONYMISED_AFTER_RETENTION,
        target=application,
        district_id=application.organisation.district_id,
        details={"funding_year": application.funding_year, "files": files},
    )


def _anonymise_organisation_if_done(organisation_id: int, now) -> bool:
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    if (
        organisation.anonymised_at
        or organisation.members.exists()
        or organisation.applications.filter(anonymised_at__isnull=True).exists()
    ):
        return False
    organisation.name = ANONYMOUS_ORGANISATION
    organisation.street = ""
    organisation.anonymised_at = now
    organisation.save(update_fields=["name", "street", "anonymised_at"])
    return True


def anonymise_expired_grants(*, now=None) -> int:
    """Anonymise every grant past its retention period, one transaction each; returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    count = 0
    for pk in grants_past_retention(today=today).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            application = (
                grants_past_retention(today=today)
                .select_for_update(of=("self",), skip_locked=True)
                .select_related("organisation")
                .filter(pk=pk)
                .first()
            )
            if application is None:  # done meanwhile, or another worker holds it
                continue
            _anonymise_grant(application, now)
            _anonymise_organisation_if_done(application.organisation_id, now)
            count += 1
    if count:
        logger.info("Anonymised %s grants past their retention period.", count)
    return count
