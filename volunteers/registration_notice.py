"""The confirmation of a registration (seat or waiting list), rendered before the course is locked.

Every registration of a course waits for the same row lock (``services.register_for_course``):
whatever runs while it is held runs one request after the other. Rendering the mail (subject,
text, HTML) and building the course's ``.ics`` cost more than the seat decision itself, so they
happen first, for the outcome the data show at that moment, with a placeholder for the
waiting-list position. Under the lock the prepared mail is only completed (the position put in)
and stored in the outbox in the registration's transaction, as before: the mail exists if and
only if the registration commits, once (idempotency key). When the outcome changed in between
(the last seat went to somebody else), the mail is rendered again under the lock.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, prefetch_related_objects
from django.utils import formats, translation

from outbox.services import render_mail

from .models import Course, Registration, Volunteer

R = Registration.Status
# Put where the waiting-list position goes; only letters, so escaping leaves it as it is.
POSITION_PLACEHOLDER = "WAITLISTPOSITIONPLACEHOLDER"
KINDS = {R.REGISTERED: "registered", R.WAITLISTED: "waitlisted"}


@dataclass
class PreparedNotice:
    status: str
    rendered: tuple[str, str, str] | None = None
    attachments: list = field(default_factory=list)


def expected_status(course: Course) -> str:
    """The outcome a registration would have now (the locked decision may still differ)."""
    if connection.vendor == "postgresql":
        # Plain SQL: the ORM's aggregate cost more to build than the database needs to answer it,
        # on every registration of a burst.
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT COUNT(*) FILTER (WHERE status = ANY(%s)), COUNT(*) FILTER (WHERE status = %s)
                FROM {Registration._meta.db_table} WHERE course_id = %s
                """,  # noqa: S608 - the table name from the model's meta
                [[str(status) for status in Registration.SEAT_STATUSES], str(R.WAITLISTED), course.pk],
            )
            seats, waiting = cursor.fetchone()
    else:  # the SQLite file of ``make run``: the same counts through the ORM
        counts = course.registrations.aggregate(
            seats=Count("pk", filter=Q(status__in=Registration.SEAT_STATUSES)),
            waiting=Count("pk", filter=Q(status=R.WAITLISTED)),
        )
        seats, waiting = counts["seats"], counts["waiting"]
    return R.REGISTERED if seats < course.capacity and not waiting else R.WAITLISTED


def context_for(registration: Registration) -> dict:
    return {
        "registration": registration,
        "course": registration.course,
        "user": registration.volunteer.user,
        "sessions": list(registration.course.sessions.all()),
    }


def prepare(*, volunteer: Volunteer, course: Course) -> PreparedNotice | None:
    """Render the confirmation for the expected outcome; None when no mail would be sent."""
    from .services.mail import calendar_attachment

    user = volunteer.user
    if user is None or not user.is_active:
        return None
    status = expected_status(course)
    # The mail lists the sessions and the .ics holds them: read them once for both, into a copy of
    # the course (the caller's instance keeps no list of sessions that could go stale).
    course = copy.copy(course)
    course._prefetched_objects_cache = {}
    prefetch_related_objects([course], "sessions")
    draft = Registration(course=course, volunteer=volunteer, status=status)
    draft.waitlist_position = POSITION_PLACEHOLDER if status == R.WAITLISTED else None
    rendered = render_mail(
        template=f"course_{KINDS[status]}", context=context_for(draft), language=user.preferred_language
    )
    attachments = calendar_attachment(draft) if status == R.REGISTERED else []
    return PreparedNotice(status=status, rendered=rendered, attachments=attachments)


def completed(prepared: PreparedNotice | None, registration: Registration) -> PreparedNotice | None:
    """The prepared mail for this registration, or None when it must be rendered again."""
    if prepared is None or prepared.status != registration.status:
        return None
    # As the template would show the number (localised in the person's language).
    with translation.override(registration.volunteer.user.preferred_language or None):
        position = formats.localize(registration.waitlist_position) if registration.waitlist_position else ""
    rendered = tuple(part.replace(POSITION_PLACEHOLDER, position) for part in prepared.rendered)
    return PreparedNotice(status=prepared.status, rendered=rendered, attachments=prepared.attachments)
