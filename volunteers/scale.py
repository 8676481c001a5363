"""Scale data for ``manage.py seed_demo --scale N``: per district 500 volunteers, 50 courses with
sessions and about 2,500 registrations (past courses attended, future ones with waiting lists).

Accounts get no usable password. Rows are built in Python and inserted in
batches; deterministic and idempotent (a district with scale volunteers is skipped).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from municipalities.bulkload import copy_insert
from municipalities.models import BuildingBlock, District, DistrictRole, FundingProgramme, Language
from municipalities.scale import scaled_districts

from .models import (
    NEWCOMER_CONSENT_VERSION,
    PRIVACY_NOTICE_VERSION,
    Attendance,
    Course,
    CourseSession,
    Registration,
    Volunteer,
    VolunteerLanguage,
    teaching_units_for,
)

VOLUNTEERS_PER_DISTRICT = 500
SESSION_MINUTES = 180
COURSES_PER_DISTRICT = 50
TRAINERS_PER_DISTRICT = 3
EMAIL_DOMAIN = "ehrenamt.bench.example.org"

FIRST_NAMES = ["Şengül", "Ahmad", "Olena", "Fatemeh", "Jürgen", "Agnieszka", "Yonas", "Marie", "Hamid",
               "Nguyễn Thị", "Ольга", "Mehmet", "Leonie", "Karim", "Zeynep", "Tobias", "Amira", "Dmytro",
               "Hannah", "Mohammed", "Sophie", "Aylin", "Paweł", "Lina", "Jonas", "Samira"]  # fmt: skip
LAST_NAMES = ["Demir", "Haddad", "Iwanowa", "Rahimi", "Böhm", "Nowak", "Tesfaye", "Schulte", "Karimi",
              "Lan", "Yıldız", "Al-Hassan", "Müller", "Schäfer", "Öztürk", "Großmann", "Petrenko",
              "Kowalczyk", "Weiß", "Abdi", "Fischer", "Çelik"]  # fmt: skip
COURSE_TOPICS = [
    ("Grundlagen Asyl- und Aufenthaltsrecht", "Asyl- und Aufenthaltsrecht"),
    ("Interkulturelle Kompetenz im Ehrenamt", "Interkulturelle Kompetenz"),
    ("Flucht und Trauma – was Ehrenamtliche wissen sollten", "Flucht und Trauma"),
    ("Deutsch vermitteln als Ehrenamtliche", "Deutsch als Zweitsprache"),
    ("Rolle und Grenzen des Ehrenamts", "Rolle und Grenzen"),
    ("Konfliktlösung und Deeskalation", "Konfliktlösung"),
    ("Begleitung zu Behörden", "Begleitung zu Ämtern"),
    ("Sprachmittlung: Dolmetschen im Ehrenamt", "Sprachmittlung"),
]
LANGUAGE_CODES = ["de", "ar", "uk", "tr", "fa", "ru", "en", "ti", "ku", "so", "fr", "pl", "ro", "vi"]
R = Registration.Status


def _users(rng: random.Random, district: District, prefix: str, count: int) -> list[User]:
    password = make_password(None)  # unusable: these accounts never log in with a password
    users = [
        User(
            email=f"{prefix}{number:05d}.{district.ags_prefix}@{EMAIL_DOMAIN}",
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            password=password,
        )
        for number in range(count)
    ]
    return list(copy_insert(users))


def _seed_district(district: District, year: int) -> tuple[int, int, int]:
    if Volunteer.objects.filter(district=district, user__email__endswith=EMAIL_DOMAIN).exists():
        return 0, 0, 0
    rng = random.Random(f"volunteers-{district.ags_prefix}")  # noqa: S311 - deterministic demo data
    now = timezone.now()
    municipalities = list(district.municipalities.order_by("ags"))
    languages = {lang.code: lang for lang in Language.objects.filter(code__in=LANGUAGE_CODES)}
    codes = [code for code in LANGUAGE_CODES if code in languages]
    programme = FundingProgramme.objects.get(code="ehrenamt-integration-praevention")
    block = BuildingBlock.objects.get(programme=programme, code="5")  # Qualifizierung

    trainers = _users(rng, district, "trainer", TRAINERS_PER_DISTRICT)
    people = _users(rng, district, "ehrenamt", VOLUNTEERS_PER_DISTRICT)
    copy_insert(
        [DistrictRole(user=u, district=district, role=DistrictRole.Role.TRAINER) for u in trainers]
        + [DistrictRole(user=u, district=district, role=DistrictRole.Role.VOLUNTEER) for u in people],
    )
    volunteers = []
    for user in people:
        newcomer = rng.random() < 0.3
        volunteers.append(
            Volunteer(
                user=user,
                district=district,
                municipality=rng.choice(municipalities),
                came_as_newcomer=newcomer,
                newcomer_consent_at=now if newcomer else None,
                newcomer_consent_version=NEWCOMER_CONSENT_VERSION if newcomer else "",
                privacy_consent_at=now,
                privacy_consent_version=PRIVACY_NOTICE_VERSION,
                email_confirmed_at=now,
                availability=rng.choice(["abends", "am Wochenende", "nachmittags und am Wochenende", ""]),
            )
        )
    copy_insert(volunteers)
    copy_insert(
        [
            VolunteerLanguage(volunteer=v, language=languages[code], level=VolunteerLanguage.Level.GOOD)
            for v in volunteers
            for code in {"de", *rng.sample(codes[1:], rng.choice([0, 1, 1, 2]))}
        ]
    )

    courses, sessions_of = [], {}
    today = timezone.localdate()
    for number in range(COURSES_PER_DISTRICT):
        title, topic = COURSE_TOPICS[number % len(COURSE_TOPICS)]
        # Spread over the year before and the year ahead: past courses are completed.
        first_day = today + timedelta(days=rng.randrange(-330, 200))
        first = timezone.make_aware(datetime.combine(first_day, time(18)))
        municipality = rng.choice(municipalities)
        session_count = rng.choice([1, 2, 2, 3, 4])
        courses.append(
            Course(
                district=district,
                municipality=municipality,
                title=title,
                topic=topic,
                description=f"Qualifizierung im Rahmen der Ehrenamtsförderung: {topic}.",
                location_name=f"Rathaus {municipality.name}",
                target_audience="Ehrenamtliche und Interessierte",
                language=languages.get("de"),
                capacity=rng.choice([12, 15, 16, 20, 25]),
                registration_opens=first - timedelta(days=90),
                registration_closes=first - timedelta(days=2),
                # sessions of three hours: four teaching units of 45 minutes each
                teaching_units=teaching_units_for(SESSION_MINUTES * session_count),
                funding_programme=programme,
                building_block=block,
                status=Course.Status.COMPLETED if first_day < today else Course.Status.PUBLISHED,
            )
        )
        sessions_of[number] = [first + timedelta(days=7 * n) for n in range(session_count)]
    copy_insert(courses)
    sessions = [
        CourseSession(
            course=course, start=start, end=start + timedelta(minutes=SESSION_MINUTES), topics=f"Teil {n + 1}"
        )
        for index, course in enumerate(courses)
        for n, start in enumerate(sessions_of[index])
    ]
    copy_insert(sessions)
    copy_insert([Course.trainers.through(course_id=c.pk, user_id=rng.choice(trainers).pk) for c in courses])
    sessions_by_course: dict[int, list[CourseSession]] = {}
    for session in sessions:
        sessions_by_course.setdefault(session.course_id, []).append(session)

    registrations = []
    for course in courses:
        past = course.status == Course.Status.COMPLETED
        people_here = rng.sample(volunteers, rng.randrange(35, 65))
        position = 0
        for seat, volunteer in enumerate(people_here):
            if seat < course.capacity:
                status = (R.ATTENDED if rng.random() < 0.85 else R.NO_SHOW) if past else R.REGISTERED
            elif rng.random() < 0.25:
                status = R.CANCELLED
            else:
                status = R.CANCELLED if past else R.WAITLISTED
            if status == R.WAITLISTED:
                position += 1
            registrations.append(
                Registration(
                    course=course,
                    volunteer=volunteer,
                    status=status,
                    waitlist_position=position if status == R.WAITLISTED else None,
                    counts_as_newcomer=volunteer.counts_as_newcomer,
                    certificate_code=f"{course.pk:06d}{seat:04d}"[-12:] if status == R.ATTENDED else "",
                )
            )
    copy_insert(registrations)
    attendances = [
        Attendance(registration=r, session=s, present=r.status == R.ATTENDED or rng.random() < 0.3)
        for r in registrations
        if r.status in (R.ATTENDED, R.NO_SHOW)
        for s in sessions_by_course[r.course_id]
    ]
    copy_insert(attendances, model=Attendance)
    return len(volunteers), len(courses), len(registrations)


def seed_scale(*, scale: int, year: int, stdout=None) -> None:
    totals = [0, 0, 0]
    for district in scaled_districts(scale):
        with transaction.atomic():
            counts = _seed_district(district, year)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    if stdout:
        stdout.write(f"  {totals[0]} Ehrenamtliche, {totals[1]} Kurse, {totals[2]} Anmeldungen neu angelegt")


def busiest_trained_course(district: District) -> tuple[Course, User]:
    """The district's course with the most registrations that has a trainer, and that trainer
    (the ``participants`` scenario of ``make bench``)."""
    course = (
        Course.objects.filter(district=district, trainers__isnull=False)
        .annotate(n=Count("registrations", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    return course, course.trainers.order_by("pk").first()
