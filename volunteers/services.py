"""Course registrations: seats, waiting list, offers, attendance and completion.

Seats are guarded by a row lock on the course (``SELECT … FOR UPDATE``): every
change that takes or frees a seat runs while holding it, so even hundreds of
simultaneous registrations never give out more seats than the course has.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import send_templated_mail

from . import permissions, registration_notice
from .models import Attendance, Course, CourseSession, Registration, Volunteer, VolunteerQualification

logger = logging.getLogger(__name__)

R = Registration.Status


class RegistrationError(ValidationError):
    """A registration step that is not possible; the message says why, in German."""


# Registrations that can still be given up (a seat, a place on the waiting list or an offer).
CANCELLABLE_STATUSES = (R.REGISTERED, R.WAITLISTED, R.OFFERED)


def can_cancel_registration(registration: Registration) -> bool:
    return registration.status in CANCELLABLE_STATUSES


def completion_blocker(course: Course, *, last_end=None, now=None) -> str:
    """Why the course cannot be completed now ("" when it can); ``last_end`` saves a query if known."""
    if course.status != Course.Status.PUBLISHED:
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


def _lock_course(course: Course | int) -> Course:
    pk = course.pk if isinstance(course, Course) else course
    return Course.objects.select_for_update(of=("self",)).select_related("district").get(pk=pk)


def first_session_start(course: Course):
    return course.sessions.aggregate(first=Min("start"))["first"]


def seats_taken(course: Course) -> int:
    return course.registrations.filter(status__in=Registration.SEAT_STATUSES).count()


def registration_open(course: Course, *, now=None) -> tuple[bool, str]:
    now = now or timezone.now()
    if course.status != Course.Status.PUBLISHED:
        return False, _("Für diesen Kurs ist keine Anmeldung möglich (Status: %(status)s).") % {
            "status": course.get_status_display()
        }
    if course.registration_opens and now < course.registration_opens:
        return False, _("Die Anmeldung beginnt am %(date)s.") % {
            "date": timezone.localtime(course.registration_opens).strftime("%d.%m.%Y, %H:%M Uhr")
        }
    if now > course.registration_closes:
        return False, _("Der Anmeldeschluss ist vorbei.")
    start = first_session_start(course)
    if start and now >= start:
        return False, _("Der Kurs hat bereits begonnen.")
    return True, ""


@transaction.atomic
def register_for_course(*, volunteer: Volunteer, course: Course) -> Registration:
    """Take a free seat, or join the end of the waiting list."""
    # Before the lock, which serialises the course's registrations: render the confirmation.
    prepared = registration_notice.prepare(volunteer=volunteer, course=course)
    course = _lock_course(course)
    if volunteer.anonymised_at or volunteer.user_id is None:
        raise RegistrationError(_("Dieses Konto ist gelöscht."))
    if volunteer.district_id != course.district_id:
        raise PermissionDenied
    is_open, reason = registration_open(course)
    if not is_open:
        raise RegistrationError(reason)
    if course.registrations.filter(volunteer=volunteer).exclude(status=R.CANCELLED).exists():
        raise RegistrationError(_("Sie sind für diesen Kurs bereits angemeldet."))
    waiting = course.registrations.filter(status=R.WAITLISTED)
    # A free seat goes to the waiting list first; newcomers only get one when nobody waits.
    if seats_taken(course) < course.capacity and not waiting.exists():
        status, position = R.REGISTERED, None
    else:
        status = R.WAITLISTED
        position = (waiting.aggregate(last=Max("waitlist_position"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                course=course,
                volunteer=volunteer,
                status=status,
                waitlist_position=position,
                counts_as_newcomer=volunteer.counts_as_newcomer,
            )
    except IntegrityError:
        raise RegistrationError(_("Sie sind für diesen Kurs bereits angemeldet.")) from None
    _mail(
        registration,
        "registered" if status == R.REGISTERED else "waitlisted",
        prepared=registration_notice.completed(prepared, registration),
    )
    return registration


def _active_waitlist(course: Course):
    return course.registrations.filter(status=R.WAITLISTED).select_related("volunteer__user")


def _close_waitlist(course: Course, reason: str) -> int:
    closed = 0
    for registration in _active_waitlist(course):
        registration.status = R.CANCELLED
        registration.waitlist_position = None
        registration.save(update_fields=["status", "waitlist_position", "updated_at"])
        _mail(registration, "waitlist_closed", extra={"reason": reason})
        closed += 1
    return closed


def offer_free_seats(course: Course) -> list[Registration]:
    """Offer every free seat to the next person waiting (call with the course locked)."""
    is_open, reason = registration_open(course)
    if not is_open:
        _close_waitlist(course, reason)
        return []
    offered = []
    free = course.capacity - seats_taken(course)
    if free <= 0:
        return offered
    hours = settings.VOLUNTEERS_OFFER_HOURS
    for registration in _active_waitlist(course).order_by("waitlist_position", "created_at")[:free]:
        registration.status = R.OFFERED
        registration.offer_expires_at = timezone.now() + timedelta(hours=hours)
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        _mail(registration, "offered", extra={"hours": hours})
        offered.append(registration)
    return offered


@transaction.atomic
def cancel_registration(*, by: User, registration: Registration) -> Registration:
    course = _lock_course(registration.course_id)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("volunteer__user")
        .get(pk=registration.pk)
    )
    if not permissions.may_manage_registration(by, registration):
        raise PermissionDenied
    if not can_cancel_registration(registration):
        raise RegistrationError(_("Diese Anmeldung kann nicht mehr abgemeldet werden."))
    held_seat = registration.status in (R.REGISTERED, R.OFFERED)
    registration.status = R.CANCELLED
    registration.waitlist_position = None
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
    _mail(registration, "cancelled")
    if held_seat:
        offer_free_seats(course)
    return registration


@transaction.atomic
def accept_offer(*, by: User, registration: Registration) -> Registration:
    _lock_course(registration.course_id)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("volunteer__user", "course")
        .get(pk=registration.pk)
    )
    if registration.volunteer.user_id != by.pk:
        raise PermissionDenied
    if registration.status != R.OFFERED:
        raise RegistrationError(_("Für diese Anmeldung liegt kein Platzangebot vor."))
    if registration.offer_expires_at and registration.offer_expires_at <= timezone.now():
        raise RegistrationError(_("Das Angebot ist leider abgelaufen; der Platz ging an die nächste Person."))
    registration.status = R.REGISTERED
    registration.waitlist_position = None
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
    _mail(registration, "registered")
    return registration


@transaction.atomic
def decline_offer(*, by: User, registration: Registration) -> Registration:
    if registration.volunteer.user_id != by.pk:
        raise PermissionDenied
    if registration.status != R.OFFERED:
        raise RegistrationError(_("Für diese Anmeldung liegt kein Platzangebot vor."))
    return cancel_registration(by=by, registration=registration)


def expire_offers(*, now=None) -> int:
    """Beat task body: expired offers move on to the next person; closed courses end their lists."""
    now = now or timezone.now()
    expired = 0
    course_ids = set(
        Registration.objects.filter(status=R.OFFERED, offer_expires_at__lte=now).values_list(
            "course_id", flat=True
        )
    )
    course_ids |= set(
        Registration.objects.filter(status=R.WAITLISTED, course__registration_closes__lt=now).values_list(
            "course_id", flat=True
        )
    )
    for course_id in sorted(course_ids):
        with transaction.atomic():
            course = _lock_course(course_id)
            for registration in course.registrations.filter(
                status=R.OFFERED, offer_expires_at__lte=now
            ).select_related("volunteer__user"):
                registration.status = R.CANCELLED
                registration.offer_expires_at = None
                registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
                _mail(registration, "offer_expired")
                expired += 1
            offer_free_seats(course)
    return expired


def send_reminders(*, now=None) -> int:
    """Beat task body: one reminder per participant two days before the first session.

    Safe to run twice (or in parallel): ``reminder_sent_at`` is set under a row
    lock, and locked rows are skipped by a concurrent run.
    """
    now = now or timezone.now()
    window_end = now + timedelta(days=settings.VOLUNTEERS_REMINDER_DAYS)
    sent = 0
    course_ids = (
        CourseSession.objects.filter(course__status=Course.Status.PUBLISHED)
        .values("course_id")
        .annotate(first=Min("start"))
        .filter(first__gt=now, first__lte=window_end)
        .values_list("course_id", flat=True)
    )
    for course_id in course_ids:
        with transaction.atomic():
            pending = (
                Registration.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(course_id=course_id, status=R.REGISTERED, reminder_sent_at__isnull=True)
                .select_related("volunteer__user", "course")
            )
            for registration in pending:
                registration.reminder_sent_at = now
                registration.save(update_fields=["reminder_sent_at", "updated_at"])
                _mail(registration, "reminder")
                sent += 1
    return sent


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
    if registration.status not in (R.REGISTERED, R.ATTENDED, R.NO_SHOW):
        raise RegistrationError(_("Nur angemeldete Teilnehmende können erfasst werden."))
    attendance, _created = Attendance.objects.update_or_create(
        registration=registration, session=session, defaults={"present": present, "recorded_by": by}
    )
    return attendance


def attendance_percent(registration: Registration, session_count: int) -> int:
    if not session_count:
        return 0
    present = sum(1 for a in registration.attendances.all() if a.present)
    return round(100 * present / session_count)


@transaction.atomic
def complete_course(*, by: User, course: Course) -> dict:
    """Close a course: attended/no-show per attendance, certificates and qualifications."""
    course = _lock_course(course)
    if not permissions.may_run_course(by, course):
        raise PermissionDenied
    blocker = completion_blocker(course)
    if blocker:
        raise RegistrationError(blocker)
    session_count = course.sessions.count()
    result = {"attended": 0, "no_show": 0}
    registrations = course.registrations.filter(
        status__in=(R.REGISTERED, R.ATTENDED, R.NO_SHOW)
    ).prefetch_related("attendances")
    for registration in registrations.select_related("volunteer"):
        reached = attendance_percent(registration, session_count) >= course.min_attendance_percent
        registration.status = R.ATTENDED if reached else R.NO_SHOW
        if reached and not registration.certificate_code:
            registration.certificate_code = secrets.token_hex(5).upper()
        registration.save(update_fields=["status", "certificate_code", "updated_at"])
        result["attended" if reached else "no_show"] += 1
        if reached and course.qualification_id:
            VolunteerQualification.objects.get_or_create(
                volunteer=registration.volunteer,
                qualification=course.qualification,
                defaults={"course": course},
            )
    _close_waitlist(course, _("Der Kurs ist abgeschlossen."))
    for registration in course.registrations.filter(status=R.OFFERED):
        registration.status = R.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
    course.status = Course.Status.COMPLETED
    course.save(update_fields=["status", "updated_at"])
    return result


@transaction.atomic
def cancel_course(*, by: User, course: Course, reason: str = "") -> int:
    """Call a course off: every open registration ends and each person is told by mail."""
    course = _lock_course(course)
    if not permissions.may_manage_course(by, course):
        raise PermissionDenied
    if course.status not in (Course.Status.DRAFT, Course.Status.PUBLISHED):
        raise RegistrationError(_("Nur geplante oder veröffentlichte Kurse können abgesagt werden."))
    affected = 0
    for registration in course.registrations.filter(
        status__in=(R.REGISTERED, R.WAITLISTED, R.OFFERED)
    ).select_related("volunteer__user"):
        registration.status = R.CANCELLED
        registration.waitlist_position = None
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
        _mail(registration, "course_called_off", extra={"reason": reason})
        affected += 1
    course.status = Course.Status.CANCELLED
    course.save(update_fields=["status", "updated_at"])
    return affected


# --- mail --------------------------------------------------------------------


def _calendar_attachment(registration: Registration) -> list[tuple[str, str, str]]:
    """The course dates as .ics, or none: the mail reports a registration and must never undo it.

    It is built inside the registration's transaction, so an error here would roll the
    registration back; the mail then goes out without the file and the error is logged.
    """
    from .ics import course_ics

    try:
        return [("kurs.ics", course_ics(registration.course), "text/calendar")]
    except Exception:
        logger.warning(
            "Course %s: calendar attachment could not be built; mail sent without it",
            registration.course_id,
            exc_info=True,
        )
        return []


def _mail(registration: Registration, kind: str, *, extra: dict | None = None, prepared=None) -> None:
    """Store the notice in the outbox; ``prepared``: rendered beforehand (registration_notice)."""
    volunteer = registration.volunteer
    user = volunteer.user
    if user is None or not user.is_active:
        return
    if prepared is not None:
        attachments = prepared.attachments
    elif kind in ("registered", "reminder"):
        attachments = _calendar_attachment(registration)
    else:
        attachments = []
    send_templated_mail(
        to=user.email,
        template=f"course_{kind}",
        rendered=prepared.rendered if prepared is not None else None,
        # Not needed (and its session query not made) when the mail was rendered beforehand.
        context={}
        if prepared is not None
        else {**registration_notice.context_for(registration), **(extra or {})},
        language=user.preferred_language,
        reply_to=registration.course.district.ki_email,
        attachments=attachments,
        # Each kind of notice happens at most once per registration (a new sign-up is a new row).
        idempotency_key=f"course-{kind}:{registration.pk}",
        district_id=registration.course.district_id,
    )
