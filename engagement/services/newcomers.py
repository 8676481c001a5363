"""Newcomers who became active in a funded initiative: recorded with their consent, withdrawn on request.

The organisation records a person in its proof of use while it may still edit it (draft or
returned for correction). A withdrawal is accepted at any time, by the organisation or by the
district's KI staff (the person may turn to either): the name is erased at once and the person is
no longer counted, also in figures of past years computed afterwards.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities.permissions import is_ki_staff

from .. import permissions
from ..models import Application, InitiativeNewcomer, ProofOfUse
from ..models.newcomers import INITIATIVE_NEWCOMER_CONSENT_VERSION
from ..workflow import PROOF
from .common import raise_if


@transaction.atomic
def record_initiative_newcomer(
    *, by: User, application: Application, full_name: str, consent_on: date, now=None
) -> InitiativeNewcomer:
    now = now or timezone.now()
    if permissions.organisation_of(by) != application.organisation:
        raise PermissionDenied
    proof = ProofOfUse.objects.select_for_update().filter(application=application).first()
    if proof is None or not PROOF.is_possible("edit", proof):
        raise ValidationError(
            _(
                "Personen können nur in einem Verwendungsnachweis eingetragen werden, der noch bearbeitet wird."
            )
        )
    errors: dict[str, list[str]] = {}
    if not full_name.strip():
        errors["full_name"] = [_("Bitte geben Sie den Namen der Person an.")]
    if consent_on > timezone.localdate(now):
        errors["consent_on"] = [_("Das Datum der Einwilligung darf nicht in der Zukunft liegen.")]
    raise_if(errors)
    return InitiativeNewcomer.objects.create(
        proof=proof,
        full_name=full_name.strip(),
        consent_on=consent_on,
        consent_version=INITIATIVE_NEWCOMER_CONSENT_VERSION,
        recorded_by=by,
    )


def may_withdraw(user: User, newcomer: InitiativeNewcomer) -> bool:
    organisation = newcomer.proof.application.organisation
    return permissions.organisation_of(user) == organisation or is_ki_staff(user, organisation.district)


@transaction.atomic
def withdraw_initiative_newcomer(*, by: User, newcomer: InitiativeNewcomer, now=None) -> InitiativeNewcomer:
    newcomer = (
        InitiativeNewcomer.objects.select_for_update()
        .select_related("proof__application__organisation__district")
        .get(pk=newcomer.pk)
    )
    if not may_withdraw(by, newcomer):
        raise PermissionDenied
    if newcomer.withdrawn_at is not None:
        raise ValidationError(_("Diese Einwilligung ist bereits widerrufen."))
    newcomer.withdrawn_at = now or timezone.now()
    newcomer.full_name = ""
    newcomer.save(update_fields=["withdrawn_at", "full_name"])
    return newcomer
