"""Course registrations: seats, waiting list, offers and reminders.

Seats are guarded by a row lock on the course (``SELECT … FOR UPDATE``): every
change that takes or frees a seat runs while holding it, so even hundreds of
simultaneous registrations never give out more seats than the course has.
"""

from __future__ import annotations

import copy
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .. import registration_notice
from ..models import Course, CourseSession, Registration, Volunteer
from ..workflow import REGISTRATION
from .mail import mail_registration

R = Registration.Status


class RegistrationError(ValidationError):
    """A registration step that is not possible; the message says why, in German."""


def can_cancel_registration(registration: Registration) -> bool:
    """A seat, a place on the waiting list or an offer can still be given up."""
    return REGISTRATION.is_possible("cancel", registration)


def lock_course(course: Course | int) -> Course:
    pk = course.pk if isinstance(course, Course) else course
    return Course.objects.select_for_update(of=("self",)).select_related("district").get(pk=pk)


def first_session_start(course: Course):
    return course.sessions.aggregate(first=Min("start"))["first"]


def seats_taken(course: Course) -> int:
    return course.registrations.filter(status__in=Registration.SEAT_STATUSES).count()


_NO_START = object()


def registration_open(course: Course, *, now=None, first_start=_NO_START) -> tuple[bool, str]:
    """Whether one may register now, and why not; ``first_start``: the first session's start,
    when the caller has already read it."""
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
    start = first_session_start(course) if first_start is _NO_START else first_start
    if start and now >= start:
        return False, _("Der Kurs hat bereits begonnen.")
    return True, ""


def _lock_with_seat_state(course: Course, volunteer: Volunteer) -> dict:
    """Lock the course row and read what the seat decision needs: the course's current decision
    fields (status, capacity, registration window, district), the first session's start, whether
    the person already holds a registration, the seats taken, how many wait and the last
    waiting-list number.

    Raises ``Course.DoesNotExist`` when the course is gone.
    """
    if connection.vendor == "postgresql":
        return _lock_with_seat_state_in_one_round_trip(course, volunteer)
    # Other databases (the SQLite file of ``make run``): the same reads through the ORM, which also
    # turns the database's values into Python ones (SQLite returns dates as text to plain SQL).
    # SQLite has no row locks; its writes are serialised for the whole database instead.
    locked = (
        Course.objects.select_for_update()
        .filter(pk=course.pk)
        .values_list("status", "capacity", "registration_opens", "registration_closes", "district_id")
        .first()
    )
    if locked is None:
        raise Course.DoesNotExist(f"Course {course.pk} does not exist.")
    counts = Registration.objects.filter(course_id=course.pk).aggregate(
        already=Count("pk", filter=Q(volunteer_id=volunteer.pk) & ~Q(status=R.CANCELLED)),
        seats=Count("pk", filter=Q(status__in=Registration.SEAT_STATUSES)),
        waiting=Count("pk", filter=Q(status=R.WAITLISTED)),
        last_position=Max("waitlist_position", filter=Q(status=R.WAITLISTED)),
    )
    return {
        "course": locked,
        "first_start": first_session_start(course),
        "already": bool(counts["already"]),
        "seats": counts["seats"],
        "waiting": counts["waiting"],
        "last_position": counts["last_position"],
    }


