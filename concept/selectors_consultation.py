"""Reads for the consultation and the public page, always scoped to the user.

KI staff see the versions of their districts; a municipality's contact sees a version of their
own district while it is in consultation (or adopted), and only their own municipality's comments,
answers and position. The public sees the adopted version only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from municipalities import permissions
from municipalities.models import District, Municipality

from .models import (
    CommentAnswer,
    ConceptVersion,
    ConsultationComment,
    Goal,
    GoalIndicator,
    Indicator,
    IndicatorValue,
    MunicipalityPosition,
    PillarField,
    ReadReceipt,
)
from .portal import portal_values

Status = ConceptVersion.Status
CONTACT_VISIBLE_STATUSES = (Status.CONSULTATION, Status.ADOPTED)


def versions_administered_by(user: User) -> QuerySet[ConceptVersion]:
    return ConceptVersion.objects.filter(concept__district__in=permissions.districts_administered_by(user))


def versions_visible_to(user: User) -> QuerySet[ConceptVersion]:
    """Staff: every version of their districts. Contacts: their district's version in consultation."""
    roles = permissions.roles_of(user)
    contact_districts = Municipality.objects.filter(pk__in=roles.contact_municipality_ids).values(
        "district_id"
    )
    return ConceptVersion.objects.filter(
        Q(concept__district__in=permissions.districts_administered_by(user))
        | Q(concept__district_id__in=contact_districts, status__in=CONTACT_VISIBLE_STATUSES)
    ).select_related("concept__district")


def get_visible_version(*, user: User, pk: int) -> ConceptVersion:
    return get_object_or_404(versions_visible_to(user), pk=pk)


def get_consulting_municipality(*, user: User, version: ConceptVersion, slug: str) -> Municipality:
    """The municipality whose consultation page this is: KI staff any of the district, a contact their own."""
    return get_object_or_404(
        permissions.municipalities_managed_by(user).filter(district_id=version.concept.district_id),
        slug=slug,
    )


def contact_municipalities_for(*, user: User, version: ConceptVersion) -> list[Municipality]:
    ids = permissions.roles_of(user).contact_municipality_ids
    return list(
        Municipality.objects.filter(pk__in=ids, district_id=version.concept.district_id).order_by("name")
    )


def open_consultations_for(*, user: User) -> list[tuple[ConceptVersion, Municipality]]:
    """Versions in consultation that the user's municipalities are asked about (for start pages)."""
    ids = permissions.roles_of(user).contact_municipality_ids
    if not ids:
        return []
    municipalities = list(Municipality.objects.filter(pk__in=ids).order_by("name"))
    versions = ConceptVersion.objects.filter(
        status=Status.CONSULTATION, concept__district_id__in={m.district_id for m in municipalities}
    ).select_related("concept")
    return [(v, m) for v in versions for m in municipalities if m.district_id == v.concept.district_id]


def current_versions_for_staff(*, user: User) -> list[ConceptVersion]:
    """KI staff's versions that are not superseded, newest first (start-page links)."""
    if not permissions.roles_of(user).is_ki_staff:
        return []
    return list(
        versions_administered_by(user)
        .exclude(status=Status.SUPERSEDED)
        .select_related("concept__district")
        .order_by("concept__district__name", "-number")[:10]
    )


# --- the draft's content ------------------------------------------------------


@dataclass
class FieldSection:
    pillar_field: PillarField
    goals: list[Goal] = field(default_factory=list)


@dataclass
class PillarSection:
    title: str
    fields: list[FieldSection] = field(default_factory=list)


def concept_content(version: ConceptVersion) -> list[PillarSection]:
    """Pillars → fields of action → goals with their targets, in a constant number of queries."""
    goals = (
        Goal.objects.filter(version=version)
        .select_related("field_of_action")
        .prefetch_related(
            Prefetch(
                "targets", queryset=GoalIndicator.objects.select_related("indicator").order_by("order", "pk")
            )
        )
        .order_by("order", "title")
    )
    by_field: dict[int, list[Goal]] = {}
    for goal in goals:
        by_field.setdefault(goal.field_of_action_id, []).append(goal)
    sections: list[PillarSection] = []
    placed: set[int] = set()
    pillar_fields = (
        PillarField.objects.filter(version=version)
        .select_related("pillar", "field_of_action")
        .order_by("pillar__order", "pillar__title", "order")
    )
    for pillar_field in pillar_fields:
        if not sections or sections[-1].title != pillar_field.pillar.title:
            sections.append(PillarSection(title=pillar_field.pillar.title))
        sections[-1].fields.append(
            FieldSection(pillar_field, by_field.get(pillar_field.field_of_action_id, []))
        )
        placed.add(pillar_field.field_of_action_id)
    unplaced = [goal for field_id, goals_ in by_field.items() if field_id not in placed for goal in goals_]
    if unplaced:
        # Goals of a field not yet placed under a pillar still belong to the draft the municipalities see.
        rest = PillarSection(title="")
        for goal in unplaced:
            if not rest.fields or rest.fields[-1].pillar_field.field_of_action_id != goal.field_of_action_id:
                rest.fields.append(
                    FieldSection(PillarField(field_of_action=goal.field_of_action, version=version), [])
                )
            rest.fields[-1].goals.append(goal)
        sections.append(rest)
    return sections


