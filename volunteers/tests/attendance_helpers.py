"""Course attendance helpers shared by the volunteers and kreisintegration tests: register people, place sessions, record presences."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from volunteers import services
from volunteers.models import Course, CourseSession, Registration, Volunteer


def register(course: Course, volunteers: list[Volunteer]) -> list[Registration]:
    return [services.register_for_course(volunteer=volunteer, course=course) for volunteer in volunteers]


def place_sessions(course: Course, starts: list[datetime], *, hours: int = 3) -> list[CourseSession]:
    """Give the course's sessions these start times (after registration, to put them in the past)."""
    sessions = list(course.sessions.order_by("start"))
    assert len(sessions) == len(starts)
    for session, start in zip(sessions, starts, strict=True):
        session.start, session.end = start, start + timedelta(hours=hours)
        session.save(update_fields=["start", "end"])
    return sessions


def sessions_in_past(course: Course) -> list[CourseSession]:
    first = timezone.now() - timedelta(days=30)
    count = course.sessions.count()
    return place_sessions(course, [first + timedelta(days=7 * number) for number in range(count)])


def record(by, session: CourseSession, presences: dict[Registration, bool]) -> None:
    for registration, present in presences.items():
        services.record_attendance(by=by, session=session, registration=registration, present=present)
