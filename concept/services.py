"""Writes with business meaning on concept versions, goals, targets and measures.

Every service takes the acting user first, runs in a transaction, checks the user's right
itself (views check too, but a service is safe on its own) and raises a domain error:
``ValidationError`` for bad input, ``ConceptFrozen`` for an adopted version, ``StaleEdit``
when someone else saved first, ``PermissionDenied`` for a missing right.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities.models import District, FieldOfAction
from municipalities.permissions import is_ki_staff

from . import permissions
from .errors import Change, ConceptFrozen, StaleEdit
from .models import (
    Concept,
    ConceptMeasure,
    ConceptVersion,
    Goal,
    GoalIndicator,
    Indicator,
    Pillar,
    PillarField,
)
from .workflow import VERSION

DEFAULT_PILLARS = ("Integration durch Bildung", "Integration als Querschnittsaufgabe")

VERSION_FIELDS = ("title", "period_start", "period_end", "leitbild")
GOAL_FIELDS = ("field_of_action", "title", "description", "kind", "priority", "responsible")


def _require_staff(by: User, district: District) -> None:
    if not is_ki_staff(by, district):
        raise PermissionDenied(_("Nur Mitarbeitende des Integrationszentrums dürfen das Konzept bearbeiten."))


def ensure_editable(version: ConceptVersion) -> None:
    if not VERSION.is_possible("edit", version):
        raise ConceptFrozen(
            _(
                "Die Fassung „%(title)s“ ist %(status)s und kann nicht mehr geändert werden. "
                "Änderungen gehören in eine neue Fortschreibung."
            )
            % {"title": version.title, "status": version.get_status_display()}
        )


def _check_lock(obj, lock_version: int, fields: tuple[str, ...], data: dict[str, Any]) -> None:
    if obj.lock_version == lock_version:
        return
    changes = []
    for name in fields:
        if name not in data:
            continue
        saved, yours = getattr(obj, name), data[name]
        if saved != yours:
            field = obj._meta.get_field(name)
            shown = getattr(obj, f"get_{name}_display", None)
            changes.append(
                Change(
                    label=str(field.verbose_name),
                    saved=str(shown() if shown else saved or "–"),
                    yours=str(yours or "–"),
                )
            )
    raise StaleEdit(
        _(
            "Jemand anderes hat diesen Eintrag gespeichert, nachdem Sie ihn geöffnet haben. "
            "Ihre Änderungen wurden nicht gespeichert; bitte prüfen Sie den gespeicherten Stand."
        ),
        changes,
    )


# --- versions -------------------------------------------------------------------------


@transaction.atomic
def create_version(
    *, by: User, district: District, title: str, period_start: int, period_end: int, leitbild: str = ""
) -> ConceptVersion:
    """A new draft with the two pillars of the NRW structure."""
    _require_staff(by, district)
    concept, _created = Concept.objects.get_or_create(district=district)
    concept = Concept.objects.select_for_update().get(pk=concept.pk)
    number = (concept.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ConceptVersion(
        concept=concept,
        number=number,
        title=title,
        period_start=period_start,
        period_end=period_end,
        leitbild=leitbild,
        created_by=by,
    )
    version.full_clean()
    version.save()
    for order, pillar_title in enumerate(DEFAULT_PILLARS):
        Pillar.objects.create(version=version, title=pillar_title, order=order)
    return version


@transaction.atomic
def update_version(
    *, by: User, version: ConceptVersion, lock_version: int, data: dict[str, Any]
) -> ConceptVersion:
    version = ConceptVersion.objects.select_for_update().select_related("concept").get(pk=version.pk)
    _require_staff(by, version.concept.district)
    ensure_editable(version)
    _check_lock(version, lock_version, VERSION_FIELDS, data)
    for name in VERSION_FIELDS:
        if name in data:
            setattr(version, name, data[name])
    version.full_clean()
    outside = [
        goal_indicator.goal.title
        for goal_indicator in GoalIndicator.objects.filter(goal__version=version).select_related("goal")
        if goal_indicator.target_year and not version.year_in_period(goal_indicator.target_year)
    ]
    if outside:
        raise ValidationError(
            _("Zieljahre dieser Ziele lägen außerhalb der neuen Laufzeit: %(goals)s.")
            % {"goals": ", ".join(outside)}
        )
    version.lock_version += 1
    version.save()
    return version


def goals_without_target(version: ConceptVersion) -> list[Goal]:
    """Goals that no indicator with a target value and year makes verifiable (§ 8 TIntG)."""
    with_target = GoalIndicator.objects.filter(
        goal=OuterRef("pk"), target_value__isnull=False, target_year__isnull=False
    )
    return list(
        version.goals.exclude(Exists(with_target))
        .select_related("field_of_action")
        .order_by("field_of_action__position", "order", "title")
    )


@transaction.atomic
def adopt_version(
    *,
    by: User,
    version: ConceptVersion,
    adopted_on: date,
    adopted_by_body: str,
    drucksache: str,
    refused: str = "",
) -> ConceptVersion:
    """Record the Kreistag's decision (body, date, Drucksache): the version is frozen and
    supersedes the one adopted before. The one adoption of both forms (the version pages and the
    consultation's last step, ``services_consultation.adopt_version``).

    Refused while a goal lacks an indicator with a target (§ 8 TIntG: goals must be verifiable).
    A version the table does not let adopt (already adopted or superseded) raises ``ConceptFrozen``
    (the view answers 409), or a ``ValidationError`` with the text ``refused`` when one is given.
    """
    version = (
        ConceptVersion.objects.select_for_update().select_related("concept__district").get(pk=version.pk)
    )
    _require_staff(by, version.concept.district)
    if not VERSION.is_possible("adopt", version):
        if refused:
            raise ValidationError(refused)
        ensure_editable(version)
    errors = {}
    if adopted_on is None:
        errors["adopted_on"] = _("Bitte geben Sie das Datum des Beschlusses an.")
    elif adopted_on > timezone.localdate():
        errors["adopted_on"] = _("Das Datum des Beschlusses liegt in der Zukunft.")
    if not (adopted_by_body or "").strip():
        errors["adopted_by_body"] = _("Bitte nennen Sie das beschließende Gremium, z. B. den Kreistag.")
    if not (drucksache or "").strip():
        errors["drucksache"] = _("Bitte geben Sie die Nummer der Drucksache an.")
    if errors:
        raise ValidationError(errors)
    if not version.goals.exists():
        raise ValidationError(_("Die Fassung enthält noch keine Ziele."))
    unverifiable = goals_without_target(version)
    if unverifiable:
        raise ValidationError(
            _(
                "Die Fassung kann nicht beschlossen werden: Ziele müssen überprüfbar sein (§ 8 TIntG). "
                "Diesen Zielen fehlt eine Kennzahl mit Zielwert: %(goals)s."
            )
            % {"goals": "; ".join(f"„{goal.title}“" for goal in unverifiable)}
        )
    previous = (
        ConceptVersion.objects.select_for_update()
        .filter(concept=version.concept, status=ConceptVersion.Status.ADOPTED)
        .exclude(pk=version.pk)
    )
    for old in previous:
        old.status = ConceptVersion.Status.SUPERSEDED
        old.superseded_on = adopted_on
        old.save(update_fields=["status", "superseded_on", "updated_at"])
    version.status = ConceptVersion.Status.ADOPTED
    version.adopted_on = adopted_on
    version.adopted_by_body = adopted_by_body.strip()
    version.drucksache = drucksache.strip()
    version.lock_version += 1
    version.save()
    return version


@transaction.atomic
def start_fortschreibung(*, by: User, version: ConceptVersion) -> ConceptVersion:
    """The next version as a deep copy of an adopted one (pillars, fields, goals, targets, measures)."""
    source = ConceptVersion.objects.select_related("concept").get(pk=version.pk)
    _require_staff(by, source.concept.district)
    if not VERSION.is_possible("start_fortschreibung", source):
        raise ValidationError(_("Eine Fortschreibung beginnt mit der beschlossenen Fassung."))
    concept = Concept.objects.select_for_update().get(pk=source.concept_id)
    if concept.versions.filter(status__in=ConceptVersion.EDITABLE_STATUSES).exists():
        raise ValidationError(
            _("Es gibt bereits eine Fortschreibung in Arbeit; bitte setzen Sie diese fort.")
        )
    length = source.period_end - source.period_start
    copy = ConceptVersion.objects.create(
        concept=concept,
        number=(concept.versions.aggregate(n=Max("number"))["n"] or 0) + 1,
        title=source.title,
        period_start=source.period_end + 1,
        period_end=source.period_end + 1 + length,
        leitbild=source.leitbild,
        copied_from=source,
        created_by=by,
    )
    pillars = {}
    for pillar in source.pillars.all():
        pillars[pillar.pk] = Pillar.objects.create(version=copy, title=pillar.title, order=pillar.order)
    PillarField.objects.bulk_create(
        PillarField(
            version=copy,
            pillar=pillars[field.pillar_id],
            field_of_action_id=field.field_of_action_id,
            order=field.order,
            situation=field.situation,
        )
        for field in source.pillar_fields.all()
    )
    for goal in source.goals.prefetch_related("targets", "measures__events"):
        new_goal = Goal.objects.create(
            version=copy,
            **{name: getattr(goal, name) for name in GOAL_FIELDS},
            order=goal.order,
            updated_by=by,
        )
        GoalIndicator.objects.bulk_create(
            GoalIndicator(
                goal=new_goal,
                indicator_id=target.indicator_id,
                baseline_value=target.baseline_value,
                baseline_year=target.baseline_year,
                direction=target.direction,
                order=target.order,
                # The old target year lies in the old period: the KI sets new targets.
            )
            for target in goal.targets.all()
        )
        for measure in goal.measures.all():
            events = list(measure.events.all())
            measure.pk = None
            measure.goal = new_goal
            measure.save()
            measure.events.set(events)
    return copy


# --- goals ------------------------------------------------------------------------------


def _check_field(version: ConceptVersion, field_of_action: FieldOfAction) -> None:
    if field_of_action.district_id != version.concept.district_id:
        raise ValidationError({"field_of_action": _("Das Handlungsfeld gehört zu einem anderen Kreis.")})


@transaction.atomic
def create_goal(*, by: User, version: ConceptVersion, data: dict[str, Any]) -> Goal:
    version = ConceptVersion.objects.select_for_update().select_related("concept").get(pk=version.pk)
    _require_staff(by, version.concept.district)
    ensure_editable(version)
    goal = Goal(version=version, updated_by=by, **{name: data[name] for name in GOAL_FIELDS if name in data})
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def update_goal(*, by: User, goal: Goal, lock_version: int, data: dict[str, Any]) -> Goal:
    """Save a goal edited in a form that started at ``lock_version``; refuses a stale form."""
    goal = Goal.objects.select_for_update().select_related("version__concept").get(pk=goal.pk)
    _require_staff(by, goal.version.concept.district)
    ensure_editable(goal.version)
    _check_lock(goal, lock_version, GOAL_FIELDS, data)
    for name in GOAL_FIELDS:
        if name in data:
            setattr(goal, name, data[name])
    goal.full_clean()
    goal.lock_version += 1
    goal.updated_by = by
    goal.save()
    return goal


@transaction.atomic
def delete_goal(*, by: User, goal: Goal) -> None:
    """Remove a goal with its targets and measures from a version still being drafted."""
    goal = Goal.objects.select_for_update().select_related("version__concept").get(pk=goal.pk)
    _require_staff(by, goal.version.concept.district)
    ensure_editable(goal.version)
    goal.delete()


@transaction.atomic
def set_goal_target(*, by: User, goal: Goal, indicator: Indicator, data: dict[str, Any]) -> GoalIndicator:
    """Attach an indicator with baseline and target to a goal (or change the existing one)."""
    goal = Goal.objects.select_for_update().select_related("version__concept").get(pk=goal.pk)
    _require_staff(by, goal.version.concept.district)
    ensure_editable(goal.version)
    target = GoalIndicator.objects.filter(goal=goal, indicator=indicator).first() or GoalIndicator(
        goal=goal, indicator=indicator
    )
    for name in ("baseline_value", "baseline_year", "target_value", "target_year", "direction"):
        if name in data:
            setattr(target, name, data[name])
    target.full_clean()
    target.save()
    return target


# --- measures ---------------------------------------------------------------------------

MEASURE_FIELDS = (
    "title", "description", "measure", "owner_kind", "owner_municipality", "provider_name",
    "starts_on", "ends_on", "status", "budget", "funding_programme",
)  # fmt: skip


@transaction.atomic
def create_concept_measure(*, by: User, goal: Goal, data: dict[str, Any], events=()) -> ConceptMeasure:
    goal = Goal.objects.select_related("version__concept").get(pk=goal.pk)
    _require_staff(by, goal.version.concept.district)
    ensure_editable(goal.version)
    measure = ConceptMeasure(goal=goal, **{name: data[name] for name in MEASURE_FIELDS if name in data})
    measure.full_clean()
    measure.save()
    district_id = goal.version.concept.district_id
    if any(event.municipality.district_id != district_id for event in events):
        raise ValidationError({"events": _("Eine Veranstaltung gehört zu einem anderen Kreis.")})
    measure.events.set(events)
    return measure


@transaction.atomic
def update_measure_status(*, by: User, measure: ConceptMeasure, status: str) -> ConceptMeasure:
    """Progress of a measure. Allowed in an adopted version too: the status is the
    implementation of the adopted content, not a change of it; a superseded version is history."""
    measure = ConceptMeasure.objects.select_for_update().select_related("goal__version").get(pk=measure.pk)
    if not permissions.may_update_measure_status(by, measure):
        raise PermissionDenied(
            _("Den Status dieser Maßnahme pflegt die verantwortliche Kommune oder das KI.")
        )
    if measure.goal.version.status == ConceptVersion.Status.SUPERSEDED:
        raise ConceptFrozen(
            _("Diese Fassung ist abgelöst; ihre Maßnahmen werden nicht mehr fortgeschrieben.")
        )
    if status not in ConceptMeasure.Status.values:
        raise ValidationError({"status": _("Bitte wählen Sie einen der angebotenen Status.")})
    if measure.status != status:
        measure.status = status
        measure.status_changed_by = by
        measure.status_changed_at = timezone.now()
        measure.save(update_fields=["status", "status_changed_by", "status_changed_at"])
    return measure
