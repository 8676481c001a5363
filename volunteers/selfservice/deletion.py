"""Deleting one's own account.

Deletion anonymises instead of deleting rows, because course registrations
and attendance are funding evidence that must stay countable for five years
after the funding year. What is kept after deletion, and why:

* the ``Volunteer`` row without a user, with its municipality (anonymous
  counts per municipality), its registrations, attendance and qualifications
  (funding evidence, "qualified volunteers"), the consent timestamps (proof
  that earlier processing was lawful) and – only if it was given with
  consent – the newcomer flag, which afterwards is an anonymous count;
* the ``accounts.ConsentRecord`` rows, attached to the emptied ``User`` row (so
  pseudonymous: nothing in them or next to them names the person). They are the
  evidence that processing before the deletion was lawful (Art. 7(1) GDPR asks the
  controller to be able to show consent) and hold nothing but kind, text version and
  times. The privacy-notice consent is closed as withdrawn at the moment of deletion:
  deleting the account is how that consent is withdrawn;
* the ``User`` row, emptied (placeholder address, "Gelöschte Person", no
  usable password), so that foreign keys elsewhere (events, history,
  attendance recorded by a trainer) keep pointing at *somebody* without
  naming anybody.

Removed: phone, availability, languages, interests, roles, memberships, and
the login-throttling records that hold the old address.
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts import consents, twofactor
from accounts.models import User
from municipalities import permissions as base_permissions
from municipalities.models import DistrictRole, Invitation, Membership
from outbox.services import forget_mail_to
from volunteers import services
from volunteers.models import Volunteer

from . import OPEN_STATUSES, AccountError

logger = logging.getLogger(__name__)

DELETED_NAME = "Gelöschte Person"


def may_delete_own_account(user: User) -> bool:
    """KI staff and superusers are offboarded by an administrator, not by themselves."""
    roles = base_permissions.roles_of(user)
    return not (user.is_superuser or user.is_staff or roles.staff_district_ids)


def deletion_summaries(user: User) -> list[dict]:
    """What deleting the account means in the apps to the right of this one (engagement: the
    person's organisations), for the confirmation page; empty when the person has no part there."""
    summaries = (import_string(path)(user=user) for path in settings.OWN_ACCOUNT_DELETION_SUMMARIES)
    return [summary for summary in summaries if summary]


def _forget_login_records(email: str) -> None:
    """django-axes keeps the typed address with failed (and logged) logins."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()


@transaction.atomic
def delete_volunteer_account(*, user: User, now=None) -> Volunteer | None:
    """Anonymise one's own account; open registrations are cancelled first.

    Also the account of a person without a volunteer profile who may delete it themselves (an
    initiative's contact person, see ``deletion_summaries``): the volunteer steps are skipped.

    Cancelling goes through ``services.cancel_registration``, so a freed seat
    is offered to the next person waiting. The leaving person gets no more
    course mail: the account is deactivated before the cancellations.
    """
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if not may_delete_own_account(user):
        raise AccountError(
            _("Konten von Mitarbeitenden des Integrationszentrums löscht die Verwaltung des Portals.")
        )
    old_email = user.email
    volunteer = Volunteer.objects.select_for_update().filter(user=user).first()

    user.is_active = False
    user.save(update_fields=["is_active"])
    if volunteer is not None:
        for registration in volunteer.registrations.filter(status__in=OPEN_STATUSES).order_by("pk"):
            services.cancel_registration(by=user, registration=registration)

        volunteer.user = None
        volunteer.phone = ""
        volunteer.availability = ""
        if not volunteer.counts_as_newcomer:
            volunteer.came_as_newcomer = False
            volunteer.newcomer_consent_at = None
            volunteer.newcomer_consent_version = ""
        volunteer.anonymised_at = now
        volunteer.save()
        volunteer.interests.clear()
        volunteer.languages.all().delete()

    consents.withdraw_consent(user=user, kind=consents.Kind.PRIVACY_NOTICE, now=now)
    # Apps to the right of this one (engagement) remove their part through a setting.
    for path in settings.OWN_DATA_ANONYMISERS:
        import_string(path)(user=user, now=now)
    DistrictRole.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    twofactor.remove_two_factor(user=user)
    placeholder = f"geloescht-{secrets.token_hex(8)}@invalid"
    Invitation.objects.filter(email__iexact=old_email).update(email=placeholder, full_name="")
    _forget_login_records(old_email)
    forget_mail_to(email=old_email)

    user.email = placeholder
    user.full_name = DELETED_NAME
    user.preferred_language = settings.LANGUAGE_CODE
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    base_permissions.forget_roles(user)
    logger.info("Volunteer account %s anonymised.", user.pk)
    return volunteer
