"""The lists of an event (fields of action, target groups, languages): written and compared by
``services.save_event``."""

from __future__ import annotations

from .models import Event


def m2m_snapshot(event: Event) -> dict:
    if not event.pk:
        return {"fields_of_action": [], "target_groups": [], "languages": []}
    return {
        "fields_of_action": sorted(event.fields_of_action.values_list("slug", flat=True)),
        "target_groups": sorted(event.target_groups.values_list("slug", flat=True)),
        "languages": sorted(event.languages.values_list("code", flat=True)),
    }


def write_lists(event: Event, *, is_new: bool, fields_of_action, target_groups, languages) -> None:
    """A new event's lists are only added: nothing to compare with or to remove, so the (empty)
    lists are not read first. At BENCH_SCALE=400 each such read cost 3–7 ms (the planner joins from
    all 4,800 fields of action for an event id it has no statistics for)."""
    for related, items in (
        (event.fields_of_action, fields_of_action),
        (event.target_groups, target_groups),
        (event.languages, languages),
    ):
        if not is_new:
            related.set(items)
        elif items:
            related.add(*items)
