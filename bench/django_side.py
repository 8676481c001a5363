"""The parts of ``make bench`` that need Django: setup, counts, the report build.

Run as ``python -m bench.django_side <command>`` with the bench's environment;
every command prints one JSON object on stdout.

- ``scale`` – which scale the bench database holds (0 = not seeded)
- ``prepare`` – sessions (KI staff, a municipal contact of the scenario's municipality, the trainer
  of the busiest course, 200 volunteers), a fresh 20-seat course for the
  registration burst, and the URLs of the page scenarios (with the district's scale concept
  version for ``goals_overview``)
- ``burst <course_id>`` – registration counts of the burst course
- ``writes`` – what the write scenarios left: events of the bench contacts and the import's drafts;
  then deletes them (the next run starts from the same data)
- ``count_time`` – median seconds of one ``SELECT COUNT(*)`` over events
- ``report`` – request a concept report build (Celery) and wait until it is done
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kreisintegration.settings")

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.sessions import HAD_TWO_FACTOR_SESSION_KEY, LAST_ACTIVITY_SESSION_KEY  # noqa: E402
from accounts.twofactor import has_two_factor  # noqa: E402
from concept.scale import scale_version_of  # noqa: E402
from events.models import Event, EventOccurrence  # noqa: E402
from municipalities.models import District, FieldOfAction, Language, Municipality, TargetGroup  # noqa: E402
from municipalities.scale import MAX_SCALE, ensure_scale_contact, scale_district_rows, scale_staff_email  # noqa: E402
from overview.models import ConceptReport  # noqa: E402
from overview.services import request_report  # noqa: E402
from volunteers.models import Course, CourseSession, Registration, Volunteer  # noqa: E402
from volunteers.scale import busiest_trained_course  # noqa: E402

BACKEND = "accounts.backends.PortalModelBackend"
BURST_SEATS = 20
BURST_PEOPLE = 200
SUBMITTING_CONTACTS = 8
IMPORT_ROWS = 500
WRITE_MARK = "Lasttest"
RUN_DIR = Path(__file__).resolve().parent / ".run"


def _out(data: dict) -> None:
    sys.stdout.write(json.dumps(data) + "\n")


def scale() -> None:
    """The highest N whose districts all have scale events (0 = not seeded)."""
    seeded = set(
        Event.objects.filter(organiser__startswith="Integrationsnetzwerk")
        .values_list("municipality__district__ags_prefix", flat=True)
        .distinct()
    )
    n = 0
    for prefix, _name, _city in scale_district_rows(MAX_SCALE):
        if prefix not in seeded:
            break
        n += 1
    _out({"scale": n})


def _session_for(user: User) -> str:
    """A logged-in (and, if django-otp is installed, verified) session, created server-side."""
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = BACKEND
    session["_auth_user_hash"] = user.get_session_auth_hash()
    if apps.is_installed("django_otp"):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session["otp_device_id"] = device.persistent_id
    # As the login stamps it (accounts.sessions.note_activity_at_login): the time of the login and
    # whether the person has a second factor, so the first request need not write the session.
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())
    session[HAD_TWO_FACTOR_SESSION_KEY] = has_two_factor(user)
    session.set_expiry(60 * 60)
    session.create()
    return session.session_key


def _busy_month(district: District) -> date:
    """The month of this year with the most public occurrences in the district."""
    year = timezone.localdate().year
    rows = (
        EventOccurrence.objects.filter(
            event__municipality__district=district,
            event__status__in=Event.PUBLIC_STATUSES,
            start__year=year,
        )
        .values_list("start__month")
        .annotate(n=Count("pk"))
        .order_by("-n")[:1]
    )
    month = rows[0][0] if rows else 9
    return date(year, month, 1)


def _burst_course(district: District, municipality: Municipality) -> Course:
    now = timezone.now()
    course = Course.objects.create(
        district=district,
        municipality=municipality,
        title=f"Lasttest Grundqualifizierung {now:%Y-%m-%d %H:%M:%S}",
        topic="Grundqualifizierung",
        description="Kurs für die Lastmessung (make bench).",
        location_name="Kreishaus",
        language=Language.objects.filter(code="de").first(),
        capacity=BURST_SEATS,
        teaching_units=Decimal(4),
        registration_opens=now - timedelta(days=1),
        registration_closes=now + timedelta(days=30),
        status=Course.Status.PUBLISHED,
    )
    start = now + timedelta(days=40)
    CourseSession.objects.create(course=course, start=start, end=start + timedelta(hours=3))
    return course


def prepare() -> None:
    district = District.objects.order_by("pk").first()
    if settings.PORTAL_DISTRICT_SLUG:
        district = District.objects.get(slug=settings.PORTAL_DISTRICT_SLUG)
    staff = User.objects.get(email=scale_staff_email(district))
    municipality = Municipality.objects.filter(district=district, slug="unna").first() or (
        district.municipalities.order_by("ags").first()
    )
    month = _busy_month(district)
    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    event_ids = list(
        Event.objects.filter(municipality__district=district, status=Event.Status.APPROVED)
        .order_by("pk")
        .values_list("pk", flat=True)[:40]
    )
    course = _burst_course(district, municipality)
    volunteers = list(
        Volunteer.objects.filter(district=district, anonymised_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")[:BURST_PEOPLE]
    )
    if len(volunteers) < BURST_PEOPLE:
        raise SystemExit(f"only {len(volunteers)} volunteers in {district}; seed with --scale first")
    csrf = get_random_string(32)
    concept_version = scale_version_of(district)
    cold = _cold_inputs(district)
    participants_course, trainer = busiest_trained_course(district)
    contacts = [
        (m, ensure_scale_contact(m)) for m in district.municipalities.order_by("ags")[:SUBMITTING_CONTACTS]
    ]
    _out(
        {
            "district": district.slug,
            "staff_session": _session_for(staff),
            "contact_session": _session_for(ensure_scale_contact(municipality)),
            "trainer_session": _session_for(trainer),
            "participants_course": participants_course.pk,
            "submitters": [{"municipality": m.pk, "session": _session_for(user)} for m, user in contacts],
            "target_group": TargetGroup.objects.filter(district=district).order_by("pk").first().pk,
            "series_start": _next_weekday(timezone.localdate() + timedelta(days=60)).isoformat(),
            "import_file": str(_import_file(contacts[0][0])),
            "import_rows": IMPORT_ROWS,
            "import_municipality": contacts[0][0].pk,  # the first submitter's
            "volunteer_sessions": [_session_for(v.user) for v in volunteers],
            "csrf": csrf,
            "burst_course": course.pk,
            "month": month.isoformat(),
            "month_end": month_end.isoformat(),
            "municipality": municipality.slug,
            "event_ids": event_ids,
            "year": timezone.localdate().year,
            "concept_version": concept_version.pk if concept_version else None,
            **cold,
        }
    )


def _next_weekday(day: date) -> date:
    return day + timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday


def _import_file(municipality: Municipality) -> Path:
    """An XLSX file of IMPORT_ROWS valid events for the municipality (columns of the template)."""
    import openpyxl

    from events.importer import COLUMN_NAMES

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMN_NAMES))
    first = timezone.localdate() + timedelta(days=30)
    for number in range(IMPORT_ROWS):
        values = {
            "titel": f"{WRITE_MARK} Import {number + 1}",
            "beginn_datum": (first + timedelta(days=number % 200)).strftime("%d.%m.%Y"),
            "beginn_uhrzeit": "18:00",
            "ende_uhrzeit": "20:00",
            "ort_name": "Stadtteilzentrum",
            "strasse": "Bahnhofstraße 12",
            "plz": "59423",
            "ort": municipality.name,
            "beschreibung": "Offener Treff für alle.",
            "handlungsfelder": "sprache-bildung",
            "zielgruppen": "familien",
            "sprachen": "de; ar",
            "veranstalter": "Integrationsnetzwerk Lasttest",
            "erwartete_teilnehmende": "20",
        }
        sheet.append([values.get(name, "") for name in COLUMN_NAMES])
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    path = RUN_DIR / "import_500.xlsx"
    workbook.save(path)
    return path


def writes() -> None:
    """Count and delete what the write scenarios created (drafts marked with WRITE_MARK)."""
    created = Event.objects.filter(title__startswith=WRITE_MARK)
    counts = {
        "events": created.count(),
        "series_occurrences": EventOccurrence.objects.filter(
            event__title__startswith=f"{WRITE_MARK} Reihe"
        ).count(),
        "imported": created.filter(title__startswith=f"{WRITE_MARK} Import").count(),
    }
    created.delete()
    _out(counts)


def _cold_inputs(district: District) -> dict:
    """What the ``*_cold`` scenarios vary, so that no two requests share a cache entry."""
    return {
        "cold_event_ids": list(
            Event.objects.filter(municipality__district=district, status=Event.Status.APPROVED)
            .order_by("-pk")
            .values_list("pk", flat=True)[:3000]
        ),
        "cold_municipalities": list(
            Municipality.objects.filter(district=district).order_by("ags").values_list("slug", flat=True)
        ),
        "cold_all_municipalities": list(Municipality.objects.order_by("ags").values_list("ags", flat=True)),
        "cold_fields": list(
            FieldOfAction.objects.filter(district=district).order_by("pk").values_list("slug", flat=True)
        ),
    }


def burst(course_id: int) -> None:
    counts = dict(
        Registration.objects.filter(course_id=course_id).values_list("status").annotate(n=Count("pk"))
    )
    positions = list(
        Registration.objects.filter(course_id=course_id, status=Registration.Status.WAITLISTED)
        .order_by("waitlist_position")
        .values_list("waitlist_position", flat=True)
    )
    _out(
        {
            "registered": counts.get(Registration.Status.REGISTERED, 0),
            "waitlisted": counts.get(Registration.Status.WAITLISTED, 0),
            "total": sum(counts.values()),
            "waitlist_positions_ok": positions == list(range(1, len(positions) + 1)),
        }
    )


def count_time() -> None:
    timings = []
    with connection.cursor() as cursor:
        for _ in range(7):
            started = time.perf_counter()
            cursor.execute("SELECT COUNT(*) FROM events_event")
            cursor.fetchone()
            timings.append(time.perf_counter() - started)
    _out({"seconds": statistics.median(timings), "events": Event.objects.count()})


def report() -> None:
    district = District.objects.order_by("pk").first()
    staff = User.objects.get(email=scale_staff_email(district))
    year = timezone.localdate().year
    started = time.perf_counter()
    created = request_report(by=staff, district=district, year=year)
    deadline = started + 300
    state = created.state
    while time.perf_counter() < deadline:
        state = ConceptReport.objects.filter(pk=created.pk).values_list("state", flat=True).get()
        if state in (ConceptReport.State.DONE, ConceptReport.State.FAILED):
            break
        time.sleep(0.1)
    report = ConceptReport.objects.get(pk=created.pk)
    _out(
        {
            "seconds": time.perf_counter() - started,
            "state": state,
            "error": report.error,
            "district": district.slug,
            "year": year,
        }
    )


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    commands = {
        "scale": scale,
        "prepare": prepare,
        "burst": lambda: burst(int(args[0])),
        "writes": writes,
        "count_time": count_time,
        "report": report,
    }
    commands[command]()
