"""Files the course office hands out: participant lists, certificates and funding evidence.

PDFs are rendered by WeasyPrint from templates in ``templates/volunteers/pdf/``; CSV and XLSX
come from the shared writers in ``kreisintegration.spreadsheets`` (formula-injection safe).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kreisintegration.pdf import _refuse_fetch, html_to_pdf  # noqa: F401 - _refuse_fetch for tests
from kreisintegration.spreadsheets import (  # noqa: F401 - re-exported for the views and tests
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Cell,
    Column,
    Sheet,
    local,
    neutralise,
    write_csv,
    write_xlsx,
)
from municipalities import identity
from municipalities.selectors import portal_district

from .figures import PARTICIPANT_STATUSES, CourseEvidence
from .models import Course, CourseSession, Registration

PDF_CONTENT_TYPE = "application/pdf"
INTEGER_FORMAT = "0"
UNITS_FORMAT = "0.0"
PERCENT_FORMAT = "0.0"


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download of personal data: never kept in a shared cache, never sniffed into something else."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """A tagged PDF/UA-1 document from ``template_name`` (see kreisintegration.pdf)."""
    return html_to_pdf(render_to_string(template_name, context))


# --- participant list -----------------------------------------------------------------


def participant_registrations(course: Course):
    """Participants of ``course`` in name order, with their number of recorded presences."""
    return (
        course.registrations.filter(status__in=PARTICIPANT_STATUSES)
        .select_related("volunteer__user", "volunteer__municipality")
        .annotate(present_count=Count("attendances", filter=Q(attendances__present=True)))
        .order_by("volunteer__user__full_name", "created_at", "pk")
    )


def participant_rows_key(registrations: Sequence[Registration], session_count: int) -> tuple:
    """Everything the trainer's table of participants shows (volunteers/trainer/_participant_rows.html)."""
    return (
        session_count,
        tuple(
            (
                str(r.volunteer),
                r.volunteer.user.email if r.volunteer.user else "",
                _municipality(r),
                r.created_at.isoformat(),
                str(r.get_status_display()),
                r.present_count,
            )
            for r in registrations
        ),
    )


def waiting_lists_key(waitlist: Sequence[Registration], offered: Sequence[Registration]) -> tuple:
    """What the waiting list and the open offers show (volunteers/trainer/_waiting_lists.html)."""
    return (
        tuple((r.waitlist_position, str(r.volunteer)) for r in waitlist),
        tuple(
            (str(r.volunteer), r.offer_expires_at.isoformat() if r.offer_expires_at else "") for r in offered
        ),
    )


def _municipality(registration: Registration) -> str:
    municipality = registration.volunteer.municipality
    return municipality.name if municipality else ""


def _presence(registration: Registration, sessions: Sequence[CourseSession]) -> list[str]:
    by_session = {attendance.session_id: attendance.present for attendance in registration.attendances.all()}
    labels = {True: _("anwesend"), False: _("nicht anwesend"), None: ""}
    return [labels[by_session.get(session.pk)] for session in sessions]


def _session_header(session: CourseSession) -> str:
    return _("Termin %(date)s") % {"date": timezone.localtime(session.start).strftime("%d.%m.%Y")}


def participants_header(sessions: Sequence[CourseSession]) -> list[str]:
    return [
        _("Name"),
        _("E-Mail"),
        _("Kommune"),
        _("Status"),
        _("angemeldet am"),
        *(_session_header(session) for session in sessions),
    ]


def participants_rows(
    registrations: Iterable[Registration], sessions: Sequence[CourseSession]
) -> Iterable[list[Any]]:
    for registration in registrations:
        user = registration.volunteer.user
        yield [
            str(registration.volunteer),
            user.email if user else "",
            _municipality(registration),
            registration.get_status_display(),
            local(registration.created_at),
            *_presence(registration, sessions),
        ]


def participants_csv(course: Course, registrations, sessions: Sequence[CourseSession]) -> bytes:
    return write_csv(participants_header(sessions), participants_rows(registrations, sessions))


