"""Retention: personal data is kept only as long as it is needed, then anonymised (counts stay).

Two rules, both run daily by Celery beat (``volunteers.apply_retention``) and by hand with
``manage.py anonymise_expired [--dry-run]``:

1. **Course participants.** Funding evidence must be kept for five years after the funding
   year. A course's year is the year (Europe/Berlin) in which its last session ends (a course
   without sessions: its registration deadline). From 1 January of the
   ``PARTICIPANT_RETENTION_YEARS`` + 1-th year after that (default 5: a 2020 course on
   1 January 2026) its registrations no longer name anybody: each registration is moved from
   the person's profile to an anonymous placeholder profile of its own (no account, no
   municipality, no newcomer flag, ``anonymised_at`` set). The registration row, its status,
   its ``counts_as_newcomer`` flag and its attendance rows stay unchanged, so every count of
   courses, participants, newcomers, attendance and teaching units stays what it was.
   One placeholder per registration (not one per person) so the old registrations of one
   person cannot be linked to each other any more.

   The only figure that counts *people* through registrations is "newcomers who became
   volunteers, active in year Y" (``volunteers.figures.newcomer_volunteers``). Before the
   link is cut, every consented newcomer who would drop out of that figure for a year is
   added to ``RetainedNewcomerCount`` (district, year) – a bare number – which the figure adds.

   The person keeps their account, their profile and their qualifications (their own record
   of what they can do, kept while the account exists; it names the course title only). The
   certificate of such an old course can no longer be downloaded from the portal.

2. **Inactive volunteers.** A pure volunteer (no KI staff, trainer or municipal contact role,
   no admin access) whose last activity – last login, e-mail confirmation, last course
   registration or last session of a course they are registered for, whichever is latest –
   lies more than ``VOLUNTEER_INACTIVITY_MONTHS`` (24) months back gets a warning mail. If
   ``VOLUNTEER_INACTIVITY_WARNING_DAYS`` (30) days later there was still no activity since the
   warning, the account is anonymised exactly as if the person had deleted it
   (``selfservice.deletion.delete_volunteer_account``). Any activity after the warning (logging in is
   enough) clears the warning. Who is inactive, and the warning mail: ``volunteers.inactivity``.

Everything is idempotent: a second run on the same day finds nothing left to do.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, Exists, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .figures import EVIDENCE_COURSE_STATUSES
from .inactivity import (
    send_inactivity_warning,
    volunteers_to_anonymise,
    volunteers_to_warn,
    warnings_to_reset,
)
from .models import Course, CourseSession, Registration, RetainedNewcomerCount, Volunteer
from .selfservice.deletion import delete_volunteer_account

logger = logging.getLogger(__name__)

R = Registration.Status
# The statuses through which ``figures.newcomer_volunteers`` counts a person as active.
ACTIVE_FIGURE_STATUSES = (R.REGISTERED, R.ATTENDED)


# --- settings ------------------------------------------------------------------------


def participant_retention_years() -> int:
    return settings.PARTICIPANT_RETENTION_YEARS


def _local_year_start(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=timezone.get_default_timezone())


# --- course participants -------------------------------------------------------------


def participant_cutoff(*, now: datetime) -> datetime:
    """Courses that ended before this moment are past their retention period.

    A course ending in year Y is kept through 31 December of Y + N and anonymised from
    1 January of Y + N + 1; so on ``now`` the courses of years < now.year - N are due.
    """
    return _local_year_start(timezone.localtime(now).year - participant_retention_years())


def _course_end() -> Coalesce:
    last_end = (
        CourseSession.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(last=Max("end"))
        .values("last")
    )
    return Coalesce(Subquery(last_end, output_field=DateTimeField()), F("registration_closes"))


def _personal_registrations() -> QuerySet[Registration]:
    """Registrations that still point at a person's profile (not at an anonymous one)."""
    return Registration.objects.filter(volunteer__anonymised_at__isnull=True)


def courses_due(*, now: datetime) -> QuerySet[Course]:
    """Courses past their retention period that still have registrations naming somebody."""
    personal = _personal_registrations().filter(course=OuterRef("pk"))
    return (
        Course.objects.annotate(course_end=_course_end())
        .filter(course_end__lt=participant_cutoff(now=now))
        .filter(Exists(personal))
        .order_by("course_end", "pk")
    )


def _active_years(registrations: QuerySet[Registration]) -> dict[int, set[int]]:
    """Volunteer id → years (Europe/Berlin) in which the figure counts them as active."""
    rows = (
        registrations.filter(status__in=ACTIVE_FIGURE_STATUSES, course__status__in=EVIDENCE_COURSE_STATUSES)
        .values_list("volunteer_id", "course__sessions__start")
        .distinct()
    )
    years: dict[int, set[int]] = {}
    for volunteer_id, start in rows:
        if start is not None:
            years.setdefault(volunteer_id, set()).add(timezone.localtime(start).year)
    return years


