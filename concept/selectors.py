"""Reads of the steering screens: Zielübersicht, goal detail, Kommune im Blick.

Each is a fixed number of queries whatever the number of goals, municipalities and years
(pinned in tests): goals with their targets and measures come in three queries, the official
values of every indicator involved in one, the portal's own values in at most four.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from events.models import Event, EventOccurrence
from municipalities.models import Measure, Municipality
from volunteers.figures import year_bounds

from .models import (
    ConceptMeasure,
    ConceptVersion,
    Goal,
    GoalIndicator,
    Indicator,
    IndicatorValue,
    PillarField,
)
from .portal import portal_values


@dataclass(frozen=True)
class Status:
    key: str
    label: str | Promise  # a lazy translation
    icon: str  # a shape, so that the status never rests on colour alone


ON_TRACK = Status("on_track", _("auf Kurs"), "✓")
AT_RISK = Status("at_risk", _("gefährdet"), "!")
OFF_TRACK = Status("off_track", _("nicht auf Kurs"), "✗")
NO_DATA = Status("no_data", _("keine Daten"), "?")
STATUSES = (ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)

# Progress may lag this far behind the time elapsed before a goal counts as at risk.
ON_TRACK_SHARE = Decimal("0.8")


def trend_status(
    *,
    direction: str,
    baseline: tuple[int, Decimal] | None,
    latest: tuple[int, Decimal] | None,
    target: tuple[int, Decimal] | None,
) -> Status:
    """How the indicator moves from its baseline towards the target.

    Reached (or beyond) → on track; moved away from the target → off track; otherwise on
    track while the share of the way covered keeps up with the share of the time elapsed
    (at least ``ON_TRACK_SHARE`` of it), else at risk. Without a target, a baseline and a later
    value there is no trend: no data.
    """
    if target is None or baseline is None or latest is None or latest[0] <= baseline[0]:
        return NO_DATA
    sign = 1 if direction == GoalIndicator.Direction.HIGHER else -1
    (start_year, start), (now_year, now), (end_year, goal) = baseline, latest, target
    if sign * (now - goal) >= 0:
        return ON_TRACK
    if sign * (now - start) < 0:
        return OFF_TRACK
    way = goal - start
    if way == 0:
        return ON_TRACK
    covered = (now - start) / way
    elapsed = Decimal(now_year - start_year) / Decimal(max(end_year - start_year, 1))
    return ON_TRACK if covered >= ON_TRACK_SHARE * min(elapsed, Decimal(1)) else AT_RISK


@dataclass
class TargetRow:
    target: GoalIndicator
    series: list[tuple[int, Decimal]]  # (year, value) of the municipality or the district
    baseline: tuple[int, Decimal] | None
    latest: tuple[int, Decimal] | None
    status: Status

    @property
    def indicator(self) -> Indicator:
        return self.target.indicator

    @property
    def distance(self) -> Decimal | None:
        if self.latest is None or self.target.target_value is None:
            return None
        return self.target.target_value - self.latest[1]


@dataclass
class GoalRow:
    goal: Goal
    targets: list[TargetRow] = field(default_factory=list)

    @property
    def status(self) -> Status:
        """The worst status of the goal's indicators (no data only when none has data)."""
        known = [row.status for row in self.targets if row.status is not NO_DATA]
        for status in (OFF_TRACK, AT_RISK, ON_TRACK):
            if status in known:
                return status
        return NO_DATA


class ValueTable:
    """Every value needed by a page, official and portal, looked up by (indicator, place, year).

    ``places`` limits the official values read to the district's own and those of the given
    municipalities (a page about the district or one municipality needs no other); ``None``
    reads every municipality's. Values come as plain tuples, not model instances.
    """

    def __init__(
        self,
        *,
        version: ConceptVersion,
        indicators: list[Indicator],
        years: list[int],
        places: tuple[int, ...] | None = None,
    ):
        official = [i.pk for i in indicators if not i.is_portal]
        rows = IndicatorValue.objects.filter(indicator_id__in=official, year__in=years)
        if places is not None:
            rows = rows.filter(Q(municipality__isnull=True) | Q(municipality_id__in=places))
        self.values: dict[tuple[int, int | None, int], Decimal | None] = {
            (indicator_id, municipality_id, year): value
            for indicator_id, municipality_id, year, value in rows.order_by().values_list(
                "indicator_id", "municipality_id", "year", "value"
            )
        }
        self.values.update(
            portal_values(district=version.concept.district, indicators=indicators, years=years)
        )
        self.years = years

    def series(self, indicator: Indicator, municipality_id: int | None) -> list[tuple[int, Decimal]]:
        points = ((year, self.values.get((indicator.pk, municipality_id, year))) for year in self.years)
        return [(year, value) for year, value in points if value is not None]


def years_of(version: ConceptVersion, targets: list[GoalIndicator]) -> list[int]:
    """The period's years plus any earlier baseline years, up to the current year."""
    first = min([version.period_start] + [t.baseline_year for t in targets if t.baseline_year])
    last = min(version.period_end, max(timezone.localdate().year, version.period_start))
    return list(range(first, last + 1))


def target_row(target: GoalIndicator, values: ValueTable, municipality_id: int | None) -> TargetRow:
    series = values.series(target.indicator, municipality_id)
    baseline: tuple[int, Decimal] | None
    if municipality_id is None and target.baseline_year is not None:
        # clean() keeps year and value together; a year without a value is no baseline.
        baseline = (
            (target.baseline_year, target.baseline_value) if target.baseline_value is not None else None
        )
    else:
        # A municipality's own start: its value in the baseline year, else its first value.
        own = dict(series)
        baseline = (
            (target.baseline_year, own[target.baseline_year])
            if target.baseline_year in own
            else (series[0] if series else None)
        )
    latest = series[-1] if series else None
    goal = (
        (target.target_year, target.target_value)
        if target.target_year is not None and target.target_value is not None  # has_target, narrowed
        else None
    )
    return TargetRow(
        target=target,
        series=series,
        baseline=baseline,
        latest=latest,
        status=trend_status(direction=target.direction, baseline=baseline, latest=latest, target=goal),
    )


