"""One's own volunteer profile: name, municipality, contact, interests and languages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities.models import FieldOfAction, Language, Municipality
from volunteers.models import Volunteer, VolunteerLanguage

from . import AccountError
from .consents import set_newcomer_consent


@dataclass(frozen=True)
class LanguageSkill:
    language: Language
    level: str


@transaction.atomic
def save_volunteer_profile(
    *,
    user: User,
    full_name: str,
    municipality: Municipality | None,
    phone: str,
    availability: str,
    interests: list[FieldOfAction],
    languages: list[LanguageSkill],
    came_as_newcomer: bool,
    newcomer_consent: bool,
    now=None,
) -> Volunteer:
    """Save one's own profile: name on the account, the rest on the volunteer profile."""
    volunteer = Volunteer.objects.select_for_update().filter(user=user, anonymised_at__isnull=True).first()
    if volunteer is None:
        raise AccountError(_("Sie haben noch kein Ehrenamtsprofil."))
    if municipality is not None and municipality.district_id != volunteer.district_id:
        raise AccountError(_("Bitte wählen Sie eine Kommune aus der Liste."))
    foreign = [field for field in interests if field.district_id != volunteer.district_id]
    if foreign:
        raise AccountError(_("Bitte wählen Sie Interessen aus der Liste."))
    codes = [skill.language.pk for skill in languages]
    if len(codes) != len(set(codes)):
        raise AccountError(_("Bitte geben Sie jede Sprache nur einmal an."))
    name = full_name.strip()
    if not name:
        raise AccountError(_("Bitte geben Sie Ihren Namen an."))
    if user.full_name != name:
        user.full_name = name
        user.save(update_fields=["full_name"])
    volunteer.municipality = municipality
    volunteer.phone = phone.strip()
    volunteer.availability = availability.strip()
    set_newcomer_consent(
        volunteer=volunteer, came_as_newcomer=came_as_newcomer, consent=newcomer_consent, now=now
    )
    volunteer.save()
    volunteer.interests.set(interests)
    keep = {skill.language.pk: skill.level for skill in languages}
    volunteer.languages.exclude(language_id__in=keep).delete()
    for language_id, level in keep.items():
        VolunteerLanguage.objects.update_or_create(
            volunteer=volunteer, language_id=language_id, defaults={"level": level}
        )
    return volunteer