def newcomer_counts_to_retain(registrations: QuerySet[Registration]) -> Counter:
    """(district id, year) → how many people drop out of "active newcomers" when ``registrations`` go.

    Mirrors ``figures.newcomer_volunteers``: a consented newcomer profile created before the
    end of the year, with a registered/attended registration for a course with a session
    in the year.
    """
    ids = set(registrations.values_list("volunteer_id", flat=True))
    newcomers = {
        volunteer.pk: volunteer
        for volunteer in Volunteer.objects.filter(
            pk__in=ids, came_as_newcomer=True, newcomer_consent_at__isnull=False
        )
    }
    if not newcomers:
        return Counter()
    before = _active_years(Registration.objects.filter(volunteer_id__in=newcomers))
    after = _active_years(
        Registration.objects.filter(volunteer_id__in=newcomers).exclude(pk__in=registrations.values("pk"))
    )
    counts: Counter = Counter()
    for volunteer_id, years in before.items():
        volunteer = newcomers[volunteer_id]
        for year in years - after.get(volunteer_id, set()):
            if volunteer.created_at < _local_year_start(year + 1):
                counts[(volunteer.district_id, year)] += 1
    return counts


@transaction.atomic
def anonymise_course_participants(*, course: Course, now: datetime) -> tuple[int, Counter]:
    """Cut the link between ``course``'s registrations and the people.

    Returns how many registrations were anonymised and the newcomer counts kept for the figures.
    """
    Course.objects.select_for_update().filter(pk=course.pk).first()
    registrations = _personal_registrations().filter(course=course)
    retained = newcomer_counts_to_retain(registrations)
    for (district_id, year), count in retained.items():
        RetainedNewcomerCount.objects.get_or_create(district_id=district_id, year=year)
        RetainedNewcomerCount.objects.filter(district_id=district_id, year=year).update(
            active_newcomers=F("active_newcomers") + count
        )
    rows = list(registrations.select_related("volunteer").order_by("pk"))
    placeholders = Volunteer.objects.bulk_create(
        [Volunteer(user=None, district_id=row.volunteer.district_id, anonymised_at=now) for row in rows]
    )
    for row, placeholder in zip(rows, placeholders, strict=True):
        row.volunteer = placeholder
        row.updated_at = now
    Registration.objects.bulk_update(rows, ["volunteer", "updated_at"])
    return len(rows), retained


# --- the whole run -------------------------------------------------------------------


@dataclass
class RetentionReport:
    dry_run: bool
    cutoff: datetime
    # (course id, title, course year, registrations)
    courses: list[tuple[int, str, int, int]] = field(default_factory=list)
    retained_newcomers: dict[tuple[int, int], int] = field(default_factory=dict)
    warnings_reset: list[int] = field(default_factory=list)
    warned: list[int] = field(default_factory=list)
    anonymised_volunteers: list[int] = field(default_factory=list)

    @property
    def registrations(self) -> int:
        return sum(row[3] for row in self.courses)

    def lines(self) -> list[str]:
        """Plain-text summary (ids and course titles; no names of people)."""
        verb = "would be" if self.dry_run else "were"
        lines = [
            f"Course participants: courses that ended before {self.cutoff:%Y-%m-%d} are due.",
            f"  {len(self.courses)} course(s), {self.registrations} registration(s) {verb} anonymised.",
        ]
        lines += [
            f"  course {pk} ({year}): {title} – {count} registration(s)"
            for pk, title, year, count in self.courses
        ]
        lines += [
            f"  district {district} year {year}: +{count} anonymous active newcomer(s) kept in the figures"
            for (district, year), count in sorted(self.retained_newcomers.items())
        ]
        lines += [
            "Inactive volunteers:",
            f"  {len(self.warnings_reset)} warning(s) {verb} cleared after new activity: {self.warnings_reset}",
            f"  {len(self.warned)} volunteer(s) {verb} warned: {self.warned}",
            f"  {len(self.anonymised_volunteers)} volunteer account(s) {verb} anonymised: {self.anonymised_volunteers}",
        ]
        return lines


def apply_retention(*, now: datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Run both retention rules (or, with ``dry_run``, only list what they would do)."""
    now = now or timezone.now()
    report = RetentionReport(dry_run=dry_run, cutoff=participant_cutoff(now=now))

    due_courses = list(courses_due(now=now))
    retained_total: Counter = Counter()
    for course in due_courses:
        year = timezone.localtime(course.course_end).year
        if dry_run:
            count = _personal_registrations().filter(course=course).count()
        else:
            count, retained = anonymise_course_participants(course=course, now=now)
            retained_total.update(retained)
        report.courses.append((course.pk, course.title, year, count))
    if dry_run and due_courses:
        # All at once: per course, a person's other due course of the same year would hide the loss.
        retained_total = newcomer_counts_to_retain(_personal_registrations().filter(course__in=due_courses))
    report.retained_newcomers = {key: value for key, value in retained_total.items() if value}

    report.warnings_reset = list(warnings_to_reset(now=now).values_list("pk", flat=True))
    if not dry_run and report.warnings_reset:
        Volunteer.objects.filter(pk__in=report.warnings_reset).update(inactivity_warning_sent_at=None)

    for volunteer in volunteers_to_anonymise(now=now):
        if not dry_run:
            # Checked again right before: a login since the list was read keeps the account.
            if not volunteers_to_anonymise(now=now).filter(pk=volunteer.pk).exists():
                continue
            delete_volunteer_account(user=volunteer.user, now=now)
        report.anonymised_volunteers.append(volunteer.pk)

    for volunteer in volunteers_to_warn(now=now):
        if dry_run or send_inactivity_warning(volunteer=volunteer, now=now):
            report.warned.append(volunteer.pk)

    if not dry_run:
        logger.info(
            "Retention: %s registrations of %s courses anonymised, %s volunteers warned, %s anonymised.",
            report.registrations,
            len(report.courses),
            len(report.warned),
            len(report.anonymised_volunteers),
        )
    return report
