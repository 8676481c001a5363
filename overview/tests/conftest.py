"""A small, hand-made year of the Kreis Unna where every number of the overview is known.

Municipalities (official population, year):  Bönen 20,000 (2022), Lünen 86,000 (2023),
Unna 58,000 (2023). Fields of action: sprache, arbeit, kultur, wohnen (nothing anywhere).
Target groups: gefluechtete, frauen, senioren (nothing anywhere).

=====  ======  ===========================================  ======== ==========  ==== ===========
event  town    dates                                         status   fields      TN   groups
=====  ======  ===========================================  ======== ==========  ==== ===========
E1     Unna    weekly Tue 07.01.2025, 10 dates (Jan–Mar)     approved sprache     120  geflüchtete,
                                                                                       frauen
E2     Unna    14.03.2025                                    approved arbeit      15   geflüchtete
E3     Unna    20.09.2025 (submitted 15.10.2025)             approved kultur,     –    frauen
                                                                      sprache
E4     Unna    10.05.2025                                    cancelled kultur     –
E5     Unna    01.06.2025                                    draft    kultur      –
E6     Unna    monthly 05.11.2024, 4 dates (2 in 2024,       approved arbeit      40
               2 in 2025)
L1     Lünen   02.04.2025                                    approved sprache     25   frauen
L2     Lünen   03.04.2025                                    submitted sprache    –
P1     Unna    05.05.2024                                    approved sprache     30
P2     Lünen   06.06.2024                                    approved kultur      10
P3     Lünen   07.07.2024                                    approved kultur      –
=====  ======  ===========================================  ======== ==========  ==== ===========

=======  ======  ==================================  =================  ============  ===========
measure  town    status, dates                        fields             groups        counts in
=======  ======  ==================================  =================  ============  ===========
M1       Unna    running, no dates                    sprache            geflüchtete   2024, 2025
M2       Unna    ended, 01.01.2023–30.06.2024         arbeit                           2024
M3       Lünen   running from 01.02.2025 (entered     sprache, kultur    frauen        2025
                 02.11.2025)
M4       Lünen   planned from 01.03.2026              arbeit                           –
=======  ======  ==================================  =================  ============  ===========

KOMM-AN 2025: course C1 (KOMM-AN II, 2 sessions, 6 UE, qualification) with Şengül* (2/2, Unna),
Olga (1/2, Unna), Ahmad° (1/2, Lünen); course C2 (Ehrenamt stärken, 1 session, 3 UE) with Olga
(1/1). Lan* (Bönen) has a profile but no course. ``*`` newcomer with consent, ``°`` without.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from events.models import Event
from events.tests.factories import make_event
from kreisintegration.tests.shared_data import built_once
from municipalities.models import FieldOfAction, FundingProgramme, Measure, TargetGroup
from municipalities.tests.factories import MunicipalityFactory
from overview import services as overview_services
from volunteers import services as volunteer_services
from volunteers.models import Course, CourseSession, Volunteer, VolunteerQualification
from volunteers.tests.factories import make_course, make_volunteer

from .report_fixtures import FakeAggregation, install_charts_if_missing, make_reference_data, sample_figures
from .report_worker_support import control_dir, start_worker  # noqa: F401 - fixtures of the worker tests

BERLIN = ZoneInfo("Europe/Berlin")
S = Event.Status


def at(year, month, day, hour=18) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BERLIN)


class Year2025:
    def __init__(self, *, district, unna, luenen, ki_staff):
        self.district, self.unna, self.luenen, self.staff = district, unna, luenen, ki_staff
        self.boenen = MunicipalityFactory(
            district=district,
            name="Bönen",
            slug="boenen",
            ags="05978008",
            population=20_000,
            population_year=2022,
            population_source="IT.NRW, Stand 31.12.2022",
        )
        fields = {}
        for position, (slug, name) in enumerate(
            [
                ("sprache", "Sprache & Bildung"),
                ("arbeit", "Ausbildung & Arbeit"),
                ("kultur", "Kultur"),
                ("wohnen", "Wohnen"),
            ]
        ):
            fields[slug] = FieldOfAction.objects.create(
                district=district, slug=slug, name=name, position=position
            )
        groups = {}
        for position, (slug, name) in enumerate(
            [("gefluechtete", "Geflüchtete"), ("frauen", "Frauen"), ("senioren", "Senior*innen")]
        ):
            groups[slug] = TargetGroup.objects.create(
                district=district, slug=slug, name=name, position=position
            )
        self.fields, self.groups = fields, groups
        f, g = fields, groups

        def event(town, title, start, *, status=S.APPROVED, fields_=(), groups_=(), **kw):
            return make_event(
                by=ki_staff,
                municipality=town,
                title=title,
                start=start,
                fields_of_action=[f[s] for s in fields_],
                target_groups=[g[s] for s in groups_],
                status=status,
                **kw,
            )

        self.e1 = event(
            unna, "Sprachcafé am Dienstag", at(2025, 1, 7), fields_=["sprache"],
            groups_=["gefluechtete", "frauen"], frequency="weekly", repeat_count=10, actual_participants=120,
        )  # fmt: skip
        self.e2 = event(
            unna, "Bewerbungstraining", at(2025, 3, 14), fields_=["arbeit"], groups_=["gefluechtete"],
            actual_participants=15,
        )  # fmt: skip
        self.e3 = event(
            unna, "Interkulturelles Fest", at(2025, 9, 20), fields_=["kultur", "sprache"], groups_=["frauen"]
        )
        Event.objects.filter(pk=self.e3.pk).update(submitted_at=at(2025, 10, 15, 10))
        self.e4 = event(unna, "Abgesagtes Konzert", at(2025, 5, 10), status=S.CANCELLED, fields_=["kultur"])
        self.e5 = event(unna, "Lesung (Entwurf)", at(2025, 6, 1), status=S.DRAFT, fields_=["kultur"])
        self.e6 = event(
            unna, "Jobbörse monatlich", at(2024, 11, 5), fields_=["arbeit"], frequency="monthly",
            repeat_count=4, actual_participants=40,
        )  # fmt: skip
        self.l1 = event(
            luenen, "Frauenfrühstück", at(2025, 4, 2, 9), fields_=["sprache"], groups_=["frauen"],
            actual_participants=25,
        )  # fmt: skip
        self.l2 = event(
            luenen, "Eingereichtes Treffen", at(2025, 4, 3), status=S.SUBMITTED, fields_=["sprache"]
        )
        self.p1 = event(
            unna, "Sprachkurs-Info 2024", at(2024, 5, 5), fields_=["sprache"], actual_participants=30
        )
        self.p2 = event(luenen, "Musikabend 2024", at(2024, 6, 6), fields_=["kultur"], actual_participants=10)
        self.p3 = event(luenen, "Tanzabend 2024", at(2024, 7, 7), fields_=["kultur"])

        def measure(town, title, status, *, fields_=(), groups_=(), **kw):
            item = Measure.objects.create(municipality=town, title=title, status=status, provider="AWO", **kw)
            item.fields_of_action.set([f[s] for s in fields_])
            item.target_groups.set([g[s] for s in groups_])
            return item

        MS = Measure.Status
        self.m1 = measure(
            unna, "Sprachpatenschaften", MS.RUNNING, fields_=["sprache"], groups_=["gefluechtete"]
        )
        self.m2 = measure(
            unna,
            "Jobcoaching",
            MS.ENDED,
            fields_=["arbeit"],
            starts_on=date(2023, 1, 1),
            ends_on=date(2024, 6, 30),
        )
        self.m3 = measure(
            luenen, "Stadtteilmütter", MS.RUNNING, fields_=["sprache", "kultur"], groups_=["frauen"],
            starts_on=date(2025, 2, 1),
        )  # fmt: skip
        Measure.objects.filter(pk=self.m3.pk).update(created_at=at(2025, 11, 2, 10))
        self.m4 = measure(luenen, "Lotsenprojekt", MS.PLANNED, fields_=["arbeit"], starts_on=date(2026, 3, 1))
        self._komm_an()

    def _komm_an(self):
        district, staff = self.district, self.staff
        komm_an = FundingProgramme.objects.create(name="KOMM-AN NRW Programmteil II", code="komm-an-ii")
        other = FundingProgramme.objects.create(name="Ehrenamt stärken", code="ehrenamt")
        from volunteers.models import Qualification

        basic = Qualification.objects.create(district=district, name="Grundqualifizierung", slug="grund")
        sengul = make_volunteer(
            district, municipality=self.unna, full_name="Şengül Yıldız", came_as_newcomer=True
        )
        olga = make_volunteer(district, municipality=self.unna, full_name="Ольга Петрова")
        ahmad = make_volunteer(
            district,
            municipality=self.luenen,
            full_name="Ahmad Al-Hassan",
            came_as_newcomer=True,
            consent=False,
        )
        make_volunteer(district, municipality=self.boenen, full_name="Nguyễn Thị Lan", came_as_newcomer=True)
        c1 = make_course(
            district, title="C1 Asylrecht", sessions=2, teaching_units=Decimal(6), funding_programme=komm_an,
            qualification=basic, trainers=[staff],
        )  # fmt: skip
        c2 = make_course(
            district, title="C2 Konflikte", sessions=1, teaching_units=Decimal(3), funding_programme=other,
            trainers=[staff],
        )  # fmt: skip
        r_sengul, r_olga, r_ahmad = (
            volunteer_services.register_for_course(volunteer=v, course=c1) for v in (sengul, olga, ahmad)
        )
        r_olga2 = volunteer_services.register_for_course(volunteer=olga, course=c2)
        sessions = self._place(c1, [at(2025, 3, 4), at(2025, 3, 11)])
        for number, session in enumerate(sessions):
            for registration, present in ((r_sengul, True), (r_olga, number == 0), (r_ahmad, number == 0)):
                volunteer_services.record_attendance(
                    by=staff, session=session, registration=registration, present=present
                )
        (session,) = self._place(c2, [at(2025, 5, 6)])
        volunteer_services.record_attendance(by=staff, session=session, registration=r_olga2, present=True)
        volunteer_services.complete_course(by=staff, course=c1)
        volunteer_services.complete_course(by=staff, course=c2)
        Volunteer.objects.filter(district=district).update(created_at=at(2025, 1, 2))
        VolunteerQualification.objects.update(granted_at=at(2025, 3, 12))
        assert Course.objects.filter(status=Course.Status.COMPLETED).count() == 2

    @staticmethod
    def _place(course, starts):
        sessions = list(CourseSession.objects.filter(course=course).order_by("start"))
        for session, start in zip(sessions, starts, strict=True):
            session.start, session.end = start, start + timedelta(hours=3)
            session.save(update_fields=["start", "end"])
        return sessions


@pytest.fixture
def year2025(district, unna, luenen, ki_staff):
    return Year2025(district=district, unna=unna, luenen=luenen, ki_staff=ki_staff)


def build_year2025() -> dict:
    """The year with a district of its own, for a module that builds it once (``built_once``)."""
    from conftest import make_ki_staff, make_luenen, make_unna
    from municipalities.tests.factories import DistrictFactory

    district = DistrictFactory()
    unna, luenen = make_unna(district), make_luenen(district)
    return {"year": Year2025(district=district, unna=unna, luenen=luenen, ki_staff=make_ki_staff(district))}


# For a module that builds the year once (``shared_data.built_once``): one build per asking module.
year2025_once = built_once(build_year2025)


@pytest.fixture
def year2025_built_once(year2025_once, db):
    """The year built once for the module, a deep copy of its objects per test: what a test
    changes in memory stays out of the next test's objects (the savepoint undoes the rows)."""
    return copy.deepcopy(year2025_once["year"])


# --- the report tests' reference data and stand-in figures ----------------------------------


@pytest.fixture
def reference(district, unna, luenen):
    """Fields of action, target groups and texts of the report samples (``report_fixtures``)."""
    return make_reference_data(district)


@pytest.fixture
def aggregation(monkeypatch, district, reference):
    """The report's figures are the hand-written sample instead of the real aggregation."""
    fake = FakeAggregation(sample_figures(district))
    monkeypatch.setattr(overview_services, "compute_report_figures", fake)
    install_charts_if_missing(monkeypatch)
    return fake
