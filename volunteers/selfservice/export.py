"""The own-data export (Art. 15 and 20 GDPR): everything the portal holds about a person."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts import twofactor
from accounts.audit import audit_events_of_actor
from accounts.models import ConsentRecord, User
from municipalities.models import DistrictRole, Membership
from volunteers.models import Registration, Volunteer, VolunteerLanguage


def _dt(value):
    return value.isoformat() if value else None


def export_user(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "preferred_language": user.preferred_language,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "date_joined": _dt(user.date_joined),
        "last_login": _dt(user.last_login),
        "groups": sorted(group.name for group in user.groups.all()),
        "user_permissions": sorted(perm.codename for perm in user.user_permissions.all()),
    }


def export_volunteer(volunteer: Volunteer) -> dict:
    return {
        "district": volunteer.district.name,
        "municipality": volunteer.municipality.name if volunteer.municipality else None,
        "phone": volunteer.phone,
        "availability": volunteer.availability,
        "interests": [field.name for field in volunteer.interests.all()],
        "languages": [export_volunteer_language(item) for item in volunteer.languages.all()],
        "came_as_newcomer": volunteer.came_as_newcomer,
        "newcomer_consent_at": _dt(volunteer.newcomer_consent_at),
        "newcomer_consent_version": volunteer.newcomer_consent_version,
        "privacy_consent_at": _dt(volunteer.privacy_consent_at),
        "privacy_consent_version": volunteer.privacy_consent_version,
        "email_confirmed_at": _dt(volunteer.email_confirmed_at),
        "created_at": _dt(volunteer.created_at),
        "anonymised_at": _dt(volunteer.anonymised_at),
        "inactivity_warning_sent_at": _dt(volunteer.inactivity_warning_sent_at),
    }


def export_consent_record(record: ConsentRecord) -> dict:
    return {
        "kind": record.kind,
        "kind_display": record.get_kind_display(),
        "text_version": record.text_version,
        "given_at": _dt(record.given_at),
        "source": record.source,
        "source_display": record.get_source_display(),
        "withdrawn_at": _dt(record.withdrawn_at),
        "superseded_at": _dt(record.superseded_at),
    }


def export_volunteer_language(item: VolunteerLanguage) -> dict:
    return {
        "language": item.language.name,
        "language_code": item.language.code,
        "level": item.level,
        "level_display": item.get_level_display(),
    }


def export_qualification(item) -> dict:
    return {
        "qualification": item.qualification.name,
        "course": item.course.title if item.course else None,
        "granted_at": _dt(item.granted_at),
        "source": item.source,
        "earned_on": item.earned_on.isoformat() if item.earned_on else None,
        "valid_until": item.valid_until.isoformat() if item.valid_until else None,
        "expiry_reminder_sent_at": _dt(item.expiry_reminder_sent_at),
    }


def export_attendance(item) -> dict:
    return {
        "session": {
            "start": _dt(item.session.start),
            "end": _dt(item.session.end),
        },
        "present": item.present,
        # Who recorded it is the trainer's data, not the volunteer's; the role is enough.
        "recorded_by": _("Kursleitung oder Integrationszentrum") if item.recorded_by_id else None,
        "recorded_at": _dt(item.recorded_at),
    }


def export_registration(item: Registration) -> dict:
    course = item.course
    return {
        "course": {
            "title": course.title,
            "topic": course.topic,
            "sessions": [
                {"start": _dt(session.start), "end": _dt(session.end)} for session in course.sessions.all()
            ],
        },
        "status": item.status,
        "status_display": item.get_status_display(),
        "waitlist_position": item.waitlist_position,
        "offer_expires_at": _dt(item.offer_expires_at),
        "counts_as_newcomer": item.counts_as_newcomer,
        "certificate_code": item.certificate_code,
        "reminder_sent_at": _dt(item.reminder_sent_at),
        "created_at": _dt(item.created_at),
        "updated_at": _dt(item.updated_at),
        "attendances": [export_attendance(attendance) for attendance in item.attendances.all()],
    }


def export_district_role(role: DistrictRole) -> dict:
    return {
        "district": role.district.name,
        "role": role.role,
        "role_display": role.get_role_display(),
        "created_at": _dt(role.created_at),
    }


def export_membership(item: Membership) -> dict:
    return {
        "municipality": item.municipality.name,
        "role": item.role,
        "role_display": item.get_role_display(),
        "created_at": _dt(item.created_at),
    }


def export_own_data(*, user: User) -> dict:
    """Everything the portal holds about ``user`` (Art. 15 and 20 GDPR), as JSON-ready data.

    Other people appear only by role (trainer, KI), never by name.
    """
    volunteer = (
        Volunteer.objects.filter(user=user)
        .select_related("district", "municipality")
        .prefetch_related(
            "interests",
            "languages__language",
            "qualifications__qualification",
            "qualifications__course",
        )
        .first()
    )
    data = {
        "format": "kreisintegration-own-data",
        "format_version": 1,
        "exported_at": timezone.now().isoformat(),
        "user": export_user(user),
        "district_roles": [
            export_district_role(role)
            for role in DistrictRole.objects.filter(user=user).select_related("district").order_by("pk")
        ],
        "memberships": [
            export_membership(item)
            for item in Membership.objects.filter(user=user).select_related("municipality").order_by("pk")
        ],
        "consent_records": [
            export_consent_record(record)
            for record in ConsentRecord.objects.filter(user=user).order_by("given_at", "pk")
        ],
        "courses_as_trainer": [
            course.title for course in user.courses_as_trainer.order_by("registration_closes", "title")
        ],
        # What this person viewed or exported of others' data is personal data of theirs, too.
        "audit_log_as_actor": audit_events_of_actor(user=user),
        # That a second factor exists and since when; never its secret or the recovery codes.
        "two_factor": twofactor.export_two_factor(user),
        "volunteer": None,
    }
    if volunteer is not None:
        data["volunteer"] = export_volunteer(volunteer)
        data["volunteer"]["qualifications"] = [
            export_qualification(q) for q in volunteer.qualifications.all()
        ]
        registrations = (
            volunteer.registrations.select_related("course")
            .prefetch_related("course__sessions", "attendances__session")
            .order_by("created_at", "pk")
        )
        data["volunteer"]["registrations"] = [export_registration(r) for r in registrations]
    # Apps to the right of this one (the concept) add their part through a setting, so the
    # dependency direction stays one-way.
    for path in settings.OWN_DATA_EXPORTERS:
        data.update(import_string(path)(user=user))
    return data
