"""The course and registration workflows, stated once: services, views and templates ask these tables.

Courses::

    draft ──publish──▶ published ──complete──▶ completed
      │                    │
      └──────cancel────────┴──▶ cancelled

Registrations::

    (register) ──▶ registered ◀──accept_offer── offered ◀──offer── waitlisted
                       │  complete                │ decline_offer/expire   │
                       ▼                          ▼                        │
               attended / no_show             cancelled ◀──cancel──────────┘
    (cancel: registered, waitlisted or offered ──▶ cancelled)
"""

from __future__ import annotations

from municipalities.workflow import Workflow, nobody, step

from . import permissions
from .models import Course, Registration

C = Course.Status
R = Registration.Status


def _own(user, registration: Registration) -> bool:
    return registration.volunteer.user_id is not None and registration.volunteer.user_id == user.pk


def _runs_registrations_course(user, registration: Registration) -> bool:
    return permissions.may_run_course(user, registration.course)


def _manages_course(user, course: Course) -> bool:
    return permissions.may_manage_course(user, course)


def _runs_course(user, course: Course) -> bool:
    return permissions.may_run_course(user, course)


COURSE = Workflow(
    {
        "publish": step({C.DRAFT}, C.PUBLISHED, _manages_course),
        "cancel": step({C.DRAFT, C.PUBLISHED}, C.CANCELLED, _manages_course),
        # Attendance, certificates and qualifications: only through ``complete_course``.
        "complete": step({C.PUBLISHED}, C.COMPLETED, _runs_course),
    }
)
# The steps the course form offers as status choices („abgeschlossen“ never: see ``complete``).
COURSE_FORM_ACTIONS = ("publish", "cancel")

REGISTRATION = Workflow(
    {
        "cancel": step(
            {R.REGISTERED, R.WAITLISTED, R.OFFERED}, R.CANCELLED, permissions.may_manage_registration
        ),
        "accept_offer": step({R.OFFERED}, R.REGISTERED, _own),
        "decline_offer": step({R.OFFERED}, R.CANCELLED, _own),
        "offer": step({R.WAITLISTED}, R.OFFERED, nobody),
        "expire_offer": step({R.OFFERED}, R.CANCELLED, nobody),
        # Attendance is recorded for those who hold a seat; completing turns them into attended/no-show.
        "record_attendance": step({R.REGISTERED, R.ATTENDED, R.NO_SHOW}, None, _runs_registrations_course),
    }
)


def course_status_choices(course: Course) -> tuple[str, ...]:
    """The statuses the course form may set: the current one and those the form's steps reach."""
    current = course.status if course.pk else C.DRAFT
    return (current, *COURSE.targets_from(current, COURSE_FORM_ACTIONS))
