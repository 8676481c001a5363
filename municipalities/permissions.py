"""Who may see or do what: the one module every view asks.

Two kinds of answer, always used together:

* predicates (``may_manage_municipality(user, municipality)``) for one object;
* scoped querysets (``municipalities_managed_by(user)``) for lists, POST
  lookups and the choices of foreign-key form fields.

Views get both through ``KIStaffRequiredMixin`` and
``MunicipalityPermissionMixin``: anonymous users are sent to the login page,
logged-in users without the right get 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts import user_state
from outbox.models import OutboxMail

from .models import District, DistrictRole, Membership, Municipality


@dataclass(frozen=True)
class Roles:
    """Every role one user holds, loaded once per request."""

    is_superuser: bool
    staff_district_ids: frozenset[int]
    trainer_district_ids: frozenset[int]
    volunteer_district_ids: frozenset[int]
    contact_municipality_ids: frozenset[int]

    @property
    def is_ki_staff(self) -> bool:
        return self.is_superuser or bool(self.staff_district_ids)

    @property
    def is_contact(self) -> bool:
        return bool(self.contact_municipality_ids)

    @property
    def is_trainer(self) -> bool:
        return bool(self.trainer_district_ids)

    @property
    def is_volunteer(self) -> bool:
        return bool(self.volunteer_district_ids)

    @property
    def has_any(self) -> bool:
        return self.is_ki_staff or self.is_contact or self.is_trainer or self.is_volunteer


NO_ROLES = Roles(False, frozenset(), frozenset(), frozenset(), frozenset())

_CACHE_ATTR = "_kreisintegration_roles"
# Marks the membership rows in the one query of ``roles_of``; never a district role's value.
_CONTACT_ROW = "municipality-contact"


def roles_of(user) -> Roles:
    """The roles of ``user``, cached on the user object for the request and in the shared cache
    across requests (``accounts.user_state``: renewed when a role, a membership or the account
    changes, see ``signals.py``)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    staff, trainer, volunteer, contact = user_state.cached(user, "roles", lambda: _roles_from_database(user))
    roles = Roles(
        is_superuser=user.is_superuser,
        staff_district_ids=staff,
        trainer_district_ids=trainer,
        volunteer_district_ids=volunteer,
        contact_municipality_ids=contact,
    )
    setattr(user, _CACHE_ATTR, roles)
    return roles


