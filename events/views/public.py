"""Public pages of the events app: the district calendar and an event's detail page.

Everyone may use them. Only approved and cancelled events are shown; a
manager of the event's municipality may also open the detail page of an
unpublished event to check it. Everybody else gets a 404, because even the
existence of a draft is private.
"""

from __future__ import annotations

import calendar as pycalendar
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from kreisintegration.public_cache import public_cache
from municipalities import permissions
from municipalities.selectors import portal_district

from ..calendar_render import DayLabels, day_labels
from ..filters import FilterError, parse_event_filter
from ..jsonld import event_json_ld
from ..models import Event, EventOccurrence
from ..public_reference import EVENT_LISTS, PublicReference, attach_lists, public_reference, with_list_ids
from ..recurrence import describe, local_zone
from ..selectors import EventFilter, public_occurrences

VIEWS = {
    "list": gettext_lazy("Liste"),
    "month": gettext_lazy("Monat"),
    "week": gettext_lazy("Woche"),
}
DEFAULT_VIEW = "list"
LIST_DEFAULT_DAYS = 31
LIST_PAGE_SIZE = 100
DETAIL_MAX_DATES = 20
FILTER_PARAMS = ("municipality", "field_of_action", "target_group", "language", "q", "start", "end")


# --- visibility -------------------------------------------------------------


@cache
def _visible_event_queryset() -> QuerySet[Event]:
    """What an event page loads, built once per process (never evaluated: each use filters a copy).

    The event's fields of action, target groups and languages: their ids in the event's row, the
    objects from the district's cached lists (``public_reference.attach_lists``)."""
    return with_list_ids(
        Event.objects.select_related("municipality__district").prefetch_related("translations"),
        tuple(EVENT_LISTS),
    )


def get_visible_event_or_404(user, pk: int, *, queryset_hook: Callable[[QuerySet], QuerySet] | None = None):
    """The event if it is public or ``user`` may manage its municipality; 404 otherwise."""
    queryset = _visible_event_queryset()
    if queryset_hook is not None:
        queryset = queryset_hook(queryset)
    event = queryset.filter(pk=pk).first()
    if event is None:
        raise Http404
    attach_lists([event], tuple(EVENT_LISTS))
    if not event.is_public and not permissions.may_manage_municipality(user, event.municipality):
        raise Http404
    return event


# --- calendar ---------------------------------------------------------------


@dataclass
class Day:
    date: date
    occurrences: list = field(default_factory=list)
    in_month: bool = True

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()

    @cached_property
    def labels(self) -> DayLabels:
        return day_labels(self.date)


def _local_days(occurrence: EventOccurrence, first: date, last: date) -> list[date]:
    """The local days an occurrence touches within [first, last] (an end at midnight is not a day)."""
    zone = local_zone()
    start = timezone.localtime(occurrence.start, zone)
    end = timezone.localtime(occurrence.end, zone)
    start_day, end_day = start.date(), end.date()
    if end.time() == datetime.min.time() and end_day > start_day:
        end_day -= timedelta(days=1)
    start_day, end_day = max(start_day, first), min(end_day, last)
    return [start_day + timedelta(days=n) for n in range((end_day - start_day).days + 1)]


def _days(occurrences, first: date, last: date, *, month: int | None = None) -> list[Day]:
    days = {first + timedelta(days=n): Day(first + timedelta(days=n)) for n in range((last - first).days + 1)}
    for day in days.values():
        day.in_month = month is None or day.date.month == month
    for occurrence in occurrences:
        for day in _local_days(occurrence, first, last):
            days[day].occurrences.append(occurrence)
    return list(days.values())


def _weeks(days: list[Day]) -> list[list[Day]]:
    return [days[i : i + 7] for i in range(0, len(days), 7)]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_window(anchor: date) -> tuple[date, date]:
    first = anchor.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    return _monday(first), _monday(last) + timedelta(days=6)


def _shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class _FirstPage:
    """What ``Paginator`` needs of a list whose first page is already loaded: its length and that page."""

    def __init__(self, rows: list, total: int) -> None:
        self.rows, self.total = rows, total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: slice) -> list:
        loaded = len(self.rows)
        if (
            index.start not in (0, None)
            or index.stop is None
            or (index.stop > loaded and self.total > loaded)
        ):
            raise IndexError("only the first page is loaded")
        return self.rows[index]