def commentable_subjects(version: ConceptVersion) -> tuple[list, list]:
    """(fields of action, goals) a comment may refer to."""
    goals = list(
        version.goals.select_related("field_of_action").order_by("field_of_action__position", "order")
    )
    fields = {pf.field_of_action for pf in version.pillar_fields.select_related("field_of_action")}
    fields |= {goal.field_of_action for goal in goals}
    return sorted(fields, key=lambda f: (f.position, f.name)), goals


# --- comments, positions, tracking ---------------------------------------------


def comments_of_municipality(
    *, version: ConceptVersion, municipality: Municipality
) -> list[ConsultationComment]:
    return list(
        ConsultationComment.objects.filter(version=version, municipality=municipality)
        .select_related("author", "goal", "field_of_action")
        .prefetch_related(Prefetch("answers", queryset=CommentAnswer.objects.select_related("author")))
        .order_by("created_at", "pk")
    )


def all_comments(*, version: ConceptVersion) -> list[ConsultationComment]:
    """Every comment of a version, for KI staff only (the view checks the role)."""
    return list(
        ConsultationComment.objects.filter(version=version)
        .select_related("author", "goal", "field_of_action", "municipality")
        .prefetch_related(Prefetch("answers", queryset=CommentAnswer.objects.select_related("author")))
        .order_by("municipality__name", "created_at", "pk")
    )


def comments_answerable_by(user: User) -> QuerySet[ConsultationComment]:
    return ConsultationComment.objects.filter(
        version__concept__district__in=permissions.districts_administered_by(user)
    ).select_related("version__concept__district")


def position_of(*, version: ConceptVersion, municipality: Municipality) -> MunicipalityPosition | None:
    return (
        MunicipalityPosition.objects.filter(version=version, municipality=municipality)
        .select_related("declared_by")
        .first()
    )


def tracking_rows(*, version: ConceptVersion) -> QuerySet[Municipality]:
    """One row per municipality of the district: read, number of comments, position and its date."""
    positions = MunicipalityPosition.objects.filter(version=version, municipality=OuterRef("pk"))
    receipts = ReadReceipt.objects.filter(version=version, municipality=OuterRef("pk"))
    return (
        Municipality.objects.filter(district_id=version.concept.district_id)
        .annotate(
            has_read=Exists(receipts),
            first_read_at=receipts.order_by("read_at").values("read_at")[:1],
            comment_count=Count(
                "concept_comments", filter=Q(concept_comments__version=version), distinct=True
            ),
            position_value=positions.values("position")[:1],
            position_declared_at=positions.values("declared_at")[:1],
        )
        .order_by("name")
    )


def ensure_may_see_tracking(*, user: User, version: ConceptVersion) -> None:
    if not permissions.is_ki_staff(user, version.concept.district):
        raise Http404


# --- the public page ----------------------------------------------------------


def adopted_version_of(district_slug: str) -> ConceptVersion:
    district = get_object_or_404(District, slug=district_slug)
    return get_object_or_404(
        ConceptVersion.objects.select_related("concept__district"),
        concept__district=district,
        status=Status.ADOPTED,
    )


@dataclass
class PublicValue:
    indicator: Indicator
    year: int | None
    value: object
    is_demo: bool


def latest_public_values(version: ConceptVersion) -> dict[int, PublicValue]:
    """Per indicator of the version's targets: the latest district-wide value.

    Official values as entered; the portal's own indicators computed from its data (in SQL, for
    the *completed* years of the period: the current year's count is still growing, and a
    public figure for a year stands for the whole year), which the template labels apart as the
    portal's own counts. A fixed number of queries whatever the number of indicators.
    """
    indicator_ids = GoalIndicator.objects.filter(goal__version=version).values("indicator_id")
    rows = (
        IndicatorValue.objects.filter(indicator_id__in=indicator_ids, municipality__isnull=True)
        .select_related("indicator")
        .order_by("indicator_id", "-year")
        .distinct("indicator_id")
    )
    values = {row.indicator_id: PublicValue(row.indicator, row.year, row.value, row.is_demo) for row in rows}
    portal = list(Indicator.objects.filter(pk__in=indicator_ids, source=Indicator.Source.PORTAL))
    if portal:
        last = min(version.period_end, timezone.localdate().year - 1)
        years = list(range(version.period_start, last + 1))
        computed = (
            portal_values(district=version.concept.district, indicators=portal, years=years) if years else {}
        )
        for indicator in portal:
            year = next(
                (year for year in reversed(years) if computed.get((indicator.pk, None, year)) is not None),
                None,
            )
            if year is not None:
                values[indicator.pk] = PublicValue(
                    indicator, year, computed[(indicator.pk, None, year)], False
                )
    return values
