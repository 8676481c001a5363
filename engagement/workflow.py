"""The grant application's and the proof of use's workflows, stated once: services, views and
templates ask these tables (``municipalities/workflow.py``).

Applications::

    draft ──submit──▶ submitted ──approve──▶ approved
      ▲                 │  │
      └─(edit)─ changes_requested ◀─request_changes─┘  └──reject──▶ rejected

Proofs of use::

    draft ──submit──▶ submitted ──accept──▶ accepted
      ▲                 │
      └─(edit)─ returned ◀──return──┘
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from municipalities.permissions import is_ki_staff
from municipalities.workflow import Workflow, step

from . import permissions
from .models import Application, ProofOfUse

Status = Application.Status
ProofStatus = ProofOfUse.Status


class Decision(models.TextChoices):
    APPROVE = "approve", _("bewilligen")
    REQUEST_CHANGES = "request_changes", _("Änderungen erbitten")
    REJECT = "reject", _("ablehnen")


class ProofDecision(models.TextChoices):
    ACCEPT = "accept", _("anerkennen")
    RETURN = "return", _("zur Korrektur zurückgeben")


def _applicant(user, application: Application) -> bool:
    """Only the applicant organisation edits and submits its application."""
    own = permissions.organisation_of(user)
    return own is not None and own.pk == application.organisation_id


def _decides(user, application: Application) -> bool:
    """KI staff of the organisation's district decide."""
    return is_ki_staff(user, application.organisation.district)


APPLICATION = Workflow(
    {
        "edit": step({Status.DRAFT, Status.CHANGES_REQUESTED}, None, _applicant),
        "submit": step({Status.DRAFT, Status.CHANGES_REQUESTED}, Status.SUBMITTED, _applicant),
        Decision.APPROVE: step({Status.SUBMITTED}, Status.APPROVED, _decides),
        Decision.REQUEST_CHANGES: step({Status.SUBMITTED}, Status.CHANGES_REQUESTED, _decides),
        Decision.REJECT: step({Status.SUBMITTED}, Status.REJECTED, _decides),
    }
)
# The decisions: one service (``decide_application``) takes any of them.
DECISIONS = tuple(Decision.values)


def allowed_actions(application: Application, user) -> frozenset[str]:
    return APPLICATION.allowed_actions(application, user)


def _proof_applicant(user, proof: ProofOfUse) -> bool:
    return _applicant(user, proof.application)


def _proof_reviews(user, proof: ProofOfUse) -> bool:
    return _decides(user, proof.application)


PROOF = Workflow(
    {
        "edit": step({ProofStatus.DRAFT, ProofStatus.RETURNED}, None, _proof_applicant),
        "submit": step({ProofStatus.DRAFT, ProofStatus.RETURNED}, ProofStatus.SUBMITTED, _proof_applicant),
        ProofDecision.ACCEPT: step({ProofStatus.SUBMITTED}, ProofStatus.ACCEPTED, _proof_reviews),
        ProofDecision.RETURN: step({ProofStatus.SUBMITTED}, ProofStatus.RETURNED, _proof_reviews),
    }
)
PROOF_DECISIONS = tuple(ProofDecision.values)


def proof_allowed_actions(proof: ProofOfUse, user) -> frozenset[str]:
    return PROOF.allowed_actions(proof, user)