def _goals(version: ConceptVersion) -> QuerySet[Goal]:
    return (
        version.goals.select_related("field_of_action")
        .prefetch_related(
            Prefetch(
                "targets", queryset=GoalIndicator.objects.select_related("indicator").order_by("order", "pk")
            ),
            Prefetch(
                "measures",
                queryset=ConceptMeasure.objects.select_related("owner_municipality", "measure").order_by(
                    "order", "title"
                ),
            ),
        )
        .order_by("field_of_action__position", "field_of_action__name", "order", "title")
    )


def goal_overview(
    *,
    version: ConceptVersion,
    municipality: Municipality | None = None,
    field_of_action_id: int | None = None,
    priority: int | None = None,
) -> list[GoalRow]:
    """Every goal (filtered) with baseline → latest → target and its status, for the district
    or one municipality."""
    goals = _goals(version)
    if field_of_action_id:
        goals = goals.filter(field_of_action_id=field_of_action_id)
    if priority:
        goals = goals.filter(priority=priority)
    goal_list = list(goals)
    targets = [t for goal in goal_list for t in goal.targets.all()]
    place = municipality.pk if municipality else None
    values = ValueTable(
        version=version,
        indicators=list({t.indicator for t in targets}),
        years=years_of(version, targets),
        places=(place,) if place else (),
    )
    return [
        GoalRow(goal=goal, targets=[target_row(t, values, place) for t in goal.targets.all()])
        for goal in goal_list
    ]


@dataclass
class PlaceRow:
    municipality: Municipality | None
    row: TargetRow


@dataclass
class GoalDetail:
    goal: Goal
    years: list[int]
    indicators: list[tuple[TargetRow, list[PlaceRow]]]  # district row, then per municipality


def goal_detail(*, version: ConceptVersion, goal: Goal) -> GoalDetail:
    goal = _goals(version).get(pk=goal.pk)
    targets = list(goal.targets.all())
    years = years_of(version, targets)
    values = ValueTable(version=version, indicators=[t.indicator for t in targets], years=years)
    municipalities = list(
        Municipality.objects.filter(district_id=version.concept.district_id).order_by("name")
    )
    indicators = [
        (target_row(t, values, None), [PlaceRow(m, target_row(t, values, m.pk)) for m in municipalities])
        for t in targets
    ]
    return GoalDetail(goal=goal, years=years, indicators=indicators)


@dataclass
class MunicipalityTarget:
    goal: Goal
    own: TargetRow
    district: TargetRow


@dataclass
class MunicipalityView:
    municipality: Municipality
    targets: list[MunicipalityTarget]
    measures: list[ConceptMeasure]
    gaps: list[PillarField]
    gap_year: int


def municipality_view(
    *, version: ConceptVersion, municipality: Municipality, year: int | None = None
) -> MunicipalityView:
    """Kommune im Blick: the municipality's values against district and target, its measures, its gaps."""
    goals = list(_goals(version))
    targets = [t for goal in goals for t in goal.targets.all()]
    values = ValueTable(
        version=version,
        indicators=list({t.indicator for t in targets}),
        years=years_of(version, targets),
        places=(municipality.pk,),
    )
    rows = [
        MunicipalityTarget(
            goal=goal, own=target_row(t, values, municipality.pk), district=target_row(t, values, None)
        )
        for goal in goals
        for t in goal.targets.all()
    ]
    measures = [
        m
        for goal in goals
        for m in goal.measures.all()
        if m.owner_municipality_id == municipality.pk
        or (m.measure and m.measure.municipality_id == municipality.pk)
    ]
    gap_year = year or timezone.localdate().year
    return MunicipalityView(
        municipality=municipality,
        targets=rows,
        measures=measures,
        gaps=gaps_of(version=version, municipality=municipality, year=gap_year),
        gap_year=gap_year,
    )


def gaps_of(*, version: ConceptVersion, municipality: Municipality, year: int) -> list[PillarField]:
    """Fields of action of the concept without any offer in the municipality in ``year``:
    no approved event with a date then and no measure running then (the overview matrix's rule)."""
    start, end = year_bounds(year)
    event_in_field = Event.objects.filter(
        municipality=municipality,
        status=Event.Status.APPROVED,
        fields_of_action=OuterRef("field_of_action"),
    ).filter(Exists(EventOccurrence.objects.filter(event=OuterRef("pk"), start__gte=start, start__lt=end)))
    first, last = date(year, 1, 1), date(year, 12, 31)
    running = (Q(status=Measure.Status.RUNNING) & ~Q(starts_on__gt=last) & ~Q(ends_on__lt=first)) | (
        Q(starts_on__lte=last)
        & (Q(ends_on__gte=first) | Q(ends_on__isnull=True, status=Measure.Status.PLANNED))
    )
    measure_in_field = Measure.objects.filter(
        running, municipality=municipality, fields_of_action=OuterRef("field_of_action")
    )
    return list(
        PillarField.objects.filter(version=version)
        .exclude(Exists(event_in_field))
        .exclude(Exists(measure_in_field))
        .select_related("field_of_action", "pillar")
        .order_by("pillar__order", "order")
    )