@method_decorator(public_cache("events"), name="dispatch")
class CalendarView(TemplateView):
    """District calendar: list (default), month or week, filters kept in the URL.

    A calendar entry shows no field of action, target group or language: they are not loaded.
    """

    template_name = "events/calendar.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        district = portal_district()
        # The district's lists (cached): the filter form's choices and the URL's slugs.
        reference = public_reference(district) if district is not None else None
        view = params.get("view") if params.get("view") in VIEWS else DEFAULT_VIEW
        context.update(
            portal_district=district,
            view=view,
            views=[(key, label, self._url(view=key)) for key, label in VIEWS.items()],
            params={name: (params.get(name) or "").strip() for name in FILTER_PARAMS},
            filter_error=None,
            feed_url=reverse("events:feed_district"),
            municipality_feed=None,
            api_url=reverse("events:api_events"),
            **self._choices(reference),
        )
        try:
            flt = parse_event_filter(
                params,
                district=district,
                default_days=LIST_DEFAULT_DAYS,
                reference=reference,
            )
        except FilterError as error:
            context["filter_error"] = error
            self.response_status = 400
            return context

        if view == "month":
            context.update(self._month(flt))
        elif view == "week":
            context.update(self._week(flt))
        else:
            context.update(self._list(flt))
        if flt.municipality is not None:
            context["municipality_feed"] = (
                flt.municipality,
                reverse("events:feed_municipality", kwargs={"slug": flt.municipality.slug}),
            )
        return context

    def render_to_response(self, context, **response_kwargs):
        response_kwargs.setdefault("status", getattr(self, "response_status", 200))
        return super().render_to_response(context, **response_kwargs)

    # the three views ----------------------------------------------------

    def _month(self, flt: EventFilter) -> dict:
        anchor = flt.start.replace(day=1)
        first, last = _month_window(anchor)
        occurrences = list(public_occurrences(replace(flt, start=first, end=last), categories=()))
        return {
            "heading": date_format(anchor, "F Y"),
            "weeks": _weeks(_days(occurrences, first, last, month=anchor.month)),
            "previous_url": self._url(view="month", start=_shift_month(anchor, -1).isoformat(), end=""),
            "next_url": self._url(view="month", start=_shift_month(anchor, 1).isoformat(), end=""),
            "previous_label": date_format(_shift_month(anchor, -1), "F Y"),
            "next_label": date_format(_shift_month(anchor, 1), "F Y"),
            "occurrence_count": len(occurrences),
        }

    def _week(self, flt: EventFilter) -> dict:
        first = _monday(flt.start)
        last = first + timedelta(days=6)
        occurrences = list(public_occurrences(replace(flt, start=first, end=last), categories=()))
        previous_start, next_start = first - timedelta(days=7), first + timedelta(days=7)
        return {
            "heading": _("Woche vom %(first)s bis %(last)s")
            # Translators: date formats (Django's date filter) follow the language's convention.
            % {"first": date_format(first, _("j. F")), "last": date_format(last, _("j. F Y"))},
            "days": _days(occurrences, first, last),
            "previous_url": self._url(view="week", start=previous_start.isoformat(), end=""),
            "next_url": self._url(view="week", start=next_start.isoformat(), end=""),
            "previous_label": _("vorherige Woche"),
            "next_label": _("nächste Woche"),
            "occurrence_count": len(occurrences),
        }

    def _list(self, flt: EventFilter) -> dict:
        occurrences = public_occurrences(flt, categories=())
        number = self.request.GET.get("page")
        if number in (None, "", "1"):
            # The first page (most lists have only one): its rows and one more in one query; fewer
            # than a full page are all there is, so the count needs no query of its own.
            rows = list(occurrences[: LIST_PAGE_SIZE + 1])
            total = len(rows) if len(rows) <= LIST_PAGE_SIZE else occurrences.count()
            occurrences = _FirstPage(rows[:LIST_PAGE_SIZE], total)
        paginator = Paginator(occurrences, LIST_PAGE_SIZE)
        page = paginator.get_page(number)
        groups: dict[date, list] = {}
        for occurrence in page.object_list:
            day = max(timezone.localtime(occurrence.start, local_zone()).date(), flt.start)
            groups.setdefault(day, []).append(occurrence)
        return {
            "heading": _("%(first)s bis %(last)s")
            % {"first": date_format(flt.start, _("j. F Y")), "last": date_format(flt.end, _("j. F Y"))},
            "groups": [Day(day, items) for day, items in groups.items()],
            "page_obj": page,
            "previous_url": self._url(page=page.previous_page_number()) if page.has_previous() else "",
            "next_url": self._url(page=page.next_page_number()) if page.has_next() else "",
            "previous_label": _("vorherige Seite"),
            "next_label": _("nächste Seite"),
            "occurrence_count": paginator.count,
        }

    # helpers ------------------------------------------------------------

    def _url(self, **changes) -> str:
        """This page's URL with some parameters changed (empty value = removed)."""
        params = {key: value for key, value in self.request.GET.items() if key != "page"}
        params.update({key: str(value) for key, value in changes.items()})
        return "?" + urlencode([(key, value) for key, value in params.items() if value])

    @staticmethod
    def _choices(reference: PublicReference | None) -> dict:
        if reference is None:
            return {"municipalities": [], "fields_of_action": [], "target_groups": [], "languages": []}
        return {
            "municipalities": reference.municipalities,
            "fields_of_action": reference.active_fields_of_action,
            "target_groups": reference.active_target_groups,
            "languages": reference.languages,
        }


# --- detail ---------------------------------------------------------------


@method_decorator(public_cache("events"), name="dispatch")
class EventDetailView(TemplateView):
    template_name = "events/detail.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = get_visible_event_or_404(self.request.user, self.kwargs["pk"])
        upcoming = list(
            event.occurrences.filter(end__gte=timezone.now()).order_by("start")[: DETAIL_MAX_DATES + 1]
        )
        past = [] if upcoming else list(event.occurrences.order_by("-start")[:3])[::-1]
        address = ", ".join(part for part in [event.location_name, event.address] if part)
        context.update(
            event=event,
            upcoming=upcoming[:DETAIL_MAX_DATES],
            more_dates=len(upcoming) > DETAIL_MAX_DATES,
            past=past,
            recurrence=describe(event),
            map_url=(
                "https://www.openstreetmap.org/search?" + urlencode({"query": event.address or address})
                if event.address or event.location_name
                else ""
            ),
            json_ld=event_json_ld(event, upcoming[:DETAIL_MAX_DATES] or past, language=get_language()),
            may_manage=not event.is_public
            or permissions.may_manage_municipality(self.request.user, event.municipality),
        )
        return context
