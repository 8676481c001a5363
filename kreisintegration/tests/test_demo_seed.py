"""`seed_demo` run twice on an empty database, once for the module (it takes a while): every
app's part of the demo is created once and is plausible, the second run changes nothing and nobody
is mailed. Each test reads the result in its own savepoint (``shared_data.built_once``); what is
checked after the second run is what the first made, as each app's state comparison shows."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from concept.models import (
    CommentAnswer,
    ConceptVersion,
    ConsultationComment,
    Goal,
    Indicator,
    IndicatorValue,
    MunicipalityPosition,
)
from engagement.models import AnnualBudget, Application, Organisation, Receipt
from events.models import Event, EventChange, EventOccurrence
from kreisintegration.tests.shared_data import built_once
from municipalities.holidays import is_public_holiday
from municipalities.models import (
    District,
    DistrictRole,
    FieldOfAction,
    FundingProgramme,
    Measure,
    Membership,
    Municipality,
    TargetGroup,
)
from volunteers.models import Course, CourseSession, Registration, Volunteer, VolunteerQualification


def municipalities_state():
    return {
        "districts": list(District.objects.values()),
        "municipalities": list(Municipality.objects.order_by("ags").values()),
        "fields": list(FieldOfAction.objects.order_by("slug").values()),
        "groups": list(TargetGroup.objects.order_by("slug").values()),
        "users": list(User.objects.order_by("email").values("email", "full_name", "password", "is_staff")),
        "roles": list(DistrictRole.objects.order_by("pk").values("user__email", "role")),
        "memberships": list(Membership.objects.order_by("pk").values("user__email", "municipality__slug")),
    }


def events_state():
    return (
        list(Event.objects.order_by("pk").values_list("pk", "title", "status", "start")),
        EventOccurrence.objects.count(),
        EventChange.objects.count(),
        list(Measure.objects.order_by("pk").values_list("pk", "title")),
    )


def volunteers_state():
    return (
        list(Course.objects.order_by("pk").values_list("pk", "title", "status", "capacity")),
        list(Registration.objects.order_by("pk").values_list("pk", "status", "waitlist_position")),
        Volunteer.objects.count(),
        VolunteerQualification.objects.count(),
        CourseSession.objects.count(),
    )


def engagement_state():
    return (
        list(
            Application.objects.order_by("pk").values_list(
                "pk", "status", "requested_amount", "approved_amount"
            )
        ),
        list(Organisation.objects.order_by("pk").values_list("pk", "status")),
        AnnualBudget.objects.count(),
        Receipt.objects.count(),
    )


def concept_state():
    return (
        list(ConceptVersion.objects.values_list("pk", "status")),
        list(Goal.objects.order_by("pk").values_list("pk", "title")),
        IndicatorValue.objects.count(),
        list(MunicipalityPosition.objects.order_by("pk").values_list("municipality__slug", "position")),
        ConsultationComment.objects.count(),
        CommentAnswer.objects.count(),
    )


STATES = {
    "municipalities": municipalities_state,
    "events": events_state,
    "volunteers": volunteers_state,
    "engagement": engagement_state,
    "concept": concept_state,
}


def seed_twice() -> dict:
    runs = []
    with override_settings(DEBUG=True):  # demo accounts, and with them the events and courses
        for _ in range(2):
            mail.outbox = []
            out = StringIO()
            call_command("seed_demo", stdout=out)
            state = {app: read() for app, read in STATES.items()}
            runs.append({"output": out.getvalue(), "state": state, "mails": list(mail.outbox)})
    return {"runs": runs}


seeded_once = built_once(seed_twice)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


@pytest.mark.parametrize("app", list(STATES))
def test_the_second_run_changes_nothing_and_no_run_mails_anybody(seeded, app):
    first, second = seeded["runs"]
    assert second["state"][app] == first["state"][app]
    assert first["mails"] == second["mails"] == []  # seeding walks the real workflow but mails nobody


def test_kreis_unna_with_its_municipalities_fields_and_demo_logins(seeded):
    first = seeded["runs"][0]["state"]["municipalities"]
    out_text = seeded["runs"][0]["output"]

    assert Municipality.objects.count() == 10
    assert Municipality.objects.get(ags="05978024").name == "Lünen"
    assert Municipality.objects.get(slug="unna").population == 58000
    assert FieldOfAction.objects.filter(name="Sprache & Bildung").exists()
    assert FieldOfAction.objects.count() == 12
    assert TargetGroup.objects.count() == 9
    emails = {user["email"] for user in first["users"]}
    assert emails >= {
        "ki@example.org",
        "kontakt-unna@example.org",
        "kontakt-luenen@example.org",
        "trainer@example.org",
        "ehrenamt@example.org",
    }
    assert User.objects.get(email="ki@example.org").check_password("demo-pass-2026")
    assert Membership.objects.get(user__email="kontakt-luenen@example.org").municipality.slug == "luenen"
    assert "ki@example.org" in out_text


def test_every_demo_login_it_creates_is_printed(seeded):
    """Whoever can log in with the demo password is in the printed list, the initiative too."""
    out_text = seeded["runs"][0]["output"]
    printed = out_text.split("Demo-Anmeldungen", 1)[1]
    demo_logins = [user.email for user in User.objects.all() if user.check_password("demo-pass-2026")]
    assert "initiative@example.org" in demo_logins
    assert [email for email in demo_logins if email not in printed] == []


def test_two_years_of_events_in_every_state(seeded):

    assert Event.objects.values("municipality").distinct().count() == 10
    statuses = set(Event.objects.values_list("status", flat=True))
    assert {"approved", "submitted", "draft", "returned", "cancelled"} <= statuses
    assert Event.objects.exclude(frequency="").exists()
    from django.utils import timezone

    multi_day = Event.objects.get(title="Interkulturelle Woche Unna", start__year=timezone.localdate().year)
    assert (multi_day.end - multi_day.start).days >= 6
    assert Measure.objects.filter(municipality__slug="unna").count() == 3


def test_courses_with_a_waiting_list_a_certificate_and_volunteers(seeded):

    assert Course.objects.count() == 12
    full = Course.objects.get(title="Interkulturelle Kompetenz im Ehrenamt")
    assert full.registrations.filter(status=Registration.Status.REGISTERED).count() == full.capacity
    assert full.registrations.filter(status=Registration.Status.WAITLISTED).exists()
    completed = Course.objects.get(status=Course.Status.COMPLETED)
    assert (
        completed.registrations.filter(status=Registration.Status.ATTENDED)
        .exclude(certificate_code="")
        .exists()
    )
    assert VolunteerQualification.objects.exists()
    assert Volunteer.objects.filter(user__full_name="Ольга Иванова").exists()


def test_a_confirmed_initiative_with_one_application_per_state(seeded):

    confirmed = Organisation.objects.get(status=Organisation.Status.CONFIRMED)
    assert confirmed.members.get().user.email == "initiative@example.org"
    assert Organisation.objects.filter(status=Organisation.Status.PENDING).exists()
    assert set(confirmed.applications.values_list("status", flat=True)) == set(Application.Status.values)
    approved = confirmed.applications.get(status=Application.Status.APPROVED)
    assert approved.contract.iban and approved.payment_requests.get().paid_on
    assert approved.proof.status == "submitted"
    assert sorted(approved.proof.receipts.values_list("amount", flat=True)) == [
        Decimal("150.00"),
        Decimal("250.00"),
    ]
    for application in confirmed.applications.all():
        assert sum(item.amount for item in application.cost_items.all()) == application.requested_amount
        if application.status not in (Application.Status.DRAFT,):
            assert application.advice_meetings.exists()


def test_a_realistic_concept_for_kreis_unna_in_consultation(seeded):

    version = ConceptVersion.objects.get()
    assert version.status == ConceptVersion.Status.CONSULTATION
    assert list(version.pillars.values_list("title", flat=True)) == [
        "Integration durch Bildung",
        "Integration als Querschnittsaufgabe",
    ]
    assert version.goals.count() >= 12
    assert version.goals.values("field_of_action").distinct().count() >= 8
    assert set(Indicator.objects.values_list("source", flat=True)) == {"official", "portal"}
    kita = Indicator.objects.get(slug="kita-familiensprache")
    assert set(kita.values.values_list("year", flat=True)) == {2021, 2022, 2023, 2024, 2025}
    latest = kita.values.filter(year=2025, municipality__isnull=False)
    assert latest.count() == 10 and len(set(latest.values_list("value", flat=True))) > 5
    assert not IndicatorValue.objects.filter(is_demo=False).exists()
    assert not IndicatorValue.objects.filter(indicator__source="portal").exists()
    # The open consultation has some positions: agreed, with remarks, objection; the rest still open.
    positions = dict(version.positions.values_list("municipality__slug", "position"))
    assert positions == {
        "unna": "agreed",
        "kamen": "agreed",
        "luenen": "agreed_with_remarks",
        "schwerte": "objection",
    }
    assert version.positions.get(municipality__slug="schwerte").reasons.startswith("Der Zielwert")
    assert ConsultationComment.objects.filter(version=version).count() == 3
    assert CommentAnswer.objects.filter(comment__version=version).count() == 2
    assert ConsultationComment.objects.filter(goal__isnull=False, municipality__slug="luenen").exists()


def test_demo_concept_pages_render_with_chart_and_flags(seeded, settings, client):
    settings.DEBUG = True
    version = ConceptVersion.objects.get()
    client.force_login(User.objects.get(email="kontakt-unna@example.org"))
    overview = client.get(reverse("concept:goal_overview", args=[version.pk])).content.decode()
    assert "Zielübersicht: Unna" in overview
    # Beyond the legend (one of each), Unna's values give goals a trend status.
    assert sum(overview.count(f"concept-status-{key}") for key in ("on_track", "at_risk", "off_track")) > 3
    goal = Goal.objects.get(title__startswith="Alle Kinder mit anderer Familiensprache")
    detail = client.get(reverse("concept:goal_detail", args=[goal.pk])).content.decode()
    assert "<svg" in detail and 'role="img"' in detail and "Lünen" not in detail
    client.force_login(User.objects.get(email="ki@example.org"))
    page = client.get(reverse("concept:version_detail", args=[version.pk])).content.decode()
    assert "nicht überprüfbar" in page
    focus = client.get(reverse("concept:municipality_focus", args=[version.pk, "unna"]))
    assert focus.status_code == 200 and "Lücken" in focus.content.decode()


def _approved_per_municipality(year: int) -> dict[str, int]:
    rows = Municipality.objects.annotate(
        offers=Count(
            "events",
            filter=Q(events__status=Event.Status.APPROVED, events__start__year=year),
        )
    ).values_list("slug", "offers")
    return dict(rows)


def check_municipalities_differ_in_size_offers_and_gaps():
    year = timezone.localdate().year
    offers = _approved_per_municipality(year)
    assert len(offers) == 10
    assert len(set(offers.values())) >= 5, offers
    populations = dict(Municipality.objects.values_list("slug", "population"))
    per_10k = {slug: offers[slug] / populations[slug] * 10_000 for slug in offers}
    assert max(per_10k.values()) > 3 * min(per_10k.values()), per_10k
    # the largest town is not the one with the most offers
    assert max(populations, key=populations.get) != max(offers, key=offers.get)
    # gaps: a municipality without any offer in some fields of action, and the fields differ
    fields = FieldOfAction.objects.filter(district__slug="kreis-unna")
    gaps = {}
    for municipality in Municipality.objects.all():
        covered = set(
            fields.filter(
                events__municipality=municipality,
                events__status=Event.Status.APPROVED,
                events__start__year=year,
            ).values_list("slug", flat=True)
        )
        gaps[municipality.slug] = set(fields.values_list("slug", flat=True)) - covered
    assert all(gaps.values()), "every municipality has at least one gap"
    assert len({frozenset(g) for g in gaps.values()}) >= 5


def check_previous_year_has_held_events_and_trends_go_both_ways():
    year = timezone.localdate().year
    previous = Event.objects.filter(start__year=year - 1, status=Event.Status.APPROVED)
    assert previous.count() >= 20
    assert not previous.filter(actual_participants=None).exists()
    assert set(previous.values_list("municipality__slug", flat=True)) == set(
        Municipality.objects.values_list("slug", flat=True)
    )
    now, before = _approved_per_municipality(year), _approved_per_municipality(year - 1)
    assert any(now[slug] > before[slug] for slug in now)
    assert any(now[slug] < before[slug] for slug in now)
    assert any(now[slug] == before[slug] for slug in now)


def check_course_sessions_avoid_sundays_and_public_holidays():
    sessions = CourseSession.objects.all()
    assert sessions.count() >= 20
    for session in sessions:
        day = timezone.localtime(session.start).date()
        assert not is_public_holiday(day) and day.weekday() != 6, (session, day)


def check_teaching_units_match_the_sessions():
    courses = Course.objects.prefetch_related("sessions")
    assert courses.count() >= 10
    for course in courses:
        assert course.teaching_units == course.scheduled_teaching_units(), course.title
        for session in course.sessions.all():
            minutes = (session.end - session.start) / timedelta(minutes=1)
            assert minutes % 45 == 0, (course.title, minutes)


def check_public_pages_do_not_call_the_programme_an_example(client):
    assert not FundingProgramme.objects.filter(name__icontains="Beispiel").exists()
    pages = [reverse("volunteers:catalogue")] + [
        course.get_absolute_url() for course in Course.objects.filter(status=Course.Status.PUBLISHED)[:5]
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert (
            "Beispiel)" not in response.content.decode()
            and "ab 2025, Beispiel" not in response.content.decode()
        )


def test_seed_demo_shows_what_the_product_is_for(seeded, client):
    """Each property in turn (that the second run creates nothing twice: the state comparisons)."""
    check_municipalities_differ_in_size_offers_and_gaps()
    check_previous_year_has_held_events_and_trends_go_both_ways()
    check_course_sessions_avoid_sundays_and_public_holidays()
    check_teaching_units_match_the_sessions()
    check_public_pages_do_not_call_the_programme_an_example(client)
