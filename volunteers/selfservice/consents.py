"""The consents a volunteer profile holds: the newcomer flag (given and withdrawn by the person)
and the consent records written for profiles made outside the sign-up."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import consents
from accounts.models import User
from volunteers.models import NEWCOMER_CONSENT_VERSION, Volunteer

from . import OPEN_STATUSES, AccountError


def set_newcomer_consent(*, volunteer: Volunteer, came_as_newcomer: bool, consent: bool, now=None) -> None:
    """Record or withdraw the newcomer flag and its consent (does not save the volunteer).

    The flag may only be stored with consent; every give and withdrawal is also written as an
    ``accounts.ConsentRecord``. Withdrawing – or unticking the flag – removes the flag, the
    consent fields and the flag on *all* of the person's registrations: afterwards the person
    is counted as a newcomer nowhere, also not in funding evidence or figures produced later.
    (Evidence already handed in on paper cannot be recalled; the Datenschutz page says so.)
    """
    if came_as_newcomer and not consent:
        raise AccountError(
            _(
                "Bitte willigen Sie ein, wenn Sie die Angabe „neu zugewandert“ machen möchten – oder lassen Sie sie weg."
            )
        )
    now = now or timezone.now()
    if came_as_newcomer:
        if (
            not volunteer.newcomer_consent_at
            or volunteer.newcomer_consent_version != NEWCOMER_CONSENT_VERSION
        ):
            volunteer.newcomer_consent_at = now
            volunteer.newcomer_consent_version = NEWCOMER_CONSENT_VERSION
        volunteer.came_as_newcomer = True
        if volunteer.user_id:
            consents.record_consent(
                user=volunteer.user,
                kind=consents.Kind.NEWCOMER_STATUS,
                version=volunteer.newcomer_consent_version,
                source=consents.Source.PROFILE,
                now=volunteer.newcomer_consent_at,
            )
        if volunteer.pk:
            # Only registrations still open take over a newly given consent: a completed
            # course's evidence counted what was consented at the time.
            volunteer.registrations.filter(status__in=OPEN_STATUSES, counts_as_newcomer=False).update(
                counts_as_newcomer=True, updated_at=now
            )
    else:
        volunteer.came_as_newcomer = False
        volunteer.newcomer_consent_at = None
        volunteer.newcomer_consent_version = ""
        if volunteer.user_id:
            consents.withdraw_consent(user=volunteer.user, kind=consents.Kind.NEWCOMER_STATUS, now=now)
        if volunteer.pk:
            volunteer.registrations.filter(counts_as_newcomer=True).update(
                counts_as_newcomer=False, updated_at=now
            )


def record_profile_consents(volunteer: Volunteer, *, source: str) -> None:
    """Write consent records for the consents a profile holds (demo data, test factories).

    The data migration ``volunteers.0003`` does the same for profiles that existed
    before consent records did.
    """
    if volunteer.user_id is None:
        return
    if volunteer.privacy_consent_at:
        consents.record_consent(
            user=volunteer.user,
            kind=consents.Kind.PRIVACY_NOTICE,
            version=volunteer.privacy_consent_version,
            source=source,
            now=volunteer.privacy_consent_at,
        )
    if volunteer.came_as_newcomer and volunteer.newcomer_consent_at:
        consents.record_consent(
            user=volunteer.user,
            kind=consents.Kind.NEWCOMER_STATUS,
            version=volunteer.newcomer_consent_version,
            source=source,
            now=volunteer.newcomer_consent_at,
        )


@transaction.atomic
def withdraw_newcomer_consent(*, user: User, now=None) -> Volunteer:
    """Withdraw the consent to the newcomer flag from the "Meine Einwilligungen" page."""
    volunteer = Volunteer.objects.select_for_update().filter(user=user, anonymised_at__isnull=True).first()
    if volunteer is None:
        raise AccountError(_("Sie haben noch kein Ehrenamtsprofil."))
    set_newcomer_consent(volunteer=volunteer, came_as_newcomer=False, consent=False, now=now)
    volunteer.save(update_fields=["came_as_newcomer", "newcomer_consent_at", "newcomer_consent_version"])
    return volunteer
