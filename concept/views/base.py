"""Shared pieces of the concept views: scoped lookups and the 409 answer for frozen versions."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from municipalities.models import District

from .. import permissions
from ..errors import ConceptFrozen
from ..models import ConceptVersion


def render_frozen(request, error: ConceptFrozen, version: ConceptVersion | None = None):
    return render(request, "concept/frozen.html", {"message": error.message, "version": version}, status=409)


class FrozenAnswersConflictMixin:
    """A domain ``ConceptFrozen`` from a service (or a GET of an edit page) answers 409."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except ConceptFrozen as error:
            return render_frozen(request, error, getattr(self, "version", None))


def visible_version(user, pk: int) -> ConceptVersion:
    return get_object_or_404(versions_qs(permissions.versions_visible_to(user)), pk=pk)


def editable_version(user, pk: int) -> ConceptVersion:
    return get_object_or_404(versions_qs(permissions.versions_editable_by(user)), pk=pk)


def versions_qs(queryset):
    return ConceptVersion.objects.filter(pk__in=queryset.values("pk")).select_related("concept__district")


def district_of(user) -> District | None:
    """The district the user works in on these pages (the first, for people in several)."""
    return permissions.concept_districts_of(user).order_by("name").first()
