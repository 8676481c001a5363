"""Writes on municipalities, their measures and the people who act for them (roles, memberships)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify

from accounts.models import User

from .. import permissions
from ..models import (
    District,
    DistrictRole,
    Membership,
    Municipality,
)


@transaction.atomic
def save_municipality(*, by: User, municipality: Municipality) -> Municipality:
    """Create or update a municipality's master data (KI staff of its district)."""
    if not permissions.may_administer_municipality(by, municipality):
        raise PermissionDenied
    if not municipality.slug:
        municipality.slug = unique_municipality_slug(municipality.name)
    municipality.full_clean()
    municipality.save()
    return municipality


def unique_municipality_slug(name: str) -> str:
    base = slugify(name.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss"))
    base = base[:70] or "kommune"
    slug, counter = base, 2
    while Municipality.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


@transaction.atomic
def save_measure(*, by: User, measure, fields_of_action=(), target_groups=(), languages=()):
    """Create or update a measure of a municipality the user manages."""
    if not permissions.may_manage_municipality(by, measure.municipality):
        raise PermissionDenied
    if measure.pk is None:
        measure.created_by = by
    measure.full_clean()
    measure.save()
    measure.fields_of_action.set(fields_of_action)
    measure.target_groups.set(target_groups)
    measure.languages.set(languages)
    return measure


# --- roles -------------------------------------------------------------------


def grant_district_role(*, user: User, district: District, role: str) -> DistrictRole:
    grant, _created = DistrictRole.objects.get_or_create(user=user, district=district, role=role)
    permissions.forget_roles(user)
    return grant


def grant_membership(*, user: User, municipality: Municipality, role: str) -> Membership:
    membership, _created = Membership.objects.get_or_create(user=user, municipality=municipality, role=role)
    permissions.forget_roles(user)
    return membership


@transaction.atomic
def remove_membership(*, by: User, membership: Membership) -> None:
    if not permissions.may_administer_municipality(by, membership.municipality):
        raise PermissionDenied
    membership.delete()
