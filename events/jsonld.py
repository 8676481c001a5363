"""schema.org description of a public event page (``Event`` or ``EventSeries``), as JSON-LD.

Search engines and calendar aggregators read it; every value is what the page itself shows, in the
visitor's language: ``name`` and ``description`` come from the event's translation into it when there
is one (as on the page), the German original otherwise.

Two languages are kept apart on purpose. The event's ``inLanguage`` is what schema.org defines it as,
the language(s) the event is held in (its offered languages): a German course described in Arabic is
still a German course, and newcomers who search for Arabic-speaking offers must not find it. The
language of the page, and of a translated name and description, is the ``inLanguage`` of the
``WebPage`` the event is the main entity of.
"""

from __future__ import annotations

from collections.abc import Sequence

from .api import iso_local
from .ics import absolute_url
from .models import Event, EventOccurrence

SCHEMA = "https://schema.org/"


def _location(event: Event) -> list[dict]:
    places = []
    if event.location_name or event.address:
        place = {"@type": "Place", "name": event.location_name or event.address}
        if event.address:
            place["address"] = {
                "@type": "PostalAddress",
                "streetAddress": event.street,
                "postalCode": event.postcode,
                "addressLocality": event.town or event.municipality.name,
                "addressCountry": "DE",
            }
        places.append(place)
    if event.online_url:
        places.append({"@type": "VirtualLocation", "url": event.online_url})
    return places


def _attendance_mode(event: Event) -> str:
    on_site = bool(event.location_name or event.address)
    if on_site and event.online_url:
        return SCHEMA + "MixedEventAttendanceMode"
    if event.online_url:
        return SCHEMA + "OnlineEventAttendanceMode"
    return SCHEMA + "OfflineEventAttendanceMode"


def _dates(event: Event, occurrence: EventOccurrence) -> dict:
    if event.all_day:
        return {
            "startDate": occurrence.start.date().isoformat(),
            "endDate": occurrence.end.date().isoformat(),
        }
    return {"startDate": iso_local(occurrence.start), "endDate": iso_local(occurrence.end)}


def event_json_ld(
    event: Event, occurrences: Sequence[EventOccurrence], *, language: str | None = None
) -> dict | None:
    """``occurrences``: the dates the page lists (upcoming, or the last ones of a past event);
    ``language``: the visitor's interface language (German when not given)."""
    if not event.is_public or not occurrences:
        return None
    text = event.localized(language)
    url = absolute_url(event.get_absolute_url())
    common = {
        "name": text.title,
        "eventStatus": SCHEMA
        + ("EventCancelled" if event.status == Event.Status.CANCELLED else "EventScheduled"),
        "eventAttendanceMode": _attendance_mode(event),
        "location": _location(event) or {"@type": "Place", "name": event.municipality.name},
        "organizer": {"@type": "Organization", "name": event.organiser or event.municipality.name},
        "url": url,
    }
    if text.description:
        common["description"] = text.description
    languages = [language.code for language in event.languages.all()]
    if languages:
        common["inLanguage"] = languages if len(languages) > 1 else languages[0]
    audiences = [group.name for group in event.target_groups.all()]
    if audiences:
        common["audience"] = {"@type": "Audience", "audienceType": ", ".join(audiences)}
    page = {"@type": "WebPage", "@id": url, "url": url, "inLanguage": (language or "de").split("-")[0]}
    if len(occurrences) == 1:
        return {
            "@context": SCHEMA,
            "@type": "Event",
            **common,
            **_dates(event, occurrences[0]),
            "mainEntityOfPage": page,
        }
    sub_events = [{"@type": "Event", **common, **_dates(event, occurrence)} for occurrence in occurrences]
    return {
        "@context": SCHEMA,
        "@type": "EventSeries",
        **common,
        "startDate": sub_events[0]["startDate"],
        "endDate": sub_events[-1]["endDate"],
        "subEvent": sub_events,
        "mainEntityOfPage": page,
    }
