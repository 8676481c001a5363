"""Reads that more than one view needs."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from .models import District, Invitation, Membership, Municipality

PORTAL_DISTRICT_CACHE_KEY = "portal-district"


def portal_district() -> District | None:
    """The district presented on public pages: PORTAL_DISTRICT_SLUG or the first one.

    Every page asks for it, so it is cached (``signals.py`` drops it when a district changes).
    """
    district = cache.get(PORTAL_DISTRICT_CACHE_KEY)
    if district is not None:
        return district
    queryset = District.objects.all()
    district = None
    if settings.PORTAL_DISTRICT_SLUG:
        district = queryset.filter(slug=settings.PORTAL_DISTRICT_SLUG).first()
    if district is None:
        district = queryset.order_by("pk").first()
    if district is not None:
        cache.set(PORTAL_DISTRICT_CACHE_KEY, district, 300)
    return district


def public_municipalities(*, district: District | None) -> QuerySet[Municipality]:
    queryset = Municipality.objects.select_related("district").order_by("name")
    if district is not None:
        queryset = queryset.filter(district=district)
    return queryset


def municipalities_with_key_figures(queryset: QuerySet[Municipality]) -> QuerySet[Municipality]:
    """Annotate contacts and open invitations in one query, for the district overview."""
    from django.db.models.functions import Now

    return queryset.select_related("district").annotate(
        contact_count=Count(
            "memberships",
            filter=Q(memberships__role=Membership.Role.CONTACT),
            distinct=True,
        ),
        open_invitation_count=Count(
            "invitations",
            filter=Q(
                invitations__accepted_at__isnull=True,
                invitations__revoked_at__isnull=True,
                invitations__expires_at__gt=Now(),
            ),
            distinct=True,
        ),
    )


def contacts_of(municipality: Municipality) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(municipality=municipality, role=Membership.Role.CONTACT)
        .select_related("user")
        .order_by("user__full_name")
    )


def invitations_of(municipality: Municipality) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(municipality=municipality)
        .select_related("invited_by")
        .order_by("-created_at")
    )
