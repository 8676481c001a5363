"""The application's allowed transitions, stated once for services, views and templates."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Application, ProofOfUse

Status = Application.Status


class Decision(models.TextChoices):
    APPROVE = "approve", _("bewilligen")
    REQUEST_CHANGES = "request_changes", _("Änderungen erbitten")
    REJECT = "reject", _("ablehnen")


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    by: str  # "organisation" or "ki_staff"


TRANSITIONS = {
    "submit": Transition(
        frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}), Status.SUBMITTED, "organisation"
    ),
    Decision.APPROVE: Transition(frozenset({Status.SUBMITTED}), Status.APPROVED, "ki_staff"),
    Decision.REQUEST_CHANGES: Transition(frozenset({Status.SUBMITTED}), Status.CHANGES_REQUESTED, "ki_staff"),
    Decision.REJECT: Transition(frozenset({Status.SUBMITTED}), Status.REJECTED, "ki_staff"),
}

# The applicant edits its own application only in these states.
ORGANISATION_EDITABLE = TRANSITIONS["submit"].sources
DECIDABLE = TRANSITIONS[Decision.APPROVE].sources


# --- proof of use (Verwendungsnachweis) -----------------------------------------------

ProofStatus = ProofOfUse.Status


class ProofDecision(models.TextChoices):
    ACCEPT = "accept", _("anerkennen")
    RETURN = "return", _("zur Korrektur zurückgeben")


PROOF_TRANSITIONS = {
    "submit": Transition(
        frozenset({ProofStatus.DRAFT, ProofStatus.RETURNED}), ProofStatus.SUBMITTED, "organisation"
    ),
    ProofDecision.ACCEPT: Transition(frozenset({ProofStatus.SUBMITTED}), ProofStatus.ACCEPTED, "ki_staff"),
    ProofDecision.RETURN: Transition(frozenset({ProofStatus.SUBMITTED}), ProofStatus.RETURNED, "ki_staff"),
}

# The organisation edits its proof only in these states; KI staff review only submitted proofs.
PROOF_EDITABLE = PROOF_TRANSITIONS["submit"].sources
PROOF_REVIEWABLE = PROOF_TRANSITIONS[ProofDecision.ACCEPT].sources
