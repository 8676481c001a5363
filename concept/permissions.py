"""Who may see or change which part of the concept; built on ``municipalities.permissions``.

KI staff work on the concept of their district(s). A municipality's contacts read the
concept of their district once it is out of the drafting room (in consultation, adopted or
superseded), enter values only for their own municipality and update the status only of
measures their municipality owns.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from municipalities.models import District, Municipality
from municipalities.permissions import (
    RoleRequiredMixin,
    is_ki_staff,
    municipalities_managed_by,
    roles_of,
)

from .models import ConceptMeasure, ConceptVersion, Goal, Indicator, IndicatorValue


def concept_districts_of(user) -> QuerySet[District]:
    """Districts whose concept the user may read at all (staff or contact there)."""
    roles = roles_of(user)
    if roles.is_superuser:
        return District.objects.all()
    return District.objects.filter(
        Q(pk__in=roles.staff_district_ids) | Q(municipalities__pk__in=roles.contact_municipality_ids)
    ).distinct()


def may_use_concept(user) -> bool:
    roles = roles_of(user)
    return roles.is_ki_staff or roles.is_contact


def versions_visible_to(user) -> QuerySet[ConceptVersion]:
    roles = roles_of(user)
    if roles.is_superuser:
        return ConceptVersion.objects.all()
    staff = Q(concept__district_id__in=roles.staff_district_ids)
    contact = Q(concept__district__municipalities__pk__in=roles.contact_municipality_ids) & ~Q(
        status=ConceptVersion.Status.DRAFT
    )
    return ConceptVersion.objects.filter(staff | contact).distinct()


def versions_editable_by(user) -> QuerySet[ConceptVersion]:
    """Versions whose content the user may change (KI staff of the district); frozen ones are
    included so that an attempt answers 409, not 404."""
    roles = roles_of(user)
    if roles.is_superuser:
        return ConceptVersion.objects.all()
    return ConceptVersion.objects.filter(concept__district_id__in=roles.staff_district_ids)


def goals_visible_to(user) -> QuerySet[Goal]:
    return Goal.objects.filter(version__in=versions_visible_to(user))


def goals_editable_by(user) -> QuerySet[Goal]:
    return Goal.objects.filter(version__in=versions_editable_by(user))


def indicators_visible_to(user) -> QuerySet[Indicator]:
    return Indicator.objects.filter(district__in=concept_districts_of(user))


def value_municipalities_of(user) -> QuerySet[Municipality]:
    """Municipalities the user may enter values for (KI staff: the district's; contact: own)."""
    return municipalities_managed_by(user)


def may_enter_district_values(user, district: District) -> bool:
    return is_ki_staff(user, district)


def values_editable_by(user) -> QuerySet[IndicatorValue]:
    roles = roles_of(user)
    if roles.is_superuser:
        return IndicatorValue.objects.all()
    return IndicatorValue.objects.filter(
        Q(indicator__district_id__in=roles.staff_district_ids)
        | Q(municipality_id__in=roles.contact_municipality_ids)
    )


def measures_status_editable_by(user) -> QuerySet[ConceptMeasure]:
    """KI staff: every measure of their district; contacts: the measures their municipality owns."""
    roles = roles_of(user)
    if roles.is_superuser:
        return ConceptMeasure.objects.all()
    return ConceptMeasure.objects.filter(
        Q(goal__version__concept__district_id__in=roles.staff_district_ids)
        | Q(
            owner_kind=ConceptMeasure.OwnerKind.MUNICIPALITY,
            owner_municipality_id__in=roles.contact_municipality_ids,
        )
    )


def may_update_measure_status(user, measure: ConceptMeasure) -> bool:
    return measures_status_editable_by(user).filter(pk=measure.pk).exists()


class ConceptUserRequiredMixin(RoleRequiredMixin):
    """KI staff or a municipal contact; everyone else gets 403 (anonymous: login)."""

    def has_role(self) -> bool:
        return may_use_concept(self.request.user)
