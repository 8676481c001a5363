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

from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.db import connections
from django.db.models import OuterRef, QuerySet

from events.models import Event
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


# An event's lists (many-to-many) and the column of their through table.
EVENT_LISTS = {
    "fields_of_action": "fieldofaction_id",
    "target_groups": "targetgroup_id",
    "languages": "language_id",
}
_REFERENCE_MODELS = {"fields_of_action": FieldOfAction, "target_groups": TargetGroup, "languages": Language}


def with_list_ids(queryset: QuerySet, names: tuple[str, ...]) -> QuerySet:
    """Each event with the ids of its lists ``names`` (``<name>_ids``), in the events' own query.

    PostgreSQL only (an array per list); on other databases (the SQLite file of ``make run``)
    ``attach_lists`` reads the ids in one query per list instead."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset
    return queryset.annotate(
        **{
            f"{name}_ids": ArraySubquery(
                getattr(Event, name).through.objects.filter(event=OuterRef("pk")).values(EVENT_LISTS[name])
            )
            for name in names
        }
    )


def attach_lists(events: list, names: tuple[str, ...]) -> None:
    """Fill the lists ``names`` of events loaded ``with_list_ids`` from their district's cached
    reference lists, as ``prefetch_related`` would (same objects, same order: position, name), so
    ``event.fields_of_action.all()`` reads no rows. The reference lists are invalidated with the
    "events" version whenever a field of action, target group or language changes. An id the
    district's lists do not hold (data of another district) is read from the database."""
    _read_list_ids_where_missing(events, names)
    by_district: dict[int, list] = {}
    for event in events:
        by_district.setdefault(event.municipality.district_id, []).append(event)
    for district_events in by_district.values():
        reference = public_reference(district_events[0].municipality.district, names)
        for name in names:
            available = {item.pk: item for item in getattr(reference, name)}
            missing = {
                pk for event in district_events for pk in getattr(event, f"{name}_ids") if pk not in available
            }
            if missing:
                model = _REFERENCE_MODELS[name]
                extra = model.objects.filter(pk__in=missing).order_by("position", "name")
                available = {item.pk: item for item in sorted([*available.values(), *extra], key=_position)}
            order = {pk: index for index, pk in enumerate(available)}
            for event in district_events:
                ids = sorted(set(getattr(event, f"{name}_ids")), key=order.__getitem__)
                _set_prefetched(event, name, [available[pk] for pk in ids])


def _read_list_ids_where_missing(events: list, names: tuple[str, ...]) -> None:
    """``<name>_ids`` of events loaded without them (``with_list_ids`` on a database other than
    PostgreSQL): one query per list for all the events."""
    for name in names:
        lacking = [event for event in events if not hasattr(event, f"{name}_ids")]
        if not lacking:
            continue
        ids: dict[int, list[int]] = {event.pk: [] for event in lacking}
        through = getattr(Event, name).through.objects.filter(event__in=list(ids))
        for event_id, item_id in through.values_list("event_id", EVENT_LISTS[name]):
            ids[event_id].append(item_id)
        for event in lacking:
            setattr(event, f"{name}_ids", ids[event.pk])


def _position(item) -> tuple:
    return (item.position, item.name)


def _set_prefetched(event, name: str, items: list) -> None:
    """What ``prefetch_related`` stores: the related manager's queryset with its rows already there."""
    queryset = getattr(event, name).all()
    queryset._result_cache = items
    queryset._prefetch_done = True
    if not hasattr(event, "_prefetched_objects_cache"):
        event._prefetched_objects_cache = {}
    event._prefetched_objects_cache[name] = queryset
