"""Reads of the DGS videos: the public page's list and the staff's scoped list."""

from __future__ import annotations

from django.db.models import QuerySet

from municipalities.models import District
from municipalities.permissions import districts_administered_by

from .models import SignLanguageVideo


def public_sign_language_videos(*, district: District | None) -> list[SignLanguageVideo]:
    if district is None:
        return []
    return list(SignLanguageVideo.objects.filter(district=district).order_by("position", "pk"))


def sign_language_videos_managed_by(user) -> QuerySet[SignLanguageVideo]:
    """The videos of the districts the user is KI staff of: every staff lookup goes through here."""
    return SignLanguageVideo.objects.filter(district__in=districts_administered_by(user)).select_related(
        "district"
    )
