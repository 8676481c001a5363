"""What the overview counts: the period, counted events and measures, and small SQL helpers.

One definition for the dashboard, the drill-down (``selectors.events_for_cell``) and the concept
report, so a list always adds up to the number it explains:

* **Period**: a calendar year, or a date range inside it (both dates included, Europe/Berlin).
  The **previous period** is the same range one year earlier.
* **Counted event** (*Veranstaltung*): status *veröffentlicht* (approved) with at least one
  occurrence (``EventOccurrence``) *starting* in the period. A series counts once as an event, and
  each of its dates in the period as an occurrence (*Termin*). Cancelled events are not offers and
  never count (nor do drafts, submitted, returned or rejected events).
* **Counted measure** (*Maßnahme*): running in the period —

  - status *läuft* unless its dates put it entirely outside the period (no dates: counted), or
  - any other status with known dates overlapping the period (``starts_on`` ≤ period end and
    ``ends_on`` ≥ period start; a *planned* measure without end date counts from ``starts_on``;
    an *ended* measure without end date is not counted because we do not know when it ended).

* **Filters** (field of action, target group) keep the events and measures tagged with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.models import Event, EventOccurrence
from municipalities.models import District, FieldOfAction, Measure, TargetGroup

# --- the period --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A range of whole days, both included, interpreted in the portal's time zone."""

    start: date
    end: date

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=timezone.get_current_timezone())

    @property
    def end_before(self) -> datetime:
        """The first instant after the period (exclusive upper bound)."""
        return datetime.combine(
            self.end + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
        )

    def previous(self) -> Period:
        return Period(_one_year_earlier(self.start), _one_year_earlier(self.end))

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def _one_year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def period_for(year: int, start: date | None = None, end: date | None = None) -> Period:
    """The whole ``year``, or the part of it from ``start`` to ``end`` (both optional)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    start, end = start or first, end or last
    if not (first <= start <= end <= last):
        raise ValueError(f"period {start}..{end} must lie within {year} and start before it ends")
    return Period(start, end)


# --- what counts -------------------------------------------------------------------------


def occurrences_in(period: Period) -> QuerySet[EventOccurrence]:
    return EventOccurrence.objects.filter(start__gte=period.start_at, start__lt=period.end_before)


def _tagged(through, owner: str, target: str, value) -> Exists:
    return Exists(through.objects.filter(**{owner: OuterRef("pk"), target: value}))


def counted_events(
    *,
    district: District,
    period: Period,
    field_of_action: FieldOfAction | None = None,
    target_group: TargetGroup | None = None,
) -> QuerySet[Event]:
    """Approved events of ``district`` with an occurrence starting in ``period`` (see module doc).

    Filters are ``EXISTS`` conditions, not joins, so they never multiply rows.
    """
    queryset = Event.objects.filter(municipality__district=district, status=Event.Status.APPROVED).filter(
        Exists(occurrences_in(period).filter(event=OuterRef("pk")))
    )
    if field_of_action is not None:
        queryset = queryset.filter(
            _tagged(Event.fields_of_action.through, "event", "fieldofaction", field_of_action)
        )
    if target_group is not None:
        queryset = queryset.filter(_tagged(Event.target_groups.through, "event", "targetgroup", target_group))
    return queryset


def running_in(period: Period) -> Q:
    """The condition for a measure running in ``period`` (see module doc)."""
    status = Measure.Status
    running = Q(status=status.RUNNING) & ~Q(starts_on__gt=period.end) & ~Q(ends_on__lt=period.start)
    dated = Q(starts_on__lte=period.end) & (
        Q(ends_on__gte=period.start) | Q(ends_on__isnull=True, status=status.PLANNED)
    )
    return running | dated


def counted_measures(
    *,
    district: District,
    period: Period,
    field_of_action: FieldOfAction | None = None,
    target_group: TargetGroup | None = None,
) -> QuerySet[Measure]:
    queryset = Measure.objects.filter(running_in(period), municipality__district=district)
    if field_of_action is not None:
        queryset = queryset.filter(
            _tagged(Measure.fields_of_action.through, "measure", "fieldofaction", field_of_action)
        )
    if target_group is not None:
        queryset = queryset.filter(
            _tagged(Measure.target_groups.through, "measure", "targetgroup", target_group)
        )
    return queryset


# --- SQL helpers ---------------------------------------------------------------------------


def subquery_count(queryset: QuerySet) -> Coalesce:
    """``(SELECT COUNT(*) …)`` of a queryset correlated by ``OuterRef``: one value per outer row."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def subquery_sum(queryset: QuerySet, field: str) -> Coalesce:
    summed = queryset.order_by().annotate(s=Func(F(field), function="SUM")).values("s")
    return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))
