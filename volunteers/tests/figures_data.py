"""A hand-made year 2025 of courses and volunteers whose evidence figures are known (the figures and PDF tests)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from municipalities.models import BuildingBlock, FundingProgramme
from volunteers import services
from volunteers.models import (
    Course,
    Qualification,
    Registration,
    Volunteer,
    VolunteerQualification,
)
from volunteers.tests.attendance_helpers import place_sessions, record, register
from volunteers.tests.factories import make_course, make_volunteer

BERLIN = ZoneInfo("Europe/Berlin")


R = Registration.Status


def at(year, month, day, hour=18) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BERLIN)


def weekly(first: datetime, count: int) -> list[datetime]:
    return [first + timedelta(days=7 * number) for number in range(count)]


class Year2025:
    """The data set of the module docstring, built through the services."""

    def __init__(self, district, unna, luenen, trainer):
        self.district = district
        self.programme = FundingProgramme.objects.create(
            name="KOMM-AN NRW Programmteil II", code="komm-an-ii", valid_to=datetime(2024, 12, 31).date()
        )
        self.other_programme = FundingProgramme.objects.create(name="Ehrenamt stärken", code="ehrenamt")
        self.block = BuildingBlock.objects.create(programme=self.programme, code="D", name="Qualifizierung")
        self.basic = Qualification.objects.create(
            district=district, name="Grundqualifizierung Ehrenamt", slug="grundqualifizierung"
        )
        self.mediation = Qualification.objects.create(
            district=district, name="Sprachmittlung", slug="sprachmittlung"
        )

        def person(name, town, **kw):
            return make_volunteer(district, municipality=town, full_name=name, **kw)

        self.sengul = person("Şengül Yıldız", unna, came_as_newcomer=True)
        self.ahmad = person("Ahmad Al-Hassan", luenen, came_as_newcomer=True, consent=False)
        self.olga = person("Ольга Петрова", unna)
        self.juergen = person("Jürgen Böhm", luenen)
        self.maryam = person("مريم حداد", None, came_as_newcomer=True)
        self.lan = person("Nguyễn Thị Lan", unna, came_as_newcomer=True)
        self.veteran = person("Thomas Großmann", luenen)
        self.trainer = trainer

        kw = {"trainers": [trainer], "funding_programme": self.programme}
        self.c1 = make_course(
            district,
            title="C1 Asylrecht",
            sessions=4,
            capacity=10,
            teaching_units=Decimal(8),
            building_block=self.block,
            min_attendance_percent=75,
            qualification=self.basic,
            **kw,
        )
        self.c2 = make_course(
            district, title="C2 Trauma", sessions=2, capacity=1, teaching_units=Decimal("4.5"), **kw
        )
        self.c3 = make_course(
            district,
            title="C3 Konflikte",
            sessions=1,
            capacity=5,
            teaching_units=Decimal(3),
            trainers=[trainer],
            funding_programme=self.other_programme,
        )
        self.c4 = make_course(district, title="C4 Behörden", sessions=2, teaching_units=Decimal(6), **kw)
        self.c5 = make_course(district, title="C5 abgesagt", sessions=1, teaching_units=Decimal(3), **kw)
        self.c6 = make_course(
            district,
            title="C6 Entwurf",
            sessions=1,
            teaching_units=Decimal(3),
            status=Course.Status.DRAFT,
            **kw,
        )

        s, a, o, j = register(self.c1, [self.sengul, self.ahmad, self.olga, self.juergen])
        services.cancel_registration(by=self.juergen.user, registration=j)
        c2_sengul, _maryam_waits = register(self.c2, [self.sengul, self.maryam])
        (c3_olga,) = register(self.c3, [self.olga])
        register(self.c4, [self.ahmad])
        register(self.c5, [self.lan])
        Course.objects.filter(pk=self.c5.pk).update(status=Course.Status.CANCELLED)

        c1_sessions = place_sessions(self.c1, weekly(at(2025, 3, 4), 4))
        for number, session in enumerate(c1_sessions):
            record(trainer, session, {s: True, a: number < 3, o: number == 0})
        c2_sessions = place_sessions(self.c2, [at(2025, 9, 10), at(2025, 9, 17)])
        record(trainer, c2_sessions[0], {c2_sengul: True})  # the second session: nothing recorded
        record(trainer, place_sessions(self.c3, [at(2025, 5, 6)])[0], {c3_olga: True})
        place_sessions(self.c4, [at(2024, 11, 5), at(2025, 1, 14)])
        place_sessions(self.c5, [at(2025, 6, 1)])
        place_sessions(self.c6, [at(2025, 7, 1)])
        services.complete_course(by=trainer, course=self.c1)
        services.complete_course(by=trainer, course=self.c3)

        # The calendar of the people: profiles from January 2025, qualifications when earned.
        Volunteer.objects.filter(district=district).update(created_at=at(2025, 1, 2))
        VolunteerQualification.objects.filter(course=self.c1).update(granted_at=at(2025, 3, 26))
        VolunteerQualification.objects.create(volunteer=self.veteran, qualification=self.basic)
        VolunteerQualification.objects.filter(volunteer=self.veteran).update(granted_at=at(2024, 6, 1))
        VolunteerQualification.objects.create(volunteer=self.olga, qualification=self.mediation)
        VolunteerQualification.objects.filter(volunteer=self.olga).update(granted_at=at(2026, 2, 1))
        late = make_volunteer(district, municipality=unna, full_name="Ahmad Rahimi", came_as_newcomer=True)
        Volunteer.objects.filter(pk=late.pk).update(created_at=at(2026, 3, 1))


EVIDENCE_QUERY = {"programme": "komm-an-ii", "year": "2025"}
