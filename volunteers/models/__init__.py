"""The volunteers app's models, by concern: people (profiles, languages, anonymous remainders),
qualifications (kinds, held ones and their expiry) and courses (sessions, registrations, attendance)."""

from .courses import (
    TEACHING_UNIT_MINUTES,
    Attendance,
    Course,
    CourseSession,
    Registration,
    teaching_units_for,
)
from .people import (
    NEWCOMER_CONSENT_VERSION,
    PRIVACY_NOTICE_VERSION,
    RetainedNewcomerCount,
    Volunteer,
    VolunteerLanguage,
)
from .qualifications import (
    Qualification,
    VolunteerQualification,
    add_months,
    expiry_date,
    valid_qualifications_q,
)

__all__ = [
    "NEWCOMER_CONSENT_VERSION",
    "PRIVACY_NOTICE_VERSION",
    "TEACHING_UNIT_MINUTES",
    "Attendance",
    "Course",
    "CourseSession",
    "Qualification",
    "Registration",
    "RetainedNewcomerCount",
    "Volunteer",
    "VolunteerLanguage",
    "VolunteerQualification",
    "add_months",
    "expiry_date",
    "teaching_units_for",
    "valid_qualifications_q",
]
