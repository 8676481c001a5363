"""The portal's own indicators, computed in SQL from its data (never typed in).

* offers per 10,000 inhabitants in one field of action: approved events with a date in the year
  plus measures running in the year, tagged with the field, per municipality; divided by the
  municipality's official population (kept with its year and source);
* qualified volunteers: volunteers holding a qualification by the end of the year;
* newcomers who became volunteers: volunteer profiles with the newcomer flag *and* recorded
  consent, existing by the end of the year.

The overview counts offers the same way (``overview.counting``); it sits to the right of this
app, so the rule is restated here rather than imported. A fixed number of queries whatever the
number of municipalities, years or indicators.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from events.models import Event, EventOccurrence
from municipalities.models import District, Measure, Municipality
from volunteers.figures import year_bounds
from volunteers.models import Volunteer

from .models import Indicator

Key = tuple[int, int | None, int]  # indicator id, municipality id (None = district), year
PER = Decimal(10000)
TWO_PLACES = Decimal("0.01")


def _measure_running_in(year: int) -> Q:
    start, end = date(year, 1, 1), date(year, 12, 31)
    status = Measure.Status
    running = Q(status=status.RUNNING) & ~Q(starts_on__gt=end) & ~Q(ends_on__lt=start)
    dated = Q(starts_on__lte=end) & (Q(ends_on__gte=start) | Q(ends_on__isnull=True, status=status.PLANNED))
    return running | dated


def _offers(
    district: District, field_ids: set[int], years: list[int]
) -> dict[tuple[int | None, int, int], int]:
    """(municipality id, field id, year) → number of offers."""
    counts: dict[tuple[int | None, int, int], int] = defaultdict(int)
    first, _ = year_bounds(min(years))
    _, last = year_bounds(max(years))
    events = (
        EventOccurrence.objects.filter(
            event__municipality__district=district,
            event__status=Event.Status.APPROVED,
            event__fields_of_action__in=field_ids,
            start__gte=first,
            start__lt=last,
        )
        .annotate(year=ExtractYear("start"))
        .values("event__municipality_id", "event__fields_of_action", "year")
        .annotate(n=Count("event", distinct=True))
    )
    for row in events:
        counts[(row["event__municipality_id"], row["event__fields_of_action"], row["year"])] += row["n"]
    measures = (
        Measure.objects.filter(municipality__district=district, fields_of_action__in=field_ids)
        .values("municipality_id", "fields_of_action")
        .annotate(
            **{f"y{year}": Count("pk", filter=_measure_running_in(year), distinct=True) for year in years}
        )
    )
    for row in measures:
        for year in years:
            counts[(row["municipality_id"], row["fields_of_action"], year)] += row[f"y{year}"]
    return counts


def _volunteer_counts(
    district: District, years: list[int], condition_for_year
) -> dict[tuple[int | None, int], int]:
    rows = (
        Volunteer.objects.filter(district=district)
        .values("municipality_id")
        .annotate(
            **{f"y{year}": Count("pk", filter=condition_for_year(year), distinct=True) for year in years}
        )
    )
    return {(row["municipality_id"], year): row[f"y{year}"] for row in rows for year in years}


def _qualified_by(year: int) -> Q:
    return Q(qualifications__granted_at__lt=year_bounds(year)[1])


def _newcomer_by(year: int) -> Q:
    return Q(came_as_newcomer=True, newcomer_consent_at__isnull=False, created_at__lt=year_bounds(year)[1])


def portal_values(
    *, district: District, indicators: Iterable[Indicator], years: Iterable[int]
) -> dict[Key, Decimal | None]:
    """Values of the given portal indicators for every municipality and the district, per year."""
    indicators = [indicator for indicator in indicators if indicator.is_portal]
    years = sorted(set(years))
    if not indicators or not years:
        return {}
    municipalities = list(Municipality.objects.filter(district=district).values("pk", "population"))
    result: dict[Key, Decimal | None] = {}
    keys = {indicator.portal_key for indicator in indicators}
    offers = (
        _offers(
            district, {i.field_of_action_id for i in indicators if i.portal_key == "offers_per_10000"}, years
        )
        if "offers_per_10000" in keys
        else {}
    )
    counts = {
        Indicator.PortalKey.VOLUNTEERS_QUALIFIED: _volunteer_counts(district, years, _qualified_by)
        if Indicator.PortalKey.VOLUNTEERS_QUALIFIED in keys
        else {},
        Indicator.PortalKey.NEWCOMERS_VOLUNTEERING: _volunteer_counts(district, years, _newcomer_by)
        if Indicator.PortalKey.NEWCOMERS_VOLUNTEERING in keys
        else {},
    }
    total_population = sum(m["population"] or 0 for m in municipalities)
    every_population_known = all(m["population"] for m in municipalities)
    for indicator in indicators:
        for year in years:
            if indicator.portal_key == Indicator.PortalKey.OFFERS_PER_10000:
                total = 0
                for m in municipalities:
                    n = offers.get((m["pk"], indicator.field_of_action_id, year), 0)
                    total += n
                    result[(indicator.pk, m["pk"], year)] = (
                        (Decimal(n) * PER / m["population"]).quantize(TWO_PLACES) if m["population"] else None
                    )
                result[(indicator.pk, None, year)] = (
                    (Decimal(total) * PER / total_population).quantize(TWO_PLACES)
                    if every_population_known and total_population
                    else None
                )
            else:
                by_municipality = counts[indicator.portal_key]
                for m in municipalities:
                    result[(indicator.pk, m["pk"], year)] = Decimal(by_municipality.get((m["pk"], year), 0))
                # The district counts also volunteers without a municipality.
                result[(indicator.pk, None, year)] = Decimal(
                    sum(n for (_m, y), n in by_municipality.items() if y == year)
                )
    return result
