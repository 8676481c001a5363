"""Who may see or do what in engagement: organisation members see only their own organisation.

Paired as everywhere in the portal: a predicate or mixin for the role (anonymous → login,
logged in without the role → 403) and a scoped queryset for objects (another organisation's
application → 404, because its existence is private).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from municipalities.permissions import RoleRequiredMixin, is_ki_staff, roles_of

from .models import Application, Organisation, OrganisationMember


def organisation_of(user) -> Organisation | None:
    """The organisation a user acts for (confirmed address), or None; cached per request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_engagement_organisation"):
        membership = (
            OrganisationMember.objects.filter(user=user)
            .exclude(organisation__status=Organisation.Status.UNCONFIRMED)
            .select_related("organisation__district", "organisation__municipality")
            .order_by("pk")
            .first()
        )
        user._engagement_organisation = membership.organisation if membership else None
    return user._engagement_organisation


def organisations_visible_to(user) -> QuerySet[Organisation]:
    roles = roles_of(user)
    if roles.is_superuser:
        return Organisation.objects.all()
    own = organisation_of(user)
    return Organisation.objects.filter(
        Q(district_id__in=roles.staff_district_ids) | Q(pk=own.pk if own else None)
    )


def organisations_administered_by(user) -> QuerySet[Organisation]:
    roles = roles_of(user)
    if roles.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(district_id__in=roles.staff_district_ids)


def applications_visible_to(user) -> QuerySet[Application]:
    """KI staff: their districts' applications except drafts; members: their organisation's."""
    roles = roles_of(user)
    own = organisation_of(user)
    staff = Q(organisation__district_id__in=roles.staff_district_ids) & ~Q(status=Application.Status.DRAFT)
    if roles.is_superuser:
        staff = ~Q(status=Application.Status.DRAFT)
    mine = Q(organisation_id=own.pk) if own else Q(pk__in=[])
    return Application.objects.filter(staff | mine)


def applications_editable_by(user) -> QuerySet[Application]:
    """Only the applicant organisation edits, and only drafts or applications returned for changes."""
    own = organisation_of(user)
    if own is None:
        return Application.objects.none()
    return Application.objects.filter(organisation=own)


def applications_decidable_by(user) -> QuerySet[Application]:
    roles = roles_of(user)
    queryset = Application.objects.exclude(status=Application.Status.DRAFT)
    if roles.is_superuser:
        return queryset
    return queryset.filter(organisation__district_id__in=roles.staff_district_ids)


class OrganisationMemberRequiredMixin(RoleRequiredMixin):
    """A member of an organisation whose address is confirmed; ``self.organisation`` is set."""

    def has_role(self) -> bool:
        self.organisation = organisation_of(self.request.user)
        return self.organisation is not None


class ApplicationReaderMixin(RoleRequiredMixin):
    """Organisation members and KI staff; the object itself comes from a scoped queryset."""

    def has_role(self) -> bool:
        return organisation_of(self.request.user) is not None or is_ki_staff(self.request.user)
