"""Machine-readable public views: ICS feeds and the JSON list for other websites.

Only approved and cancelled events ever leave through the feeds and the API;
a single event's .ics follows the detail page's rule (a manager may download
their own unpublished event to check it).
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from kreisintegration.public_cache import public_cache
from municipalities.models import Municipality
from municipalities.selectors import portal_district

from .. import ics, ics_text
from ..api import error_body, serialize_occurrence
from ..filters import FilterError, parse_event_filter, parse_feed_categories, parse_response_language
from ..models import Event
from ..openapi import openapi_document
from ..public_reference import attach_lists, with_list_ids
from ..selectors import public_events, public_occurrences
from .public import get_visible_event_or_404

FEED_CACHE_SECONDS = 300
# Subscribed feeds carry the past year and everything ahead; older events only bloat them.
FEED_PAST_DAYS = 365
API_PAGE_SIZE = 50
FEED_LISTS = ("fields_of_action", "target_groups")


def _calendar_response(calendar_bytes: bytes, *, filename: str, public: bool, attachment: bool = False):
    response = HttpResponse(calendar_bytes, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if public:
        patch_cache_control(response, public=True, max_age=FEED_CACHE_SECONDS)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _feed_events(*, categories: dict[str, list], **scope):
    horizon = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    # A VEVENT names the fields of action and target groups (CATEGORIES), not the languages: their ids
    # in the events' rows, the objects from the district's cached lists (``attach_lists``).
    events = with_list_ids(public_events(**scope, categories=()), FEED_LISTS)
    relations = {
        "field_of_action": "fields_of_action",
        "target_group": "target_groups",
        "language": "languages",
    }
    for parameter, chosen in categories.items():
        if chosen:
            # Any of the chosen values matches; EXISTS keeps each event once.
            through = getattr(Event, relations[parameter]).through
            column = {
                "field_of_action": "fieldofaction",
                "target_group": "targetgroup",
                "language": "language",
            }
            events = events.filter(
                Exists(through.objects.filter(event=OuterRef("pk"), **{f"{column[parameter]}__in": chosen}))
            )
    events = list(
        ics.with_occurrence_bounds(events).filter(last_occurrence_end__gte=horizon).order_by("start", "pk")
    )
    attach_lists(events, FEED_LISTS)
    return events


def _bad_feed_parameter(error: FilterError) -> HttpResponse:
    """Calendar programs show no JSON; the person who typed the URL reads a plain sentence."""
    return HttpResponse(
        f"{error.parameter}: {error.message}\n", status=400, content_type="text/plain; charset=utf-8"
    )


@csrf_exempt  # read-only: a POST gets a clean 405, not a CSRF page
@require_safe
@public_cache("events")
def event_ics(request, pk: int):
    event = get_visible_event_or_404(request.user, pk, queryset_hook=ics.with_occurrence_bounds)
    body = ics_text.calendar_bytes([event], name=event.title)
    return _calendar_response(
        body, filename=f"veranstaltung-{event.pk}.ics", public=event.is_public, attachment=True
    )


@csrf_exempt  # read-only: a POST gets a clean 405, not a CSRF page
@require_safe
@public_cache("events", anonymous_only=False)
def district_feed(request):
    district = portal_district()
    try:
        categories = parse_feed_categories(request.GET, district=district)
    except FilterError as error:
        return _bad_feed_parameter(error)
    if district is None:
        events = []
        name = _("Veranstaltungen")
    else:
        events = _feed_events(district=district, categories=categories)
        name = _("Veranstaltungen %(in_district)s") % {
            "in_district": district.locative,
            "district": district.name,
        }
    return _calendar_response(
        ics_text.calendar_bytes(events, name=name),
        filename=f"{district.slug if district else 'kreis'}.ics",
        public=True,
    )


@csrf_exempt  # read-only: a POST gets a clean 405, not a CSRF page
@require_safe
@public_cache("events", anonymous_only=False)
def municipality_feed(request, slug: str):
    """One municipality's feed, by its short name or its AGS (``/events/feed/05978036.ics``)."""
    municipality = get_object_or_404(
        Municipality.objects.select_related("district"), Q(slug=slug) | Q(ags=slug)
    )
    try:
        categories = parse_feed_categories(request.GET, district=municipality.district)
    except FilterError as error:
        return _bad_feed_parameter(error)
    name = _("Veranstaltungen in %(municipality)s") % {"municipality": municipality.name}
    return _calendar_response(
        ics_text.calendar_bytes(_feed_events(municipality=municipality, categories=categories), name=name),
        filename=f"{municipality.slug}.ics",
        public=True,
    )


def _json(data: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Public data for other websites (municipal homepages embed the list).
    response["Access-Control-Allow-Origin"] = "*"
    if status == 200:
        patch_cache_control(response, public=True, max_age=FEED_CACHE_SECONDS)
    return response


CORS_PREFLIGHT_MAX_AGE = 86400


def answers_cors_preflight(view):
    """OPTIONS from another website's script (a CORS preflight) gets the rules for GET."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "OPTIONS":
            return view(request, *args, **kwargs)
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, If-None-Match"
        response["Access-Control-Max-Age"] = str(CORS_PREFLIGHT_MAX_AGE)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response

    return wrapped


def _request_base_url(request) -> str:
    """Scheme and host of this request; ``get_host()`` refuses a host outside ALLOWED_HOSTS (400)."""
    return f"{request.scheme}://{request.get_host()}"


def _page_link(request, page_number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page_number)
    return f"{_request_base_url(request)}{request.path}?{urlencode(sorted(params.items()))}"


@csrf_exempt  # read-only: a POST gets a clean 405, not a CSRF page
@answers_cors_preflight
@require_safe
@public_cache("events", anonymous_only=False)
def api_events(request):
    """Approved and cancelled occurrences in a window, 50 per page (documented in the OpenAPI description)."""
    try:
        flt = parse_event_filter(request.GET, district=portal_district())
        language = parse_response_language(request.GET)
    except FilterError as error:
        return _json(error_body(error.parameter, error.message), status=400)

    paginator = Paginator(public_occurrences(flt), API_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (PageNotAnInteger, EmptyPage):
        return _json(
            error_body(
                "page",
                _("Ungültige Seite. Erlaubt sind ganze Zahlen von 1 bis %(last)s.")
                % {"last": paginator.num_pages},
            ),
            status=400,
        )
    return _json(
        {
            "count": paginator.count,
            "next": _page_link(request, page.next_page_number()) if page.has_next() else None,
            "previous": _page_link(request, page.previous_page_number()) if page.has_previous() else None,
            "results": [
                serialize_occurrence(occurrence, base_url=_request_base_url(request), language=language)
                for occurrence in page.object_list
            ],
        }
    )


@csrf_exempt  # read-only: a POST gets a clean 405, not a CSRF page
@answers_cors_preflight
@require_safe
def api_openapi(request):
    """The machine-readable description of the API (OpenAPI 3.1)."""
    response = _json(openapi_document())
    response["Content-Disposition"] = 'inline; filename="openapi.json"'
    return response


@require_safe
def api_docs(request):
    """The API described for people: parameters, answers, an example, the licence."""
    document = openapi_document()
    operation = document["paths"]["/api/events/"]["get"]
    return render(
        request,
        "events/api_docs.html",
        {
            "document": document,
            "operation": operation,
            "occurrence_fields": [
                (name, field.get("description", ""))
                for name, field in document["components"]["schemas"]["Occurrence"]["properties"].items()
            ],
            "example_url": f"{_request_base_url(request)}/api/events/?municipality=unna&start=2026-03-01&end=2026-03-31",
        },
    )
