"""Logged-in pages kept whole per person (``kreisintegration.private_cache.private_page``): the
scopes their keys hold and a mixin for a page whose cache hit is served before its permission check."""

from __future__ import annotations

from django.http import HttpResponse

from kreisintegration import private_cache

from .permissions import roles_of, roles_scope


def staff_scope(user) -> tuple:
    """The part of a KI staff page's key that names what the person may see: superuser or not, and
    the districts they administer."""
    roles = roles_of(user)
    return (roles.is_superuser, sorted(roles.staff_district_ids))


class EarlyCachedPageMixin:
    """A GET page kept per person and role scope under ``cache_namespaces``, whose stored copy is
    served before the permission check and the object lookup.

    That is safe only if everything the check reads (besides the roles, which are in the key)
    bumps one of ``cache_namespaces`` when it changes: a stored copy then proves that this person,
    with these roles, passed the check under the current versions. Put the mixin first among the
    bases. A view that must do something on every look, a hit included (e.g. write an audit entry),
    overrides ``served_from_cache``; what that needs is noted with ``private_cache.remember`` while
    the page renders.
    """

    cache_namespaces: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            hit = private_cache.private_page_hit(
                request, scope=roles_scope(request.user), namespaces=self.cache_namespaces
            )
            if hit is not None:
                return self.served_from_cache(*hit)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def served_from_cache(self, response: HttpResponse, remembered: dict) -> HttpResponse:
        return response

    def get(self, request, *args, **kwargs):
        parent = super()
        return private_cache.private_page(
            request,
            scope=roles_scope(request.user),
            namespaces=self.cache_namespaces,
            render=lambda extra: parent.get(request, *args, **{**kwargs, **extra}),  # type: ignore[attr-defined]
        )