def participants_xlsx(course: Course, registrations, sessions: Sequence[CourseSession]) -> bytes:
    widths = [30, 32, 18, 16, 17] + [16] * len(sessions)
    columns = [
        Column(header, width) for header, width in zip(participants_header(sessions), widths, strict=True)
    ]
    return write_xlsx(
        [Sheet(title=_("Teilnehmende"), columns=columns, rows=participants_rows(registrations, sessions))]
    )


def participants_pdf(course: Course, registrations, sessions: Sequence[CourseSession]) -> bytes:
    """The list to sign: one empty column per session."""
    return render_pdf(
        "volunteers/pdf/participants.html",
        {
            "course": course,
            "district": course.district,
            "registrations": registrations,
            "sessions": sessions,
            "trainers": list(course.trainers.all()),
            "document_title": _("Teilnahmeliste"),
        },
    )


def participants_filename(course: Course, extension: str) -> str:
    return f"teilnahmeliste-kurs-{course.pk}.{extension}"


# --- certificate ------------------------------------------------------------------------


def verification_url(code: str) -> str:
    return settings.SITE_URL + reverse("volunteers:verify_certificate", kwargs={"code": code})


def certificate_pdf(registration: Registration) -> bytes:
    course = registration.course
    return render_pdf(
        "volunteers/pdf/certificate.html",
        {
            "registration": registration,
            "course": course,
            "district": course.district,
            "sessions": list(course.sessions.order_by("start")),
            "participant_name": str(registration.volunteer),
            "verification_url": verification_url(registration.certificate_code),
            "logo": identity.logo_data_uri(course.district),
            "document_title": _("Teilnahmebescheinigung"),
        },
    )


def own_data_pdf(*, user, sections) -> bytes:
    """„Meine Daten“ as a document; ``sections`` from :func:`volunteers.own_data_document.readable_own_data`."""
    return render_pdf(
        "volunteers/pdf/own_data.html",
        {
            "sections": sections,
            "person": user,
            "district": portal_district(),
            "document_title": _("Meine Daten"),
            "generated_at": timezone.now(),
        },
    )


def certificate_filename(registration: Registration) -> str:
    return f"teilnahmebescheinigung-{registration.certificate_code.lower()}.pdf"


# --- funding evidence -------------------------------------------------------------------


def _names(people: Iterable[Any]) -> str:
    return ", ".join(str(person) for person in people)


def _programme(course: Course) -> str:
    return course.funding_programme.name if course.funding_programme_id else ""


def _building_block(course: Course) -> str:
    return str(course.building_block) if course.building_block_id else ""


def course_evidence_pdf(evidence: CourseEvidence) -> bytes:
    course = evidence.course
    return render_pdf(
        "volunteers/pdf/course_evidence.html",
        {
            "evidence": evidence,
            "course": course,
            "district": course.district,
            "document_title": _("Fördernachweis"),
            "generated_at": timezone.now(),
        },
    )


def course_evidence_xlsx(evidence: CourseEvidence) -> bytes:
    course = evidence.course
    facts = [
        (_("Kurs"), course.title),
        (_("Thema"), course.topic),
        (_("Kreis / Integrationszentrum"), f"{course.district.name} – {course.district.ki_name}"),
        (_("Förderprogramm"), _programme(course)),
        (_("Baustein"), _building_block(course)),
        (_("Referent*innen"), _names(evidence.trainers)),
        (_("Unterrichtseinheiten (à 45 Minuten)"), Cell(course.teaching_units, UNITS_FORMAT)),
        (_("Termine"), evidence.session_count),
        (_("Teilnehmende"), evidence.participants),
        (_("davon Ehrenamtliche"), evidence.volunteers),
        (_("davon Neuzugewanderte (mit Einwilligung)"), evidence.newcomers),
        (_("teilgenommen"), evidence.attended),
        (_("nicht erschienen"), evidence.no_show),
        (_("Anwesenheiten (erfasst)"), evidence.present),
        (_("Anwesenheitsquote (%)"), Cell(evidence.attendance_rate, PERCENT_FORMAT)),
    ]
    summary = Sheet(
        title=_("Fördernachweis"),
        columns=[Column(_("Angabe"), 42), Column(_("Wert"), 48, INTEGER_FORMAT)],
        rows=[[label, value] for label, value in facts],
    )
    sessions = Sheet(
        title=_("Termine"),
        columns=[
            Column(_("Nr."), 6, INTEGER_FORMAT),
            Column(_("Beginn"), 17),
            Column(_("Ende"), 17),
            Column(_("Ort"), 30),
            Column(_("Inhalte"), 50),
        ],
        rows=[
            [number, local(s.start), local(s.end), s.location_name or course.location_name, s.topics]
            for number, s in enumerate(evidence.sessions, start=1)
        ],
    )
    return write_xlsx([summary, sessions])


