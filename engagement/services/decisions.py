"""The advice meeting and the KI's decision, which commits the year's budget under a row lock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_audit_event
from accounts.models import AuditEvent, User
from outbox.services import send_templated_mail

from .. import permissions
from ..models import AdviceMeeting, AnnualBudget, Application, Repayment
from ..workflow import APPLICATION, Decision
from .common import euro
from .organisations import contact_addresses

# --- advice meeting and decision ------------------------------------------------


@transaction.atomic
def record_advice_meeting(*, by: User, application: Application, held_on: date, notes: str) -> AdviceMeeting:
    application = permissions.applications_decidable_by(by).get(pk=application.pk)
    if held_on > timezone.localdate():
        raise ValidationError(
            {"held_on": _("Ein Beratungsgespräch kann erst erfasst werden, wenn es stattgefunden hat.")}
        )
    return AdviceMeeting.objects.create(application=application, held_on=held_on, notes=notes, recorded_by=by)


class BudgetExceeded(ValidationError):
    """The approval would commit more money than the year's budget has left."""


def committed_amount(*, budget: AnnualBudget) -> Decimal:
    """Approved money of the budget's year, minus what organisations paid back (it is free again)."""
    approved = Application.objects.filter(
        programme=budget.programme_id,
        organisation__district=budget.district_id,
        starts_on__year=budget.year,
        status=Application.Status.APPROVED,
    ).aggregate(total=Sum("approved_amount"))["total"] or Decimal("0")
    returned = Repayment.objects.filter(
        proof__application__programme=budget.programme_id,
        proof__application__organisation__district=budget.district_id,
        proof__application__starts_on__year=budget.year,
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return approved - returned


@transaction.atomic
def decide_application(
    *,
    by: User,
    application: Application,
    decision: Decision,
    amount: Decimal | None = None,
    comment: str = "",
    now=None,
) -> Application:
    """Approve (with an amount, at most the requested one), ask for changes or reject (with reasons).

    An approval locks the district's budget row of the funding year first, like the seats of a
    course: two KI staff approving the last euros at once are served one after the other, and the
    second sees what the first committed.
    """
    application = (
        permissions.applications_decidable_by(by)
        .select_related("organisation__district", "programme")
        .get(pk=application.pk)
    )
    budget = None
    if decision == Decision.APPROVE:
        budget = (
            AnnualBudget.objects.select_for_update()
            .select_related("programme")
            .filter(
                programme=application.programme,
                district=application.organisation.district,
                year=application.funding_year,
            )
            .first()
        )
    # The application row after the budget row: every approver takes the locks in the same order.
    application = Application.objects.select_for_update().get(pk=application.pk)
    APPLICATION.check(
        decision,
        application,
        by,
        message=_("Über diesen Antrag kann so nicht entschieden werden (Status: %(status)s)."),
    )
    if application.programme.advice_meeting_required and not application.advice_meetings.exists():
        raise ValidationError(_("Vor der Entscheidung muss ein Beratungsgespräch erfasst sein."))
    if decision == Decision.APPROVE:
        if amount is None or amount <= 0:
            raise ValidationError({"amount": _("Bitte geben Sie den bewilligten Betrag an.")})
        if amount > application.requested_amount:
            raise ValidationError(
                {"amount": _("Bewilligt werden kann höchstens der beantragte Betrag (%(amount)s).")
                 % {"amount": euro(application.requested_amount)}}
            )  # fmt: skip
        if budget is None:
            raise ValidationError(
                _("Für %(year)s ist kein Budget hinterlegt.") % {"year": application.funding_year}
            )
        free = budget.amount - committed_amount(budget=budget)
        if amount > free:
            raise BudgetExceeded(
                {"amount": _("Das Budget %(year)s reicht dafür nicht: frei sind noch %(free)s.")
                 % {"year": budget.year, "free": euro(max(free, Decimal("0")))}}
            )  # fmt: skip
        application.approved_amount = amount
    elif not comment.strip():
        raise ValidationError({"comment": _("Bitte begründen Sie die Entscheidung für die Initiative.")})
    application.status = APPLICATION.target_of(decision)
    application.decision_comment = comment.strip()
    application.decided_at = now or timezone.now()
    application.decided_by = by
    application.save()
    record_audit_event(
        actor=by,
        action=AuditEvent.Action.REVIEW_DECISION,
        target=application,
        district_id=application.organisation.district_id,
        details={"decision": str(decision), "amount": str(amount) if amount is not None else ""},
    )
    send_templated_mail(
        to=contact_addresses(application.organisation),
        template="engagement_application_decided",
        context={"application": application, "detail_path": application.get_absolute_url()},
        reply_to=application.organisation.district.ki_email,
        district_id=application.organisation.district_id,
    )
    return application
