"""Fixtures shared by the volunteers tests (the districts and roles are the root conftest's)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import ConsentRecord
from municipalities.models import (
    BuildingBlock,
    FieldOfAction,
    FundingProgramme,
)
from municipalities.tests.factories import DistrictFactory, MunicipalityFactory
from volunteers import services
from volunteers.models import (
    NEWCOMER_CONSENT_VERSION,
    Attendance,
    CourseSession,
    Qualification,
    Registration,
    VolunteerLanguage,
    VolunteerQualification,
)
from volunteers.selfservice.consents import record_profile_consents
from volunteers.tests.account_helpers import language
from volunteers.tests.attendance_helpers import record, register, sessions_in_past
from volunteers.tests.document_helpers import INJECTION
from volunteers.tests.factories import make_course, make_volunteer
from volunteers.tests.figures_data import R, Year2025


@pytest.fixture
def other_district(db):
    district = DistrictFactory(name="Kreis Recklinghausen", ags_prefix="05562")
    MunicipalityFactory(district=district, name="Marl", slug="marl", ags="05562024")
    return district


@pytest.fixture
def year(district, unna, luenen, trainer):
    return Year2025(district, unna, luenen, trainer)


@pytest.fixture
def district_with_address(district):
    district.ki_name = "Kommunales Integrationszentrum Kreis Unna"
    district.ki_address = "Friedrich-Ebert-Straße 17\n59425 Unna"
    district.save()
    return district


@pytest.fixture
def certified(district_with_address, trainer, unna):
    """A completed course with 4.5 units, and Şengül's registration that earned the certificate."""
    programme = FundingProgramme.objects.create(name="KOMM-AN NRW Programmteil II", code="komm-an-ii")
    block = BuildingBlock.objects.create(programme=programme, code="D", name="Qualifizierung")
    course = make_course(
        district_with_address,
        title="Deutsch unterrichten im Ehrenamt",
        topic="Sprachvermittlung für Ehrenamtliche",
        sessions=2,
        teaching_units=Decimal("4.5"),
        funding_programme=programme,
        building_block=block,
        trainers=[trainer],
    )
    person = make_volunteer(district_with_address, municipality=unna, full_name="Şengül Yıldız-Nguyễn")
    (registration,) = register(course, [person])
    sessions = sessions_in_past(course)
    CourseSession.objects.filter(pk=sessions[0].pk).update(topics="Grammatik spielerisch erklären")
    for session in sessions:
        record(trainer, session, {registration: True})
    services.complete_course(by=trainer, course=course)
    registration.refresh_from_db()
    return registration


@pytest.fixture
def listed_course(district, trainer, unna, luenen):
    course = make_course(district, title="Begleitung zu Behörden", sessions=3, trainers=[trainer])
    people = [
        make_volunteer(district, municipality=unna, full_name="Nguyễn Thị Lan", email="lan@example.org"),
        make_volunteer(district, municipality=luenen, full_name=INJECTION, email="evil@example.org"),
    ]
    registrations = register(course, people)
    session = sessions_in_past(course)[0]
    record(trainer, session, {registrations[0]: True, registrations[1]: False})
    return course


@pytest.fixture
def rich_volunteer(volunteer, district, unna, trainer):
    """The volunteer fixture with every kind of data filled in."""
    profile = volunteer.volunteer
    profile.municipality = unna
    profile.phone = "+49 2303 123456"
    profile.availability = "dienstags nachmittags"
    profile.came_as_newcomer = True
    profile.newcomer_consent_at = timezone.now()
    profile.newcomer_consent_version = NEWCOMER_CONSENT_VERSION
    profile.inactivity_warning_sent_at = timezone.now()
    profile.save()
    record_profile_consents(profile, source=ConsentRecord.Source.PROFILE)
    profile.interests.add(FieldOfAction.objects.create(district=district, name="Wohnen", slug="wohnen"))
    VolunteerLanguage.objects.create(volunteer=profile, language=language("ar", "Arabisch"), level="native")
    qualification = Qualification.objects.create(district=district, name="Grundqualifizierung", slug="grund")
    past = make_course(
        district, title="Interkulturelle Kompetenz", starts_in=timedelta(days=-20), trainers=[trainer]
    )
    attended = Registration.objects.create(
        course=past,
        volunteer=profile,
        status=R.ATTENDED,
        certificate_code="A1B2C3D4E5",
        counts_as_newcomer=True,
    )
    for session in past.sessions.all():
        Attendance.objects.create(registration=attended, session=session, present=True, recorded_by=trainer)
    VolunteerQualification.objects.create(volunteer=profile, qualification=qualification, course=past)
    full = make_course(district, title="Flucht und Trauma", capacity=1)
    other = make_volunteer(district, email="platz@example.org", full_name="Jürgen Böhm")
    services.register_for_course(volunteer=other, course=full)
    services.register_for_course(volunteer=profile, course=full)
    return volunteer