def _roles_from_database(user) -> tuple[frozenset[int], frozenset[int], frozenset[int], frozenset[int]]:
    by_role: dict[str, set[int]] = {role: set() for role in (*DistrictRole.Role.values, _CONTACT_ROW)}
    # District roles and contact memberships in one query, in plain SQL: read on the first request
    # of every logged-in person, and the ORM took several times longer to build the UNION than the
    # database to answer it.
    district_roles, memberships = DistrictRole._meta, Membership._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {district_roles.get_field("role").column}, {district_roles.get_field("district").column}
            FROM {district_roles.db_table} WHERE {district_roles.get_field("user").column} = %s
            UNION ALL
            SELECT %s, {memberships.get_field("municipality").column}
            FROM {memberships.db_table}
            WHERE {memberships.get_field("user").column} = %s AND {memberships.get_field("role").column} = %s
            """,  # noqa: S608 - table and column names from the models' meta
            [user.pk, _CONTACT_ROW, user.pk, str(Membership.Role.CONTACT)],
        )
        rows = cursor.fetchall()
    for role, pk in rows:
        by_role[role].add(pk)
    return (
        frozenset(by_role[DistrictRole.Role.KI_STAFF]),
        frozenset(by_role[DistrictRole.Role.TRAINER]),
        frozenset(by_role[DistrictRole.Role.VOLUNTEER]),
        frozenset(by_role[_CONTACT_ROW]),
    )


def roles_scope(user) -> tuple:
    """All roles of ``user`` as a stable, comparable value: part of the key of a page cached per
    person, so that a role change is a new key and nobody keeps a page they may no longer see."""
    roles = roles_of(user)
    return (
        roles.is_superuser,
        *(
            tuple(sorted(ids))
            for ids in (
                roles.staff_district_ids,
                roles.trainer_district_ids,
                roles.volunteer_district_ids,
                roles.contact_municipality_ids,
            )
        ),
    )


def forget_roles(user) -> None:
    """Drop the cached roles after a role change within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def needs_second_factor(user) -> bool:
    """KI staff, trainers and users of the Django admin confirm their login with a second factor;
    municipal contacts too when ``settings.TWO_FACTOR_FOR_CONTACTS`` is "required"."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    roles = roles_of(user)
    if roles.is_contact and settings.TWO_FACTOR_FOR_CONTACTS == "required":
        return True
    return bool(roles.staff_district_ids or roles.trainer_district_ids)


# --- districts ---------------------------------------------------------------


def districts_administered_by(user) -> QuerySet[District]:
    roles = roles_of(user)
    if roles.is_superuser:
        return District.objects.all()
    return District.objects.filter(pk__in=roles.staff_district_ids)


def is_ki_staff(user, district: District | None = None) -> bool:
    roles = roles_of(user)
    if roles.is_superuser:
        return True
    if district is None:
        return bool(roles.staff_district_ids)
    return district.pk in roles.staff_district_ids


def outbox_mails_visible_to(user) -> QuerySet[OutboxMail]:
    """Mails of the districts the user is KI staff of; mails without a district
    (password reset and the like) only for superusers."""
    roles = roles_of(user)
    if roles.is_superuser:
        return OutboxMail.objects.all()
    return OutboxMail.objects.filter(district_id__in=roles.staff_district_ids)


# --- municipalities ----------------------------------------------------------


def municipalities_administered_by(user) -> QuerySet[Municipality]:
    """Municipalities whose master data, contacts and invitations the user manages (KI staff)."""
    roles = roles_of(user)
    if roles.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(district_id__in=roles.staff_district_ids)


def municipalities_managed_by(user) -> QuerySet[Municipality]:
    """Municipalities whose own data (events, measures, figures) the user may work on.

    KI staff: every municipality of their districts. Municipal contacts: the
    municipalities they are members of, and nothing else.
    """
    roles = roles_of(user)
    if roles.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(
        Q(district_id__in=roles.staff_district_ids) | Q(pk__in=roles.contact_municipality_ids)
    )


def may_administer_municipality(user, municipality: Municipality) -> bool:
    return is_ki_staff(user, municipality.district)


def may_manage_municipality(user, municipality: Municipality) -> bool:
    roles = roles_of(user)
    return may_administer_municipality(user, municipality) or (
        municipality.pk in roles.contact_municipality_ids
    )


def memberships_visible_to(user) -> QuerySet[Membership]:
    """Who the contacts of a municipality are is visible to KI staff and fellow contacts."""
    return Membership.objects.filter(municipality__in=municipalities_managed_by(user))


# --- view mixins -------------------------------------------------------------


class RoleRequiredMixin(AccessMixin):
    """Base: anonymous → login page; logged in without the right → 403."""

    # Set by Django's View, which comes after the mixin in every view's bases.
    request: HttpRequest
    kwargs: dict[str, Any]

    def has_role(self) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_role():
            self.raise_exception = True
            return self.handle_no_permission()
        # The View after this mixin in the MRO has dispatch; AccessMixin alone does not.
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class KIStaffRequiredMixin(RoleRequiredMixin):
    def has_role(self) -> bool:
        return is_ki_staff(self.request.user)


class MunicipalityPermissionMixin(RoleRequiredMixin):
    """Loads ``self.municipality`` from the ``slug`` URL argument and checks the right.

    ``municipality_permission`` is ``"manage"`` (KI staff of the district or
    a contact of the municipality) or ``"administer"`` (KI staff only).
    """

    municipality_permission = "manage"
    municipality_url_kwarg = "slug"

    def has_role(self) -> bool:
        self.municipality = get_object_or_404(
            Municipality.objects.select_related("district"),
            slug=self.kwargs[self.municipality_url_kwarg],
        )
        if self.municipality_permission == "administer":
            return may_administer_municipality(self.request.user, self.municipality)
        if self.municipality_permission == "manage":
            return may_manage_municipality(self.request.user, self.municipality)
        raise Http404  # unknown permission name: fail closed