def _lock_with_seat_state_in_one_round_trip(course: Course, volunteer: Volunteer) -> dict:
    """PostgreSQL: ``_lock_with_seat_state`` in one round trip.

    Two statements sent together: the row lock, then the counts. They must stay two statements: in
    a READ COMMITTED transaction each statement reads its own snapshot, so the second one, which
    runs once the lock is granted, sees every registration committed by whoever held the lock
    before; one statement that locked and counted would count from the snapshot it took before it
    waited for the lock.
    """
    courses = Course._meta.db_table
    registrations = Registration._meta.db_table
    sessions = CourseSession._meta.db_table
    seat_statuses = [str(status) for status in Registration.SEAT_STATUSES]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT status, capacity, registration_opens, registration_closes, district_id
            FROM {courses} WHERE id = %(course)s FOR UPDATE;
            SELECT (SELECT MIN(start) FROM {sessions} WHERE course_id = %(course)s),
                   COUNT(*) FILTER (WHERE volunteer_id = %(volunteer)s AND status <> %(cancelled)s),
                   COUNT(*) FILTER (WHERE status = ANY(%(seat_statuses)s)),
                   COUNT(*) FILTER (WHERE status = %(waitlisted)s),
                   MAX(waitlist_position) FILTER (WHERE status = %(waitlisted)s)
            FROM {registrations} WHERE course_id = %(course)s
            """,  # noqa: S608 - table names from the models' meta
            {
                "course": course.pk,
                "volunteer": volunteer.pk,
                "cancelled": str(R.CANCELLED),
                "seat_statuses": seat_statuses,
                "waitlisted": str(R.WAITLISTED),
            },
        )
        locked = cursor.fetchone()
        cursor.nextset()
        first_start, already, seats, waiting, last_position = cursor.fetchone()
    if locked is None:
        raise Course.DoesNotExist(f"Course {course.pk} does not exist.")
    return {
        "course": locked,
        "first_start": first_start,
        "already": bool(already),
        "seats": seats,
        "waiting": waiting,
        "last_position": last_position,
    }


def register_for_course(*, volunteer: Volunteer, course: Course) -> Registration:
    """Take a free seat, or join the end of the waiting list.

    The returned registration carries ``waitlist_place`` (1 = next; None with a seat), counted
    under the lock.
    """
    try:
        return _register(volunteer=volunteer, course=course)
    except IntegrityError:
        # The unique constraint (one active registration per person and course): the check under
        # the lock makes this unreachable unless a row came in another way; nothing was stored.
        raise RegistrationError(_("Sie sind für diesen Kurs bereits angemeldet.")) from None


@transaction.atomic
def _register(*, volunteer: Volunteer, course: Course) -> Registration:
    # Before the lock, which serialises the course's registrations: render the confirmation.
    prepared = registration_notice.prepare(volunteer=volunteer, course=course)
    # The lock and everything the decision needs in one round trip (it was two: the course read
    # again with its district, then the seat state). The caller's course (read before the lock,
    # with its district) is used, with the fields the decision depends on as they are locked.
    state = _lock_with_seat_state(course, volunteer)
    course = copy.copy(course)
    (
        course.status,
        course.capacity,
        course.registration_opens,
        course.registration_closes,
        course.district_id,
    ) = state["course"]
    if volunteer.anonymised_at or volunteer.user_id is None:
        raise RegistrationError(_("Dieses Konto ist gelöscht."))
    if volunteer.district_id != course.district_id:
        raise PermissionDenied
    is_open, reason = registration_open(course, first_start=state["first_start"])
    if not is_open:
        raise RegistrationError(reason)
    if state["already"]:
        raise RegistrationError(_("Sie sind für diesen Kurs bereits angemeldet."))
    # A free seat goes to the waiting list first; newcomers only get one when nobody waits.
    if state["seats"] < course.capacity and not state["waiting"]:
        status, position, place = R.REGISTERED, None, None
    else:
        status = R.WAITLISTED
        position = (state["last_position"] or 0) + 1
        place = state["waiting"] + 1  # the end of the list
    registration = Registration.objects.create(
        course=course,
        volunteer=volunteer,
        status=status,
        waitlist_position=position,
        counts_as_newcomer=volunteer.counts_as_newcomer,
    )
    registration.waitlist_place = place  # type: ignore[attr-defined]  # as the selectors annotate it
    mail_registration(
        registration,
        "registered" if status == R.REGISTERED else "waitlisted",
        prepared=registration_notice.completed(prepared, registration),
    )
    return registration


def _active_waitlist(course: Course):
    return course.registrations.filter(status=R.WAITLISTED).select_related("volunteer__user")


def close_waitlist(course: Course, reason: str) -> int:
    closed = 0
    for registration in _active_waitlist(course):
        registration.status = R.CANCELLED
        registration.waitlist_position = None
        registration.save(update_fields=["status", "waitlist_position", "updated_at"])
        mail_registration(registration, "waitlist_closed", extra={"reason": reason})
        closed += 1
    return closed


def offer_free_seats(course: Course) -> list[Registration]:
    """Offer every free seat to the next person waiting (call with the course locked)."""
    is_open, reason = registration_open(course)
    if not is_open:
        close_waitlist(course, reason)
        return []
    offered: list[Registration] = []
    free = course.capacity - seats_taken(course)
    if free <= 0:
        return offered
    hours = settings.VOLUNTEERS_OFFER_HOURS
    for registration in _active_waitlist(course).order_by("waitlist_position", "created_at")[:free]:
        registration.status = R.OFFERED
        registration.offer_expires_at = timezone.now() + timedelta(hours=hours)
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        mail_registration(registration, "offered", extra={"hours": hours})
        offered.append(registration)
    return offered


@transaction.atomic
def cancel_registration(*, by: User, registration: Registration) -> Registration:
    course = lock_course(registration.course_id)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("volunteer__user")
        .get(pk=registration.pk)
    )
    REGISTRATION.check(
        "cancel",
        registration,
        by,
        message=_("Diese Anmeldung kann nicht mehr abgemeldet werden."),
        error=RegistrationError,
    )
    held_seat = registration.status in (R.REGISTERED, R.OFFERED)
    registration.status = R.CANCELLED
    registration.waitlist_position = None
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
    mail_registration(registration, "cancelled")
    if held_seat:
        offer_free_seats(course)
    return registration


@transaction.atomic
def accept_offer(*, by: User, registration: Registration) -> Registration:
    lock_course(registration.course_id)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("volunteer__user", "course")
        .get(pk=registration.pk)
    )
    REGISTRATION.check(
        "accept_offer",
        registration,
        by,
        message=_("Für diese Anmeldung liegt kein Platzangebot vor."),
        error=RegistrationError,
    )
    if registration.offer_expires_at and registration.offer_expires_at <= timezone.now():
        raise RegistrationError(_("Das Angebot ist leider abgelaufen; der Platz ging an die nächste Person."))
    registration.status = R.REGISTERED
    registration.waitlist_position = None
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "waitlist_position", "offer_expires_at", "updated_at"])
    mail_registration(registration, "registered")
    return registration


@transaction.atomic
def decline_offer(*, by: User, registration: Registration) -> Registration:
    REGISTRATION.check(
        "decline_offer",
        registration,
        by,
        message=_("Für diese Anmeldung liegt kein Platzangebot vor."),
        error=RegistrationError,
    )
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
            course = lock_course(course_id)
            for registration in course.registrations.filter(
                status=R.OFFERED, offer_expires_at__lte=now
            ).select_related("volunteer__user"):
                registration.status = R.CANCELLED
                registration.offer_expires_at = None
                registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
                mail_registration(registration, "offer_expired")
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
                mail_registration(registration, "reminder")
                sent += 1
    return sent