def course_evidence_filename(course: Course, extension: str) -> str:
    return f"foerdernachweis-kurs-{course.pk}.{extension}"


def programme_header() -> list[Column]:
    return [
        Column(_("Kurs"), 36),
        Column(_("Baustein"), 22),
        Column(_("erster Termin"), 17),
        Column(_("letzter Termin (Ende)"), 17),
        Column(_("Termine"), 9, INTEGER_FORMAT),
        Column(_("Unterrichtseinheiten"), 12, UNITS_FORMAT),
        Column(_("Referent*innen"), 28),
        Column(_("Plätze"), 8, INTEGER_FORMAT),
        Column(_("Teilnehmende"), 12, INTEGER_FORMAT),
        Column(_("davon Ehrenamtliche"), 12, INTEGER_FORMAT),
        Column(_("davon Neuzugewanderte"), 12, INTEGER_FORMAT),
        Column(_("teilgenommen"), 12, INTEGER_FORMAT),
        Column(_("nicht erschienen"), 12, INTEGER_FORMAT),
        Column(_("Anwesenheitsquote (%)"), 12, PERCENT_FORMAT),
        Column(_("Status"), 14),
    ]


def programme_row(course: Course) -> list[Any]:
    return [
        course.title,
        _building_block(course),
        local(course.first_start),
        local(course.last_end),
        course.session_count,
        course.teaching_units,
        _names(course.trainers.all()),
        course.capacity,
        course.participant_count,
        course.volunteer_count,
        course.newcomer_count,
        course.attended_count,
        course.no_show_count,
        course.attendance_rate,
        course.get_status_display(),
    ]


def programme_totals_row(totals: dict[str, Any]) -> list[Any]:
    return [
        ngettext("Summe (%(count)d Kurs)", "Summe (%(count)d Kurse)", totals["courses"])
        % {"count": totals["courses"]},
        "",
        None,
        None,
        totals["sessions"],
        totals["teaching_units"],
        "",
        totals["seats"],
        totals["participants"],
        totals["volunteers"],
        totals["newcomers"],
        totals["attended"],
        totals["no_show"],
        totals["attendance_rate"],
        "",
    ]


def programme_evidence_xlsx(*, programme, year: int, courses, totals: dict[str, Any]) -> bytes:
    sheet = Sheet(
        title=f"{programme.code} {year}",
        columns=programme_header(),
        rows=(programme_row(course) for course in courses),
        footer=[programme_totals_row(totals)],
    )
    return write_xlsx([sheet])


def programme_evidence_pdf(*, programme, year: int, courses, totals: dict[str, Any], district) -> bytes:
    return render_pdf(
        "volunteers/pdf/programme_evidence.html",
        {
            "programme": programme,
            "year": year,
            "courses": courses,
            "totals": totals,
            "district": district,
            "document_title": _("Fördernachweis %(programme)s %(year)s")
            % {"programme": programme.name, "year": year},
            "generated_at": timezone.now(),
        },
    )


def programme_evidence_filename(programme, year: int, extension: str) -> str:
    return f"foerdernachweis-{programme.code}-{year}.{extension}"
