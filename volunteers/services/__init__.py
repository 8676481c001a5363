"""Every write with business meaning for courses and registrations.

* ``registrations``: seats, waiting list, offers, reminders (the course's row lock guards every seat);
* ``courses``: saving a course with its sessions, calling it off, attendance and completion;
* ``mail``: the notice mails of both;
* ``qualifications``: held qualifications, their expiry and the reminder before it.

The workflows' allowed steps are stated in ``volunteers.workflow``.
"""

from .courses import (
    CourseSaved,
    attendance_blocker,
    attendance_percent,
    cancel_course,
    complete_course,
    completion_blocker,
    record_attendance,
    record_attendances,
    save_course,
)
from .qualifications import grant_qualification, send_qualification_expiry_reminders
from .registrations import (
    RegistrationError,
    accept_offer,
    can_cancel_registration,
    cancel_registration,
    decline_offer,
    expire_offers,
    first_session_start,
    offer_free_seats,
    register_for_course,
    registration_open,
    seats_taken,
    send_reminders,
)

__all__ = [
    "CourseSaved",
    "RegistrationError",
    "accept_offer",
    "attendance_blocker",
    "attendance_percent",
    "can_cancel_registration",
    "cancel_course",
    "cancel_registration",
    "complete_course",
    "completion_blocker",
    "decline_offer",
    "expire_offers",
    "first_session_start",
    "grant_qualification",
    "offer_free_seats",
    "record_attendance",
    "record_attendances",
    "register_for_course",
    "registration_open",
    "save_course",
    "seats_taken",
    "send_qualification_expiry_reminders",
    "send_reminders",
]
