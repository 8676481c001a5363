"""Versions, goals, targets and measures through the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from concept import services
from concept.errors import ConceptFrozen, StaleEdit
from concept.models import ConceptMeasure, ConceptVersion, Goal, GoalIndicator

from .factories import (
    ConceptMeasureFactory,
    ConceptVersionFactory,
    GoalFactory,
    GoalIndicatorFactory,
    IndicatorFactory,
    PillarFieldFactory,
    field_of_action,
)

pytestmark = pytest.mark.django_db


def adopt(by, version, **kwargs):
    defaults = {"adopted_on": date(2026, 10, 8), "adopted_by_body": "Kreistag", "drucksache": "DS 123/2026"}
    return services.adopt_version(by=by, version=version, **{**defaults, **kwargs})


def test_new_version_is_a_draft_with_the_two_nrw_pillars(ki_staff, district):
    version = services.create_version(
        by=ki_staff,
        district=district,
        title="Integrationskonzept Kreis Unna",
        period_start=2026,
        period_end=2030,
    )
    assert version.status == ConceptVersion.Status.DRAFT and version.number == 1
    assert [p.title for p in version.pillars.all()] == [
        "Integration durch Bildung",
        "Integration als Querschnittsaufgabe",
    ]


def test_contact_cannot_create_a_version(contact_unna, district):
    with pytest.raises(PermissionDenied):
        services.create_version(
            by=contact_unna, district=district, title="X", period_start=2026, period_end=2030
        )


def test_adoption_is_refused_while_a_goal_has_no_indicator_with_target_and_names_it(ki_staff, district):
    version = ConceptVersionFactory(concept__district=district)
    GoalIndicatorFactory(goal__version=version)
    GoalFactory(version=version, title="Mehr Ehrenamtliche mit eigener Zuwanderungsgeschichte")
    without_target = GoalFactory(version=version, title="Interkulturelle Öffnung der Verwaltung")
    GoalIndicatorFactory(goal=without_target, target_value=None, target_year=None)
    with pytest.raises(ValidationError) as error:
        adopt(ki_staff, version)
    message = str(error.value)
    assert "„Mehr Ehrenamtliche mit eigener Zuwanderungsgeschichte“" in message
    assert "„Interkulturelle Öffnung der Verwaltung“" in message
    version.refresh_from_db()
    assert version.status == ConceptVersion.Status.DRAFT


def test_adoption_records_the_decision_and_supersedes_the_previous_version(ki_staff, district):
    first = ConceptVersionFactory(concept__district=district, period_start=2021, period_end=2025)
    GoalIndicatorFactory(goal__version=first, baseline_year=2020, target_year=2025)
    adopt(ki_staff, first, adopted_on=date(2021, 3, 1))
    second = ConceptVersionFactory(concept=first.concept)
    GoalIndicatorFactory(goal__version=second)
    adopt(ki_staff, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ConceptVersion.Status.SUPERSEDED and first.superseded_on == date(2026, 10, 8)
    assert second.status == ConceptVersion.Status.ADOPTED
    assert (second.adopted_by_body, second.drucksache) == ("Kreistag", "DS 123/2026")


def test_adopted_version_cannot_be_edited_by_anyone(ki_staff, district):
    version = ConceptVersionFactory(concept__district=district)
    goal = GoalIndicatorFactory(goal__version=version).goal
    adopt(ki_staff, version)
    version.refresh_from_db()
    with pytest.raises(ConceptFrozen) as error:
        services.update_version(
            by=ki_staff, version=version, lock_version=version.lock_version, data={"title": "Neu"}
        )
    assert "kann nicht mehr geändert werden" in error.value.message
    with pytest.raises(ConceptFrozen):
        services.update_goal(by=ki_staff, goal=goal, lock_version=goal.lock_version, data={"title": "Neu"})
    with pytest.raises(ConceptFrozen):
        services.create_goal(
            by=ki_staff, version=version, data={"title": "Neu", "field_of_action": goal.field_of_action}
        )
    assert Goal.objects.get(pk=goal.pk).title == goal.title


def test_fortschreibung_is_a_deep_copy_of_the_adopted_version(ki_staff, district, unna):
    version = ConceptVersionFactory(concept__district=district, period_start=2021, period_end=2025)
    PillarFieldFactory(pillar__version=version, situation="Viele Sprachkurse, wenig Kita-Plätze")
    target = GoalIndicatorFactory(goal__version=version, baseline_year=2020, target_year=2025)
    ConceptMeasureFactory(
        goal=target.goal, owner_kind=ConceptMeasure.OwnerKind.MUNICIPALITY, owner_municipality=unna
    )
    adopt(ki_staff, version, adopted_on=date(2021, 3, 1))
    copy = services.start_fortschreibung(by=ki_staff, version=version)
    assert copy.status == ConceptVersion.Status.DRAFT and copy.copied_from == version
    assert (copy.period_start, copy.period_end) == (2026, 2030)
    assert copy.pillar_fields.get().situation == "Viele Sprachkurse, wenig Kita-Plätze"
    new_goal = copy.goals.get()
    assert new_goal.pk != target.goal_id and new_goal.title == target.goal.title
    assert new_goal.targets.get().indicator_id == target.indicator_id
    assert new_goal.measures.get().owner_municipality == unna
    # The original stays untouched.
    assert version.goals.get().pk == target.goal_id
    with pytest.raises(ValidationError):
        services.start_fortschreibung(by=ki_staff, version=version)


def test_second_of_two_concurrent_goal_edits_is_refused_with_the_changes(ki_staff, district):
    goal = GoalFactory(
        version=ConceptVersionFactory(concept__district=district), title="Sprachförderung in Kitas"
    )
    opened_at = goal.lock_version  # both staff opened the same form
    first = services.update_goal(
        by=ki_staff, goal=goal, lock_version=opened_at, data={"title": "Sprachförderung in allen Kitas"}
    )
    assert first.lock_version == opened_at + 1
    with pytest.raises(StaleEdit) as error:
        services.update_goal(
            by=ki_staff,
            goal=goal,
            lock_version=opened_at,
            data={"title": "Sprachförderung in Kitas und Schulen"},
        )
    assert [(c.label, c.saved, c.yours) for c in error.value.changes] == [
        ("Titel", "Sprachförderung in allen Kitas", "Sprachförderung in Kitas und Schulen")
    ]
    assert Goal.objects.get(pk=goal.pk).title == "Sprachförderung in allen Kitas"


def test_goal_field_of_another_district_is_refused(ki_staff, district):
    from municipalities.tests.factories import DistrictFactory

    other = DistrictFactory(name="Kreis Soest", ags_prefix="05974")
    version = ConceptVersionFactory(concept__district=district)
    with pytest.raises(ValidationError):
        services.create_goal(
            by=ki_staff, version=version, data={"title": "X", "field_of_action": field_of_action(other)}
        )


def test_target_before_baseline_is_refused_and_nothing_saved(ki_staff, district):
    goal = GoalFactory(version=ConceptVersionFactory(concept__district=district))
    indicator = IndicatorFactory(district=district)
    with pytest.raises(ValidationError) as error:
        services.set_goal_target(
            by=ki_staff,
            goal=goal,
            indicator=indicator,
            data={
                "baseline_value": Decimal(5),
                "baseline_year": 2028,
                "target_value": Decimal(9),
                "target_year": 2027,
            },
        )
    assert "vor dem Ausgangsjahr" in str(error.value)
    assert not GoalIndicator.objects.exists()


def test_contact_updates_status_only_of_measures_their_municipality_owns(
    contact_unna, unna, luenen, district
):
    goal = GoalFactory(version=ConceptVersionFactory(concept__district=district, status="consultation"))
    own = ConceptMeasureFactory(goal=goal, owner_kind="municipality", owner_municipality=unna)
    theirs = ConceptMeasureFactory(goal=goal, owner_kind="municipality", owner_municipality=luenen)
    services.update_measure_status(by=contact_unna, measure=own, status=ConceptMeasure.Status.RUNNING)
    own.refresh_from_db()
    assert own.status == "running" and own.status_changed_by == contact_unna
    with pytest.raises(PermissionDenied):
        services.update_measure_status(by=contact_unna, measure=theirs, status=ConceptMeasure.Status.RUNNING)
    theirs.refresh_from_db()
    assert theirs.status == "planned"


def test_measure_status_can_progress_in_an_adopted_version(ki_staff, contact_unna, unna, district):
    version = ConceptVersionFactory(concept__district=district)
    target = GoalIndicatorFactory(goal__version=version)
    measure = ConceptMeasureFactory(goal=target.goal, owner_kind="municipality", owner_municipality=unna)
    adopt(ki_staff, version)
    services.update_measure_status(by=contact_unna, measure=measure, status=ConceptMeasure.Status.COMPLETED)
    assert ConceptMeasure.objects.get(pk=measure.pk).status == "completed"


def test_goal_is_deleted_only_from_an_editable_version(ki_staff, district):
    draft_goal = GoalFactory(version=ConceptVersionFactory(concept__district=district))
    services.delete_goal(by=ki_staff, goal=draft_goal)
    assert not Goal.objects.filter(pk=draft_goal.pk).exists()
    version = ConceptVersionFactory(concept__district=district)
    kept = GoalIndicatorFactory(goal__version=version).goal
    adopt(ki_staff, version)
    with pytest.raises(ConceptFrozen):
        services.delete_goal(by=ki_staff, goal=kept)
    assert Goal.objects.filter(pk=kept.pk).exists()
