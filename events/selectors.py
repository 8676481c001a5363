"""Reads of events that several views, the API and the feeds share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone

from municipalities import permissions
from municipalities.models import District, FieldOfAction, Language, Municipality, TargetGroup

from .models import Event, EventOccurrence

# German stemming without accents (migration events.0002): „Sprachcafés“ finds „Sprachcafé“.
SEARCH_CONFIG = "german_unaccent"

# The API and calendar refuse windows longer than this.
MAX_WINDOW_DAYS = 400


@dataclass(frozen=True)
class EventFilter:
    """Parsed, validated filter of the calendar, the API and the staff export."""

    start: date
    end: date  # inclusive
    district: District | None = None
    municipality: Municipality | None = None
    field_of_action: FieldOfAction | None = None
    target_group: TargetGroup | None = None
    language: Language | None = None
    q: str = ""

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


# The lists an event shows besides its row; a page that shows none of them loads none (each is a query).
CATEGORIES = ("fields_of_action", "target_groups", "languages")


def event_lists_prefetch(prefix: str = "", *, categories: tuple[str, ...] = CATEGORIES) -> list:
    querysets = {
        "fields_of_action": FieldOfAction.objects.order_by("position", "name"),
        "target_groups": TargetGroup.objects.order_by("position", "name"),
        "languages": Language.objects.order_by("position", "name"),
    }
    return [
        *(Prefetch(f"{prefix}{name}", queryset=querysets[name]) for name in categories),
        f"{prefix}translations",
    ]


class SearchVectorMatch(Func):
    """``search_vector @@ websearch_to_tsquery('german_unaccent', q)`` on the events table.

    ``search_vector`` is a generated column outside the model (migration
    events.0003); its table alias is taken from the compiled title column, so
    the match works on events, through a join from occurrences and in subqueries.
    """

    output_field = BooleanField()

    def __init__(self, title: F, query: str):
        super().__init__(title, Value(query))

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        title_sql, _title_params = compiler.compile(self.source_expressions[0])
        query_sql, query_params = compiler.compile(self.source_expressions[1])
        vector_sql = title_sql.rsplit(".", 1)[0] + '."search_vector"'
        sql = f"{vector_sql} @@ websearch_to_tsquery(%s::regconfig, {query_sql})"
        return sql, (SEARCH_CONFIG, *query_params)


def search_events(queryset: QuerySet, q: str, *, prefix: str = "") -> QuerySet:
    """German full-text search on PostgreSQL („Sprachcafé“ finds „Sprachcafés“), contains elsewhere.

    PostgreSQL matches the stored, GIN-indexed ``search_vector`` (migration
    events.0003) or a part of the title (trigram index), instead of building a
    vector for every row at query time.
    """
    q = q.strip()
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.filter(
            Q(SearchVectorMatch(F(f"{prefix}title"), q)) | Q(**{f"{prefix}title__icontains": q})
        )
    return queryset.filter(
        Q(**{f"{prefix}title__icontains": q}) | Q(**{f"{prefix}description__icontains": q})
    )


def apply_event_filter(queryset: QuerySet, flt: EventFilter, *, prefix: str = "") -> QuerySet:
    """Apply the non-date parts of a filter to events (``prefix=""``) or occurrences (``"event__"``)."""
    lookups = {
        "municipality__district": flt.district,
        "municipality": flt.municipality,
        "fields_of_action": flt.field_of_action,
        "target_groups": flt.target_group,
        "languages": flt.language,
    }
    for lookup, value in lookups.items():
        if value is not None:
            queryset = queryset.filter(**{f"{prefix}{lookup}": value})
    return search_events(queryset, flt.q, prefix=prefix)


def public_occurrences(
    flt: EventFilter, *, categories: tuple[str, ...] = CATEGORIES
) -> QuerySet[EventOccurrence]:
    """Occurrences of approved (and cancelled, marked) events in the window, with everything a list
    shows (``categories``: the event's lists it shows, see ``event_lists_prefetch``)."""
    queryset = EventOccurrence.objects.filter(
        event__status__in=Event.PUBLIC_STATUSES,
        start__lt=flt.end_at,
        end__gte=flt.start_at,
    )
    queryset = apply_event_filter(queryset, flt, prefix="event__")
    return (
        queryset.select_related("event__municipality__district")
        .prefetch_related(*event_lists_prefetch("event__", categories=categories))
        .order_by("start", "event__title", "pk")
    )


def public_events(
    *,
    district: District | None = None,
    municipality: Municipality | None = None,
    categories: tuple[str, ...] = CATEGORIES,
):
    queryset = Event.objects.filter(status__in=Event.PUBLIC_STATUSES)
    if district is not None:
        queryset = queryset.filter(municipality__district=district)
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    return queryset.select_related("municipality__district").prefetch_related(
        *event_lists_prefetch(categories=categories)
    )


def events_visible_to(user) -> QuerySet[Event]:
    """Events a user may see in full: public ones, and every one of the municipalities they manage."""
    managed = permissions.municipalities_managed_by(user)
    return Event.objects.filter(Q(status__in=Event.PUBLIC_STATUSES) | Q(municipality__in=managed))


def events_managed_by(user) -> QuerySet[Event]:
    return Event.objects.filter(municipality__in=permissions.municipalities_managed_by(user))


def my_events(user, *, municipality: Municipality | None = None) -> QuerySet[Event]:
    queryset = events_managed_by(user)
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    return queryset.select_related("municipality").order_by("-updated_at")


def review_queue(user, *, municipality: Municipality | None = None) -> QuerySet[Event]:
    """Submitted events of the districts the user reviews, oldest submission first.

    Only the columns the queue shows (no descriptions): at NRW scale a page holds 50 events.
    """
    queryset = Event.objects.filter(
        status=Event.Status.SUBMITTED, municipality__in=permissions.municipalities_administered_by(user)
    )
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    return (
        queryset.select_related("municipality")
        .only("pk", "title", "start", "all_day", "submitted_at", "municipality__name", "municipality__slug")
        .prefetch_related(
            Prefetch("target_groups", queryset=TargetGroup.objects.order_by("position", "name").only("name"))
        )
        .order_by("submitted_at", "pk")
    )


def coordination_hints(event: Event, *, limit: int = 20) -> list[EventOccurrence]:
    """Approved events on the same day(s) for an overlapping target group in the district.

    Shown to contacts when they submit, so municipalities can coordinate;
    hints in the event's own municipality come first.
    """
    groups = list(event.target_groups.values_list("pk", flat=True))
    if not groups:
        return []
    days = sorted(
        {timezone.localtime(start).date() for start in event.occurrences.values_list("start", flat=True)[:60]}
    )
    if not days:
        return []
    day_filter = Q()
    for day in days:
        day_start = timezone.make_aware(datetime.combine(day, time.min))
        day_filter |= Q(start__gte=day_start, start__lt=day_start + timedelta(days=1))
    hints = (
        EventOccurrence.objects.filter(day_filter)
        .filter(
            event__status=Event.Status.APPROVED,
            event__municipality__district_id=event.municipality.district_id,
            event__target_groups__in=groups,
        )
        .exclude(event=event)
        .select_related("event__municipality")
        .distinct()
        .order_by("start")[: limit * 2]
    )
    found = list(hints)
    found.sort(key=lambda occ: (occ.event.municipality_id != event.municipality_id, occ.start))
    return found[:limit]


# --- start pages: what waits for this person ---------------------------------

TASK_LIST_LIMIT = 5


def _last_occurrence_end():
    return Subquery(EventOccurrence.objects.filter(event=OuterRef("pk")).order_by("-end").values("end")[:1])


@dataclass(frozen=True)
class ReviewTasks:
    count: int
    past_count: int  # submissions whose last date has already passed
    oldest: list  # the oldest submissions first, each with ``is_past``


def review_tasks(user, *, limit: int = TASK_LIST_LIMIT, now: datetime | None = None) -> ReviewTasks:
    """KI staff's start page: submissions waiting, oldest first, past-dated ones flagged (two queries)."""
    now = now or timezone.now()
    waiting = Event.objects.filter(
        status=Event.Status.SUBMITTED, municipality__in=permissions.municipalities_administered_by(user)
    ).annotate(last_end=_last_occurrence_end())
    is_past = Q(last_end__lt=now)
    counts = waiting.aggregate(count=Count("pk"), past_count=Count("pk", filter=is_past))
    oldest = list(
        waiting.select_related("municipality")
        .only("pk", "title", "start", "all_day", "submitted_at", "municipality__name")
        .order_by("submitted_at", "pk")[:limit]
    )
    for event in oldest:
        # A display attribute for the template, not a model field.
        event.is_past = event.last_end is not None and event.last_end < now  # type: ignore[attr-defined]
    return ReviewTasks(count=counts["count"], past_count=counts["past_count"], oldest=oldest)


@dataclass(frozen=True)
class ContactTasks:
    returned: list
    returned_count: int
    drafts: list
    drafts_count: int
    missing_participants: list
    missing_participants_count: int

    @property
    def total(self) -> int:
        return self.returned_count + self.drafts_count + self.missing_participants_count


def contact_tasks(
    user, *, municipalities=None, limit: int = TASK_LIST_LIMIT, now: datetime | None = None
) -> ContactTasks:
    """A contact's start page: returned events (with the KI's comment), drafts not submitted, and
    published events that are over but have no participant number yet. One count query and one
    list query per kind, however many events there are."""
    now = now or timezone.now()
    events = events_managed_by(user)
    if municipalities is not None:
        events = events.filter(municipality__in=municipalities)
    still_running = EventOccurrence.objects.filter(event=OuterRef("pk"), end__gte=now)
    kinds: dict[str, Q] = {
        "returned": Q(status=Event.Status.RETURNED),
        "drafts": Q(status=Event.Status.DRAFT),
        # Q & Exists is a Q at runtime (Q._combine takes conditional expressions); the stubs'
        # Q.__and__ takes only Q, so they see Combinable.
        "missing_participants": Q(status=Event.Status.APPROVED, actual_participants__isnull=True)  # type: ignore[dict-item]
        & ~Exists(still_running),
    }
    counts = events.aggregate(**{name: Count("pk", filter=condition) for name, condition in kinds.items()})
    columns = ("pk", "title", "start", "end", "all_day", "status", "review_comment", "updated_at",
               "municipality__name")  # fmt: skip
    order = {
        "returned": ("-reviewed_at", "pk"),
        "drafts": ("-updated_at", "pk"),
        "missing_participants": ("-end", "pk"),
    }
    lists = {
        name: list(
            events.filter(condition)
            .select_related("municipality")
            .only(*columns)
            .order_by(*order[name])[:limit]
        )
        for name, condition in kinds.items()
    }
    return ContactTasks(
        returned=lists["returned"],
        returned_count=counts["returned"],
        drafts=lists["drafts"],
        drafts_count=counts["drafts"],
        missing_participants=lists["missing_participants"],
        missing_participants_count=counts["missing_participants"],
    )


def contact_tasks_change_at(user, *, municipalities=None, now: datetime | None = None) -> datetime | None:
    """When ``contact_tasks`` changes by itself: the end of the last date of the next approved event
    without a participant number to end (it then waits for the number). One query."""
    now = now or timezone.now()
    events = events_managed_by(user)
    if municipalities is not None:
        events = events.filter(municipality__in=municipalities)
    return (
        events.filter(status=Event.Status.APPROVED, actual_participants__isnull=True)
        .annotate(last_end=Max("occurrences__end"))
        .filter(last_end__gte=now)
        .aggregate(next=Min("last_end"))["next"]
    )


@dataclass(frozen=True)
class SeriesSummary:
    first: datetime
    last: datetime
    count: int
    excluded: list  # dates that are left out, in order


def series_summary(event: Event) -> SeriesSummary | None:
    """First and last date, the number of dates and the excluded days of a series (one query)."""
    if not event.is_recurring:
        return None
    found = event.occurrences.aggregate(first=Min("start"), last=Max("start"), count=Count("pk"))
    if not found["count"]:
        return None
    excluded = sorted(date.fromisoformat(day) for day in event.excluded_dates or [])
    return SeriesSummary(first=found["first"], last=found["last"], count=found["count"], excluded=excluded)
