"""Indicator values: scoping, validation, history; the portal's computed indicators; trends."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from concept import selectors, values
from concept.models import GoalIndicator, Indicator, IndicatorValue
from concept.portal import portal_values
from events.models import Event
from events.tests.factories import berlin, make_event
from municipalities.models import Measure
from volunteers.models import Qualification, VolunteerQualification
from volunteers.tests.factories import make_volunteer

from .factories import ConceptVersionFactory, GoalIndicatorFactory, IndicatorFactory, field_of_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(district):
    ConceptVersionFactory(concept__district=district, period_start=2026, period_end=2030)
    return IndicatorFactory(district=district, name="Kinder mit anderer Familiensprache in Kitas")


def test_contact_enters_own_value_but_not_another_municipalitys(contact_unna, unna, luenen, indicator):
    row = values.record_indicator_value(
        by=contact_unna, indicator=indicator, municipality=unna, year=2026, value=Decimal("31.5")
    )
    assert row.entered_by == contact_unna and row.value == Decimal("31.5")
    with pytest.raises(PermissionDenied):
        values.record_indicator_value(
            by=contact_unna, indicator=indicator, municipality=luenen, year=2026, value=Decimal(1)
        )
    with pytest.raises(PermissionDenied):
        values.record_indicator_value(
            by=contact_unna, indicator=indicator, municipality=None, year=2026, value=Decimal(1)
        )
    assert IndicatorValue.objects.count() == 1


def test_ki_staff_enter_values_for_every_municipality_and_the_district(ki_staff, unna, luenen, indicator):
    for place in (unna, luenen, None):
        values.record_indicator_value(
            by=ki_staff, indicator=indicator, municipality=place, year=2027, value=Decimal(20)
        )
    assert IndicatorValue.objects.filter(year=2027).count() == 3


def test_correction_keeps_the_old_value_in_the_history(ki_staff, contact_unna, unna, indicator):
    values.record_indicator_value(
        by=contact_unna,
        indicator=indicator,
        municipality=unna,
        year=2026,
        value=Decimal(30),
        source="Stadt Unna",
    )
    row = values.record_indicator_value(
        by=ki_staff, indicator=indicator, municipality=unna, year=2026, value=Decimal(32), source="IT.NRW"
    )
    assert (row.value, row.source, row.entered_by) == (Decimal(32), "IT.NRW", ki_staff)
    revision = row.revisions.get()
    assert (revision.old_value, revision.old_source, revision.old_entered_by, revision.changed_by) == (
        Decimal(30),
        "Stadt Unna",
        contact_unna,
        ki_staff,
    )


@pytest.mark.parametrize(
    ("value", "year", "message"),
    [
        (Decimal("120"), 2026, "zwischen 0 und 100"),
        (Decimal("-1"), 2026, "zwischen 0 und 100"),
        (Decimal("10"), 2035, "außerhalb der Laufzeit des Konzepts (2026–2030)"),
    ],
)
def test_bad_values_are_refused_in_german_and_nothing_is_saved(
    ki_staff, unna, indicator, value, year, message
):
    with pytest.raises(ValidationError) as error:
        values.record_indicator_value(
            by=ki_staff, indicator=indicator, municipality=unna, year=year, value=value
        )
    assert message in str(error.value)
    assert not IndicatorValue.objects.exists()


def test_negative_count_is_refused(ki_staff, unna, indicator, district):
    count = IndicatorFactory(district=district, unit="Personen", is_percent=False)
    with pytest.raises(ValidationError) as error:
        values.record_indicator_value(
            by=ki_staff, indicator=count, municipality=unna, year=2026, value=Decimal(-4)
        )
    assert "nicht negativ" in str(error.value)


def test_portal_indicators_are_computed_from_events_measures_and_volunteers(ki_staff, district, unna, luenen):
    sprache = field_of_action(district, "Sprache & Bildung")
    offers = IndicatorFactory(
        district=district,
        source="portal",
        portal_key="offers_per_10000",
        field_of_action=sprache,
        unit="je 10.000",
        is_percent=False,
    )
    qualified = IndicatorFactory(
        district=district, source="portal", portal_key="volunteers_qualified", is_percent=False
    )
    newcomers = IndicatorFactory(
        district=district, source="portal", portal_key="newcomers_volunteering", is_percent=False
    )
    unna.population = 50000
    unna.save()
    for day in (3, 10):
        make_event(
            by=ki_staff,
            municipality=unna,
            start=berlin(2026, 3, day, 18),
            fields_of_action=[sprache],
            status=Event.Status.APPROVED,
        )
    make_event(
        by=ki_staff, municipality=unna, start=berlin(2026, 4, 1, 18), fields_of_action=[sprache]
    )  # draft: not counted
    measure = Measure.objects.create(municipality=unna, title="Sprachcafé", status=Measure.Status.RUNNING)
    measure.fields_of_action.add(sprache)
    course_qualification = Qualification.objects.create(
        district=district, name="Grundqualifizierung", slug="grund"
    )
    helper = make_volunteer(district, municipality=unna, came_as_newcomer=True)
    make_volunteer(
        district, municipality=unna, came_as_newcomer=True, consent=False
    )  # no consent: never counted
    VolunteerQualification.objects.create(volunteer=helper, qualification=course_qualification)
    # Fixed dates, so that the counts per year do not depend on today.
    type(helper).objects.filter(district=district).update(created_at=berlin(2026, 5, 1))
    VolunteerQualification.objects.update(granted_at=berlin(2026, 6, 1))
    result = portal_values(
        district=district, indicators=[offers, qualified, newcomers], years=[2025, 2026, 2027]
    )
    # 2 approved events + 1 running measure = 3 offers for 50,000 inhabitants.
    assert result[(offers.pk, unna.pk, 2026)] == Decimal("0.60")
    assert result[(offers.pk, luenen.pk, 2026)] == Decimal("0.00")
    assert [result[(qualified.pk, unna.pk, year)] for year in (2025, 2026, 2027)] == [0, 1, 1]
    assert [result[(newcomers.pk, None, year)] for year in (2025, 2026, 2027)] == [0, 1, 1]


@pytest.mark.parametrize(
    ("direction", "baseline", "latest", "target", "expected"),
    [
        ("higher", (2025, 10), (2028, 16), (2030, 15), "on_track"),  # reached early
        ("higher", (2025, 10), (2028, 13), (2030, 15), "on_track"),  # 60 % of the way after 60 % of the time
        ("higher", (2025, 10), (2028, 12), (2030, 15), "at_risk"),  # 40 % of the way after 60 % of the time
        ("higher", (2025, 10), (2028, 9), (2030, 15), "off_track"),  # moved away from the target
        ("lower", (2025, 20), (2027, 25), (2030, 10), "off_track"),
        ("lower", (2025, 20), (2027, 16), (2030, 10), "on_track"),
        ("higher", (2025, 10), None, (2030, 15), "no_data"),
        ("higher", (2025, 10), (2025, 12), (2030, 15), "no_data"),  # nothing after the baseline yet
        ("higher", (2025, 10), (2028, 12), None, "no_data"),  # no target: not verifiable
    ],
)
def test_trend_status(direction, baseline, latest, target, expected):
    def pair(item):
        return None if item is None else (item[0], Decimal(item[1]))

    status = selectors.trend_status(
        direction=direction, baseline=pair(baseline), latest=pair(latest), target=pair(target)
    )
    assert status.key == expected


def test_goal_overview_shows_baseline_latest_target_for_district_and_municipality(ki_staff, district, unna):
    version = ConceptVersionFactory(concept__district=district, period_start=2024, period_end=2030)
    target = GoalIndicatorFactory(
        goal__version=version,
        baseline_year=2024,
        baseline_value=Decimal(10),
        target_value=Decimal(20),
        direction=GoalIndicator.Direction.HIGHER,
    )
    for year, value in ((2024, 10), (2025, 14), (2026, 19)):
        IndicatorValue.objects.create(
            indicator=target.indicator, municipality=None, year=year, value=Decimal(value)
        )
    IndicatorValue.objects.create(indicator=target.indicator, municipality=unna, year=2025, value=Decimal(8))
    IndicatorValue.objects.create(indicator=target.indicator, municipality=unna, year=2026, value=Decimal(6))
    [district_row] = selectors.goal_overview(version=version)
    assert district_row.targets[0].latest == (2026, Decimal(19))
    assert district_row.status.key == "on_track"
    [unna_row] = selectors.goal_overview(version=version, municipality=unna)
    assert unna_row.targets[0].baseline == (2025, Decimal(8))
    assert unna_row.status.key == "off_track"
    assert Indicator.objects.count() == 1
