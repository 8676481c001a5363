"""Parsing of the filter parameters shared by the calendar, the JSON API and the staff export.

Bad input raises ``FilterError`` naming the parameter, so the API can answer
400 and the calendar can show a German message instead of a 500.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import District, FieldOfAction, Language, Municipality, TargetGroup

from .public_reference import PublicReference, public_reference
from .recurrence import EARLIEST_DATE, LATEST_DATE
from .selectors import MAX_WINDOW_DAYS, EventFilter

MAX_QUERY_LENGTH = 200
# Parameter -> the list of the district's reference data its value is looked up in.
REFERENCE_LISTS = {
    "municipality": "municipalities",
    "field_of_action": "fields_of_action",
    "target_group": "target_groups",
    "language": "languages",
}
PARAMETERS = ("start", "end", "municipality", "field_of_action", "target_group", "language", "q")


class FilterError(ValueError):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def _parse_date(params, name: str) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise FilterError(
            name, _("Bitte ein Datum im Format JJJJ-MM-TT angeben, z. B. 2026-03-14.")
        ) from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise FilterError(
            name,
            _("Bitte ein Datum zwischen %(first)s und %(last)s angeben.")
            % {"first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()},
        )
    return value


def _lookup_slug(model, params, name: str, *, reference: PublicReference | None):
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if len(raw) > 80:
        found = None
    elif reference is not None:  # the district's, from the cache
        found = getattr(reference, name)(raw)
    else:
        found = model.objects.filter(slug=raw).first()
    if found is None:
        raise FilterError(name, _("Unbekannter Wert „%(value)s“.") % {"value": raw[:80]})
    return found


def parse_event_filter(
    params,
    *,
    district: District | None,
    default_start: date | None = None,
    default_days: int = 31,
    reference: PublicReference | None = None,
) -> EventFilter:
    """Turn query parameters into an ``EventFilter``; ``district`` scopes slugs and results
    (``reference``: the district's lists if the caller has them already)."""
    for name in PARAMETERS:
        # PostgreSQL refuses NUL in text; without this check a lookup would fail with a 500.
        if "\x00" in (params.get(name) or ""):
            raise FilterError(name, _("Der Wert enthält ungültige Zeichen."))
    start = _parse_date(params, "start") or default_start or timezone.localdate()
    end = _parse_date(params, "end") or (start + timedelta(days=default_days - 1))
    if end < start:
        raise FilterError("end", _("Das Ende des Zeitraums liegt vor dem Beginn."))
    if (end - start).days + 1 > MAX_WINDOW_DAYS:
        raise FilterError(
            "end", _("Der Zeitraum darf höchstens %(days)s Tage umfassen.") % {"days": MAX_WINDOW_DAYS}
        )

    # The district's municipalities, fields, groups and languages come from the cache (only the
    # lists the URL names).
    named = tuple(
        name
        for parameter, name in REFERENCE_LISTS.items()
        if (params.get(parameter) or "").strip() and (reference is None or not getattr(reference, name))
    )
    if district is not None and named:
        loaded = public_reference(district, named)
        reference = replace(reference or loaded, **{name: getattr(loaded, name) for name in named})
    municipality = None
    raw_municipality = (params.get("municipality") or "").strip()
    if raw_municipality:
        if len(raw_municipality) > 80:
            municipality = None
        elif reference is not None:
            municipality = reference.municipality(raw_municipality)
        else:
            municipality = (
                Municipality.objects.select_related("district")
                .filter(Q(slug=raw_municipality) | Q(ags=raw_municipality))
                .first()
            )
        if municipality is None:
            raise FilterError(
                "municipality",
                _("Unbekannte Kommune „%(value)s“ (Kurzname oder AGS).") % {"value": raw_municipality[:80]},
            )

    language = None
    raw_language = (params.get("language") or "").strip()
    if raw_language:
        if len(raw_language) > 12:
            language = None
        elif reference is not None:
            language = reference.language(raw_language)
        else:
            language = Language.objects.filter(code=raw_language).first()
        if language is None:
            raise FilterError(
                "language", _("Unbekannter Sprachcode „%(value)s“.") % {"value": raw_language[:12]}
            )

    q = (params.get("q") or "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise FilterError(
            "q", _("Der Suchbegriff ist zu lang (höchstens %(n)s Zeichen).") % {"n": MAX_QUERY_LENGTH}
        )

    return EventFilter(
        start=start,
        end=end,
        district=district,
        municipality=municipality,
        field_of_action=_lookup_slug(FieldOfAction, params, "field_of_action", reference=reference),
        target_group=_lookup_slug(TargetGroup, params, "target_group", reference=reference),
        language=language,
        q=q,
    )


FEED_PARAMETERS = ("field_of_action", "target_group", "language")
MAX_FEED_VALUES = 20


def _feed_values(params, name: str) -> list[str]:
    """Several values: repeated (``?language=ar&language=fa``) or comma-separated; case-insensitive."""
    values = []
    for raw in params.getlist(name):
        values.extend(part.strip().lower() for part in raw.split(","))
    values = list(dict.fromkeys(value for value in values if value))
    if len(values) > MAX_FEED_VALUES:
        raise FilterError(name, _("Höchstens %(n)s Werte je Parameter.") % {"n": MAX_FEED_VALUES})
    if any("\x00" in value or len(value) > 80 for value in values):
        raise FilterError(name, _("Der Wert enthält ungültige Zeichen."))
    return values


def _lookup_many(candidates, values: list[str], *, key: str, name: str) -> list:
    if not values:
        return []
    # Case-insensitive: a subscription URL may say "AR" or "Sprache-Bildung".
    if isinstance(candidates, QuerySet):
        candidates = candidates.annotate(lower_key=Lower(key)).filter(lower_key__in=values)
    found = {getattr(item, key).lower(): item for item in candidates}
    unknown = [value for value in values if value not in found]
    if unknown:
        raise FilterError(name, _("Unbekannter Wert „%(value)s“.") % {"value": unknown[0]})
    return [found[value] for value in values]


def parse_feed_categories(params, *, district: District | None) -> dict[str, list]:
    """The category filters of the ICS feeds: for each parameter the chosen objects (any of them
    matches); an unknown value raises ``FilterError``. A district's lists come from the cache."""
    sources = {
        "field_of_action": "fields_of_action",
        "target_group": "target_groups",
        "language": "languages",
    }
    models = {"field_of_action": FieldOfAction, "target_group": TargetGroup, "language": Language}
    chosen = {}
    for name, source in sources.items():
        values = _feed_values(params, name)
        key = "code" if name == "language" else "slug"
        if not values:
            candidates = ()
        elif district is None:
            candidates = models[name].objects.all()
        else:
            candidates = getattr(public_reference(district, (source,)), source)
        chosen[name] = _lookup_many(candidates, values, key=key, name=name)
    return chosen


def parse_response_language(params) -> str:
    """The API's ``lang``: the language of title and description (German when absent).

    Any interface language is accepted; an event without a translation into it answers in German,
    and ``inLanguage`` says which language the client got.
    """
    raw = (params.get("lang") or "").strip().lower()
    if not raw:
        return settings.LANGUAGE_CODE
    codes = [code for code, _name in settings.LANGUAGES]
    if raw not in codes:
        raise FilterError(
            "lang",
            _("Unbekannte Sprache „%(value)s“. Erlaubt sind: %(codes)s.")
            % {"value": raw[:12].replace("\x00", ""), "codes": ", ".join(codes)},
        )
    return raw
