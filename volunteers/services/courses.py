"""Courses: saving one with its sessions, calling it off, attendance and completion.

Every step that changes seats runs under the course's row lock (see ``registrations.lock_course``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.forms import BaseInlineFormSet, ModelForm
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities.permissions import is_ki_staff

from .. import permissions
from ..models import Attendance, Course, CourseSession, Registration
from ..workflow import COURSE, REGISTRATION, course_status_choices
from .mail import mail_registration
from .qualifications import grant_qualification
from .registrations import RegistrationError, close_waitlist, lock_course, offer_free_seats, seats_taken

R = Registration.Status


def completion_blocker(course: Course, *, last_end=None, now=None) -> str:
    """Why the course cannot be completed now ("" when it can); ``last_end`` saves a query if known."""
    if not COURSE.is_possible("complete", course):
        return _("Nur laufende (veröffentlichte) Kurse können abgeschlossen werden.")
    if last_end is None:
        last_end = course.sessions.aggregate(last=Max("end"))["last"]
    if last_end is None or last_end > (now or timezone.now()):
        return _("Der Kurs kann erst nach dem letzten Termin abgeschlossen werden.")
    return ""


def attendance_blocker(session: CourseSession, *, now=None) -> str:
    """Why the attendance of this session cannot be recorded now ("" when it can)."""
    if session.course.status == Course.Status.COMPLETED:
        # Certificates and qualifications were issued from the attendance as it was.
        return _("Der Kurs ist abgeschlossen; die Anwesenheit kann nicht mehr geändert werden.")
    if session.start > (now or timezone.now()):
        return _("Anwesenheit kann erst ab Beginn des Termins erfasst werden.")
    return ""


# --- saving a course -----------------------------------------------------------


@dataclass(frozen=True)
class CourseSaved:
    course: Course
    created: bool
    offered: int = 0  # people on the waiting list offered a seat after the capacity was raised
    called_off: int | None = None  # people told that the course is called off (None: it was not)


@transaction.atomic
def save_course(*, by: User, course_form: ModelForm, sessions: BaseInlineFormSet) -> CourseSaved:
    """Save a validated course form and its session formset together, or nothing.

    The form writes the course's fields and trainers, the formset its sessions; both are saved
    under the course's row lock, so no seat can be taken between the capacity check and the save.
    A raise of the capacity offers the freed seats; a change to „abgesagt“ goes through
    ``cancel_course`` (everyone registered is told). Raises ``ValidationError`` (per field).
    """
    course = course_form.instance
    created = course.pk is None
    new_status = course_form.cleaned_data.get("status", course.status)
    if created:
        if not is_ki_staff(by, course.district):
            raise PermissionDenied
        previous_status, previous_capacity = None, None
        allowed = course_status_choices(Course(status=Course.Status.DRAFT))
    else:
        locked = lock_course(course.pk)
        if not permissions.may_manage_course(by, locked):
            raise PermissionDenied
        taken = seats_taken(locked)
        if course_form.cleaned_data["capacity"] < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "Inzwischen sind %(taken)s Plätze vergeben; bitte mindestens so viele Plätze angeben."
                    )
                    % {"taken": taken}
                }
            )
        previous_status, previous_capacity = locked.status, locked.capacity
        allowed = course_status_choices(locked)
    if new_status not in allowed:
        raise ValidationError({"status": _("Dieser Status ist für den Kurs jetzt nicht möglich.")})
    calling_off = not created and new_status == Course.Status.CANCELLED and previous_status != new_status
    if calling_off:
        course.status = previous_status  # cancel_course makes the change and tells people
    course = course_form.save()
    sessions.instance = course
    sessions.save()
    called_off = cancel_course(by=by, course=course) if calling_off else None
    offered = []
    if not created and course.capacity > previous_capacity and course.status == Course.Status.PUBLISHED:
        offered = offer_free_seats(course)
    return CourseSaved(course=course, created=created, offered=len(offered), called_off=called_off)


@transaction.atomic
def cancel_course(*, by: User, course: Course, reason: str = "") -> int:
    """Call a course off: every open registration ends and each person is told by mail."""
    course = lock_course(course)
    COURSE.check(
        "cancel",
        course,
        by,
        message=_("Nur geplante oder veröffentlichte Kurse können abgesagt werden."),
        error=RegistrationError,
    )
    affected = 0
    for registration in course.registrations.filter(status__in=REGISTRATION["cancel"].sources).select_related(
        "volunteer__user"
    ):
        registration.status = R.CANCELLED
        registration.waitlist_position = None
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
        mail_registration(registration, "course_called_off", extra={"reason": reason})
        affected += 1
    course.status = COURSE.target_of("cancel")
    course.save(update_fields=["status", "updated_at"])
    return affected


# --- attendance, completion --------------------------------------------------


@transaction.atomic
def record_attendance(
    *, by: User, session: CourseSession, registration: Registration, present: bool
) -> Attendance:
    if not permissions.may_run_course(by, session.course):
        raise PermissionDenied
    if registration.course_id != session.course_id:
        raise PermissionDenied
    blocker = attendance_blocker(session)
    if blocker:
        raise RegistrationError(blocker)
    if not REGISTRATION.is_possible("record_attendance", registration):
        raise RegistrationError(_("Nur angemeldete Teilnehmende können erfasst werden."))
    attendance, _created = Attendance.objects.update_or_create(
        registration=registration, session=session, defaults={"present": present, "recorded_by": by}
    )
    return attendance


@transaction.atomic
def record_attendances(
    *, by: User, session: CourseSession, answers: Iterable[tuple[Registration, bool]]
) -> int:
    """The attendance of one session for several people: all rows or none (one refused row
    must not leave a half-saved list). Returns the number of rows recorded."""
    recorded = 0
    for registration, present in answers:
        record_attendance(by=by, session=session, registration=registration, present=present)
        recorded += 1
    return recorded


def attendance_percent(registration: Registration, session_count: int) -> int:
    if not session_count:
        return 0
    present = sum(1 for a in registration.attendances.all() if a.present)
    return round(100 * present / session_count)


@transaction.atomic
def complete_course(*, by: User, course: Course) -> dict:
    """Close a course: attended/no-show per attendance, certificates and qualifications."""
    course = lock_course(course)
    if not COURSE.permits("complete", course, by):
        raise PermissionDenied
    blocker = completion_blocker(course)
    if blocker:
        raise RegistrationError(blocker)
    session_count = course.sessions.count()
    result = {"attended": 0, "no_show": 0}
    registrations = course.registrations.filter(
        status__in=REGISTRATION["record_attendance"].sources
    ).prefetch_related("attendances")
    for registration in registrations.select_related("volunteer"):
        reached = attendance_percent(registration, session_count) >= course.min_attendance_percent
        registration.status = R.ATTENDED if reached else R.NO_SHOW
        if reached and not registration.certificate_code:
            registration.certificate_code = secrets.token_hex(5).upper()
        registration.save(update_fields=["status", "certificate_code", "updated_at"])
        result["attended" if reached else "no_show"] += 1
        if reached and course.qualification is not None:
            grant_qualification(
                volunteer=registration.volunteer,
                qualification=course.qualification,
                earned_on=timezone.localdate(),
                course=course,
            )
    close_waitlist(course, _("Der Kurs ist abgeschlossen."))
    for registration in course.registrations.filter(status=R.OFFERED):
        registration.status = R.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
    course.status = COURSE.target_of("complete")
    course.save(update_fields=["status", "updated_at"])
    return result
