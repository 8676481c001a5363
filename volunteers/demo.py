"""Demo KOMM-AN courses and volunteers for the demo district (idempotent).

A dozen realistic courses with sessions, volunteers with international
names, some courses full with a waiting list, one completed course with
attendance, certificates and a qualification.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import ConsentRecord, User
from municipalities.holidays import next_working_day
from municipalities.models import (
    BuildingBlock,
    District,
    DistrictRole,
    FundingProgramme,
    Language,
    Municipality,
)

from . import services
from .models import (
    NEWCOMER_CONSENT_VERSION,
    PRIVACY_NOTICE_VERSION,
    TEACHING_UNIT_MINUTES,
    Course,
    CourseSession,
    Qualification,
    Volunteer,
    teaching_units_for,
)
from .selfservice.consents import record_profile_consents

COURSES = [
    # title, topic, sessions, units, capacity, municipality slug, days from today to first session
    ("Grundlagen Asyl- und Aufenthaltsrecht", "Asyl- und Aufenthaltsrecht", 2, "6", 16, "unna", 21),
    ("Interkulturelle Kompetenz im Ehrenamt", "Interkulturelle Kompetenz", 3, "9", 3, "luenen", 14),
    ("Flucht und Trauma – was Ehrenamtliche wissen sollten", "Flucht und Trauma", 2, "6", 20, "kamen", 28),
    ("Deutsch vermitteln als Ehrenamtliche", "Deutsch als Zweitsprache", 4, "12", 12, "schwerte", 35),
    ("Rolle und Grenzen des Ehrenamts", "Rolle und Grenzen", 1, "4", 25, "bergkamen", 10),
    ("Konfliktlösung und Deeskalation", "Konfliktlösung", 2, "6", 2, "unna", 18),
    ("Begleitung zu Behörden", "Begleitung zu Ämtern", 1, "3", 15, "werne", 42),
    ("Sprachmittlung: Dolmetschen im Ehrenamt", "Sprachmittlung", 3, "9", 12, "holzwickede", 49),
    ("Rassismuskritisch begleiten", "Antidiskriminierung", 2, "6", 18, "selm", 56),
    ("Wohnungssuche unterstützen", "Wohnen", 1, "3", 20, "boenen", 63),
    ("Gesundheitssystem in Deutschland erklären", "Gesundheit", 1, "4", 20, "froendenberg-ruhr", 70),
    ("Grundqualifizierung Ehrenamt (Frühjahr)", "Grundqualifizierung", 3, "12", 12, "unna", -40),
]

VOLUNTEERS = [
    ("Şengül Demir", "sengul.demir@example.org", "unna", True, ["tr", "de"]),
    ("Nguyễn Văn Minh", "nguyen.minh@example.org", "luenen", False, ["vi", "de"]),
    ("Ahmad Haddad", "ahmad.haddad@example.org", "kamen", True, ["ar", "de"]),
    ("Ольга Иванова", "olga.ivanova@example.org", "schwerte", True, ["uk", "ru", "de"]),
    ("Fatemeh Rahimi", "fatemeh.rahimi@example.org", "unna", True, ["fa", "de"]),
    ("Jürgen Böhm", "juergen.boehm@example.org", "bergkamen", False, ["de", "en"]),
    ("Agnieszka Nowak", "agnieszka.nowak@example.org", "werne", False, ["pl", "de"]),
    ("Yonas Tesfaye", "yonas.tesfaye@example.org", "luenen", True, ["ti", "de"]),
    ("Marie Schulte", "marie.schulte@example.org", "unna", False, ["de", "fr"]),
    ("Hamid Karimi", "hamid.karimi@example.org", "selm", True, ["ps", "fa", "de"]),
]


def _volunteer(district, full_name, email, municipality_slug, newcomer, codes) -> Volunteer:
    from .models import VolunteerLanguage

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
    DistrictRole.objects.get_or_create(user=user, district=district, role=DistrictRole.Role.VOLUNTEER)
    now = timezone.now()
    volunteer, created = Volunteer.objects.get_or_create(
        user=user,
        defaults={
            "district": district,
            "municipality": Municipality.objects.filter(slug=municipality_slug).first(),
            "came_as_newcomer": newcomer,
            "newcomer_consent_at": now if newcomer else None,
            "newcomer_consent_version": NEWCOMER_CONSENT_VERSION if newcomer else "",
            "privacy_consent_at": now,
            "privacy_consent_version": PRIVACY_NOTICE_VERSION,
            "email_confirmed_at": now,
            "availability": "nachmittags und am Wochenende",
        },
    )
    if created:
        record_profile_consents(volunteer, source=ConsentRecord.Source.SIGNUP)
        for code in codes:
            language = Language.objects.filter(code=code).first()
            if language:
                level = VolunteerLanguage.Level.NATIVE if code != "de" else VolunteerLanguage.Level.GOOD
                VolunteerLanguage.objects.get_or_create(
                    volunteer=volunteer, language=language, defaults={"level": level}
                )
    return volunteer


def seed(*, with_users: bool, stdout=None) -> None:
    district = District.objects.filter(slug="kreis-unna").first()
    trainer = User.objects.filter(email="trainer@example.org").first()
    demo_volunteer_user = User.objects.filter(email="ehrenamt@example.org").first()
    if district is None or not with_users or trainer is None:
        if stdout:
            stdout.write("  Kurse: übersprungen (Demo-Konten fehlen)")
        return
    qualification, _created = Qualification.objects.get_or_create(
        district=district,
        slug="grundqualifizierung",
        defaults={
            "name": "Grundqualifizierung Ehrenamt",
            "description": "Basiswissen für die Begleitung Neuzugewanderter",
        },
    )
    programme = FundingProgramme.objects.get(code="ehrenamt-integration-praevention")
    old_programme = FundingProgramme.objects.get(code="komm-an-nrw-2")
    block = BuildingBlock.objects.get(programme=programme, code="5")  # Qualifizierung
    german = Language.objects.filter(code="de").first()
    volunteers = [_volunteer(district, *spec) for spec in VOLUNTEERS]
    if demo_volunteer_user:
        volunteers.insert(
            0,
            _volunteer(
                district,
                demo_volunteer_user.full_name,
                demo_volunteer_user.email,
                "unna",
                False,
                ["ar", "de"],
            ),
        )
    created_courses = 0
    today = timezone.localdate()
    for title, topic, sessions, units, capacity, slug, days in COURSES:
        if Course.objects.filter(district=district, title=title).exists():
            continue
        session_days = _session_days(today + timedelta(days=days), sessions)
        first = timezone.make_aware(datetime.combine(session_days[0], time(18)))
        # Each session lasts its share of the units, 45 minutes each, so that the units on the
        # certificate and in the evidence are what the sessions add up to.
        session_minutes = int(Decimal(units) * TEACHING_UNIT_MINUTES / sessions)
        units = teaching_units_for(session_minutes * sessions)
        past = days < 0
        municipality = Municipality.objects.filter(slug=slug).first()
        course = Course.objects.create(
            district=district, municipality=municipality, title=title, topic=topic,
            description=f"Qualifizierung im Rahmen der Ehrenamtsförderung: {topic}. Mit Praxisbeispielen und Zeit für Fragen.",
            location_name="Kreishaus, Raum 2.14" if slug == "unna" else f"Rathaus {municipality.name}",
            address="Friedrich-Ebert-Straße 17, 59425 Unna" if slug == "unna" else "",
            target_audience="Ehrenamtliche und Interessierte", language=german, capacity=capacity,
            registration_opens=first - timedelta(days=60), registration_closes=first - timedelta(days=2),
            teaching_units=Decimal(units), funding_programme=programme if not past else old_programme,
            building_block=block if not past else BuildingBlock.objects.get(programme=old_programme, code="D"),
            qualification=qualification if "Grundqualifizierung" in title or "Rolle" in title else None,
            status=Course.Status.PUBLISHED,
        )  # fmt: skip
        if past:
            course.funding_programme, course.building_block = programme, block
            course.save(update_fields=["funding_programme", "building_block"])
        course.trainers.add(trainer)
        for number, day in enumerate(session_days):
            start = timezone.make_aware(datetime.combine(day, time(18)))
            CourseSession.objects.create(
                course=course,
                start=start,
                end=start + timedelta(minutes=session_minutes),
                topics=f"Teil {number + 1}: {topic}",
            )
        created_courses += 1
        if past:
            _run_past_course(course, volunteers[:6], trainer)
        elif capacity <= 3:
            # full course with a waiting list
            for volunteer in volunteers[: capacity + 3]:
                _register_while_open(course, volunteer)
        else:
            for volunteer in volunteers[1:4]:
                _register_while_open(course, volunteer)
    if stdout:
        stdout.write(f"  {created_courses} Kurse, {len(volunteers)} Ehrenamtliche")


def _session_days(first, count: int) -> list:
    """Weekly dates from ``first`` that fall on no Sunday and no NRW public holiday (a session
    that would is moved to the next working day)."""
    days, day = [], first
    for _number in range(count):
        day = next_working_day(day)
        days.append(day)
        day += timedelta(days=7)
    return days


def _register_while_open(course: Course, volunteer: Volunteer) -> None:
    with contextlib.suppress(services.RegistrationError):
        services.register_for_course(volunteer=volunteer, course=course)


def _run_past_course(course: Course, volunteers: list[Volunteer], trainer: User) -> None:
    """Register while the course was open, record attendance, complete it (walks the real services)."""
    sessions = list(course.sessions.order_by("start"))
    real_close = course.registration_closes
    Course.objects.filter(pk=course.pk).update(
        registration_closes=timezone.now() + timedelta(days=1), registration_opens=None
    )
    future_starts = [(s.pk, s.start, s.end) for s in sessions]
    CourseSession.objects.filter(course=course).update(
        start=timezone.now() + timedelta(days=2), end=timezone.now() + timedelta(days=2, hours=3)
    )
    course.refresh_from_db()
    registrations = [services.register_for_course(volunteer=v, course=course) for v in volunteers]
    for pk, start, end in future_starts:
        CourseSession.objects.filter(pk=pk).update(start=start, end=end)
    Course.objects.filter(pk=course.pk).update(registration_closes=real_close)
    course.refresh_from_db()
    for number, session in enumerate(course.sessions.order_by("start")):
        for index, registration in enumerate(registrations):
            present = not (index == len(registrations) - 1 and number > 0)  # the last person stopped coming
            services.record_attendance(
                by=trainer, session=session, registration=registration, present=present
            )
    services.complete_course(by=trainer, course=course)
