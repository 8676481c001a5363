"""A district's reference data as the public calendar, the API and the feeds read it, cached.

Every public request of the events pages needs the district's municipalities, fields of action,
target groups and the languages: for the filter form's choices and to turn the slugs of the URL
into objects. They change rarely, but each was a query on every page that missed the page cache
(a new month, filter or feed). Here they are read once and kept in the shared cache under the
"events" data version (``public_cache``): saving or deleting a district, municipality, field of
action, target group or language invalidates every namespace (``municipalities/signals.py``), so
an entry never outlives the data it holds. The version is read before the rows (``lookup``), so
rows written meanwhile are at worst stored under the version their commit ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from kreisintegration import public_cache
from municipalities.models import District, FieldOfAction, Language, Municipality, TargetGroup

NAMESPACE = "events"
LISTS = ("municipalities", "fields_of_action", "target_groups", "languages")


@dataclass(frozen=True)
class PublicReference:
    """Lists in the order the pages show them (municipalities by name, the rest by position); only
    the lists asked for are loaded, the others are empty."""

    municipalities: tuple[Municipality, ...] = ()  # the district's, each with its district
    fields_of_action: tuple[FieldOfAction, ...] = ()  # all of the district's, inactive ones too
    target_groups: tuple[TargetGroup, ...] = ()
    languages: tuple[Language, ...] = ()

    @property
    def active_fields_of_action(self) -> list[FieldOfAction]:
        return [item for item in self.fields_of_action if item.is_active]

    @property
    def active_target_groups(self) -> list[TargetGroup]:
        return [item for item in self.target_groups if item.is_active]

    def municipality(self, value: str) -> Municipality | None:
        """The district's municipality with this short name or AGS."""
        return next((item for item in self.municipalities if value in (item.slug, item.ags)), None)

    def field_of_action(self, slug: str) -> FieldOfAction | None:
        return next((item for item in self.fields_of_action if item.slug == slug), None)

    def target_group(self, slug: str) -> TargetGroup | None:
        return next((item for item in self.target_groups if item.slug == slug), None)

    def language(self, code: str) -> Language | None:
        return next((item for item in self.languages if item.code == code), None)


def _key(district: District, name: str) -> str:
    return f"public-reference:{district.pk}:{name}"


def _load(district: District, name: str) -> tuple:
    if name == "municipalities":
        queryset = Municipality.objects.filter(district=district).select_related("district").order_by("name")
    elif name == "languages":
        queryset = Language.objects.order_by("position", "name")
    else:
        model = FieldOfAction if name == "fields_of_action" else TargetGroup
        queryset = model.objects.filter(district=district).order_by("position", "name")
    return tuple(queryset)


def public_reference(district: District, names: tuple[str, ...] = LISTS) -> PublicReference:
    """The district's lists ``names``, from the cache while the "events" version is unchanged (one
    round trip); a missing list is one query, then kept."""
    keys = {name: _key(district, name) for name in names}
    current, entries = public_cache.lookup_many(list(keys.values()), NAMESPACE)
    lists = {}
    for name, key in keys.items():
        if key in entries:
            lists[name] = entries[key][2]
        else:
            lists[name] = _load(district, name)
            cache.set(key, (NAMESPACE, current, lists[name]), public_cache.PAGE_TIMEOUT)
    return PublicReference(**lists)
