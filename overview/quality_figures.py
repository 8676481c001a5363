"""Data quality figures of the district overview: counted events whose last occurrence has ended
without a participant number, and municipalities that submitted nothing in the quarter
(see ``overview.figures``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from events.models import Event, EventOccurrence
from municipalities.models import Measure, Municipality

from .counting import Period

if TYPE_CHECKING:
    from .figures import _Scope

DATA_QUALITY_LIMIT = 100


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return start, end - timedelta(days=1)


def data_quality(scope: _Scope, now: datetime) -> dict[str, Any]:
    """3 queries: the list (capped), its length, the municipalities without submission."""
    last_end = (
        EventOccurrence.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(last=Max("end"))
        .values("last")
    )
    missing = (
        scope.events()
        .filter(actual_participants__isnull=True)
        .annotate(last_end=Subquery(last_end))
        .filter(last_end__lt=now)
    )
    rows = missing.order_by("last_end", "pk").values("id", "title", "municipality__name", "last_end")[
        :DATA_QUALITY_LIMIT
    ]
    zone = timezone.get_current_timezone()
    events = [
        {
            "id": row["id"],
            "title": row["title"],
            "municipality": row["municipality__name"],
            "end": row["last_end"].astimezone(zone).isoformat(),
        }
        for row in rows
    ]
    quarter = Period(*quarter_of(min(timezone.localdate(now), scope.period.end)))
    in_quarter = {"gte": quarter.start_at, "lt": quarter.end_before}
    submitted_event = Event.objects.filter(municipality=OuterRef("pk")).filter(
        Q(submitted_at__gte=in_quarter["gte"], submitted_at__lt=in_quarter["lt"])
        | (
            Q(created_at__gte=in_quarter["gte"], created_at__lt=in_quarter["lt"])
            & ~Q(status=Event.Status.DRAFT)
        )
    )
    entered_measure = Measure.objects.filter(
        municipality=OuterRef("pk"), created_at__gte=in_quarter["gte"], created_at__lt=in_quarter["lt"]
    )
    silent = list(
        Municipality.objects.filter(district=scope.district)
        .filter(~Exists(submitted_event), ~Exists(entered_measure))
        .order_by("name")
        .values_list("slug", flat=True)
    )
    return {
        "events_without_participants": events,
        "events_without_participants_count": missing.count(),
        "municipalities_without_submission_this_quarter": silent,
    }
