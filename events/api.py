"""JSON shapes of the public events API (``/api/events/``).

Plain dictionaries, no framework: the API is read-only, public and small.
Every value is taken from rows the selector already loaded (select_related /
prefetch_related), so serialising a page never queries the database.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from .models import EventOccurrence
from .recurrence import local_zone


def iso_local(value: datetime) -> str:
    """ISO 8601 in Europe/Berlin with its offset, e.g. ``2026-03-14T18:00:00+01:00``."""
    return timezone.localtime(value, local_zone()).isoformat()


def serialize_occurrence(occurrence: EventOccurrence, *, base_url: str, language: str = "de") -> dict:
    """``base_url``: scheme and host the client asked for (``https://host``), never a fixed setting.

    ``language``: the client's ``lang``; title and description are its translation when the event
    has one and the German original otherwise, ``inLanguage`` says which.
    """
    event = occurrence.event
    municipality = event.municipality
    # localized() reads the prefetched translations (selectors.event_lists_prefetch): no query.
    text = event.localized(language)
    return {
        "id": occurrence.pk,
        "event_id": event.pk,
        "title": text.title,
        "description": text.description,
        "inLanguage": text.lang,
        "start": iso_local(occurrence.start),
        "end": iso_local(occurrence.end),
        "all_day": event.all_day,
        "municipality": {"slug": municipality.slug, "name": municipality.name, "ags": municipality.ags},
        "location": {
            "name": event.location_name,
            "street": event.street,
            "postcode": event.postcode,
            "town": event.town,
        },
        "online_url": event.online_url,
        "fields_of_action": [{"slug": f.slug, "name": f.name} for f in event.fields_of_action.all()],
        "target_groups": [{"slug": g.slug, "name": g.name} for g in event.target_groups.all()],
        "languages": [{"code": lang.code, "name": lang.name} for lang in event.languages.all()],
        "status": event.status,
        "url": f"{base_url}{event.get_absolute_url()}",
        # Prefetched with the lists (selectors.event_lists_prefetch): no query per row.
        "translations": {
            t.language: {"title": t.title, "description": t.description, "inLanguage": t.language}
            for t in event.translations.all()
        },
    }


def error_body(parameter: str, message: str) -> dict:
    return {"error": {"parameter": parameter, "message": str(message)}}
