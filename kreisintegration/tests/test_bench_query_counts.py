"""The views of ``make bench`` take a fixed number of queries, whatever the amount of data.

The data come from the same generators as ``seed_demo --scale N`` (smaller sizes), once with
one district and few rows, once with two districts and five times the rows. Both must need
exactly the same number of queries (measured without the public cache, i.e. the worst case),
so a missing ``select_related``/``prefetch_related`` cannot slip in unnoticed.
"""

from __future__ import annotations

import copy

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import user_state
from accounts.audit import record_audit_event
from accounts.models import AuditEvent, User
from concept import scale as concept_scale
from events import scale as event_scale
from events import services as event_services
from events.models import Event
from kreisintegration.tests.shared_data import built_once
from municipalities import scale as municipality_scale
from municipalities.models import District, Measure
from volunteers import scale as volunteer_scale
from volunteers.models import Course

# Uncached queries per request; the comment says where they go.
EXPECTED_QUERIES = {
    "baseline": 1,  # SELECT 1
    # portal district, the district's 4 reference lists (municipalities, fields, groups, languages:
    # filter choices and slug lookups; cached, read again here only because the cache is cleared),
    # occurrences, event translations (a calendar entry shows no fields, groups or languages)
    "calendar_month": 7,
    # portal district, reference lists (4), the first page and one row more (nothing found, so no
    # count of its own and no prefetches)
    "calendar_filtered": 6,
    # event with the ids of its lists, the district's fields, groups and languages (cached; read
    # here only because the cache is cleared), translations, upcoming dates, permission checks
    "event_detail": 8,
    "api_events": 7,  # portal district, count, page of occurrences, 4 prefetches (+ translations)
    # municipality, events with occurrence bounds and the ids of their lists, the district's fields
    # and groups (cached; read here only because the cache is cleared), translations (a VEVENT names
    # no languages)
    "ics_municipality": 5,
    "course_catalogue": 7,  # district, topics, municipalities, languages, count, page, sessions
    # session, user, second-factor device, roles (district roles and memberships in one), count,
    # municipalities, page, target groups, district
    "review_queue": 9,
    # session, user, second-factor device, roles, districts, stored figures, district, filter
    # choices (2)
    "dashboard": 9,
    # session, user, second-factor device, roles, version, goals, targets, measures, official
    # values, the portal's counts (population, offers by events, by measures), district, filter
    # choices (fields of action, municipalities)
    "goals_overview": 15,
    # session, user, roles, municipality, district, task counts, 3 task lists (returned, drafts,
    # upcoming), when the task lists change by themselves (the next event to end), follow-ups,
    # municipalities of the consultations, concept versions, contacts (a contact without a second
    # factor: no device query)
    "my_municipality": 14,
    # session, user, second-factor device, roles, course, audit entry (INSERT), sessions with
    # attendance counts, trainers, registrations, waiting list, offers, district
    "participants": 12,
    # session, user, second-factor device, roles, count, page of entries (access log and model
    # changes in one union), actors, the courses, municipalities and districts named by the
    # entries, filter choices (districts, actors)
    "audit_log": 12,
}


# Sizes of the data: (districts, factor of the rows per district).
SMALL, FIVE_TIMES, TWO_DISTRICTS = (1, 1), (2, 5), (2, 1)


def seed_size(size: tuple[int, int]):
    """The data of one size (districts, factor), built as during a test (Celery eager, the second
    factor required), with the people the build left waiting for a commit (``accounts.user_state``),
    which ``scale_data`` restores for each test."""
    from kreisintegration.celery import app

    scale, factor = size
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # as during a test (conftest's ``_eager_celery``)
    try:
        with (
            override_settings(REQUIRE_TWO_FACTOR=True),  # as during a test (``_require_two_factor``)
            pytest.MonkeyPatch.context() as patch,
        ):
            patch.setattr(event_scale, "EVENTS_PER_DISTRICT", 60 * factor)
            patch.setattr(volunteer_scale, "VOLUNTEERS_PER_DISTRICT", 70 * factor)
            patch.setattr(volunteer_scale, "COURSES_PER_DISTRICT", 8 * factor)
            patch.setattr(concept_scale, "GOALS_PER_DISTRICT", 8 * factor)
            return build_scale_data(scale), set(user_state._pending(DEFAULT_DB_ALIAS))
    finally:
        app.conf.task_always_eager = eager


# Each size built once for the module, each test in its own savepoint (``shared_data.built_once``,
# the size as the fixture's parameter).
scale_seed = built_once(seed_size)


@pytest.fixture
def scale_data(scale_seed, db, mailoutbox):
    """The module's data for one test: the rows as built (the test's savepoint inside the module's
    transaction), fresh copies of the objects, and the people the build left waiting for a commit
    (a test that calls ``user_state.assume_committed`` must not change what the next one sees)."""
    data, pending = scale_seed
    waiting = user_state._pending(DEFAULT_DB_ALIAS)
    waiting.clear()
    waiting.update(pending)
    return copy.deepcopy(data)


def build_scale_data(scale: int) -> dict:
    year = timezone.localdate().year
    for module in (municipality_scale, event_scale, volunteer_scale, concept_scale):
        module.seed_scale(scale=scale, year=year)
    district = District.objects.order_by("pk").first()
    municipality = district.municipalities.order_by("ags").first()
    course, trainer = volunteer_scale.busiest_trained_course(district)
    # Entries for the audit log page: every trainer's look at each of the district's courses.
    for each in Course.objects.filter(district=district).prefetch_related("trainers"):
        for person in each.trainers.all():
            record_audit_event(
                actor=person,
                action=AuditEvent.Action.VIEWED_PARTICIPANT_LIST,
                target=each,
                district_id=district.pk,
                description=each.title,
            )
    return {
        "district": district,
        "staff": User.objects.get(email=municipality_scale.scale_staff_email(district)),
        "municipality": district.municipalities.order_by("ags").first(),
        "event": Event.objects.filter(municipality__district=district, status=Event.Status.APPROVED)
        .order_by("pk")
        .first(),
        "year": year,
        "events": Event.objects.filter(municipality__district=district).count(),
        "concept_version": concept_scale.scale_version_of(district),
        "contact": municipality_scale.ensure_scale_contact(municipality),
        "trainer": trainer,
        "course": course,
    }


def _urls(data) -> dict[str, tuple[str, str | None]]:
    """URL and who is logged in (a key of ``data``, or nobody)."""
    month = f"{data['year']}-09-01"
    return {
        "baseline": (reverse("healthz"), None),
        "calendar_month": (reverse("events:calendar") + f"?view=month&start={month}", None),
        "calendar_filtered": (
            reverse("events:calendar")
            + f"?municipality={data['municipality'].slug}&field_of_action=sprache-bildung&q=Sprachcaf%C3%A9"
            f"&start={month}&end={data['year']}-09-30",
            None,
        ),
        "event_detail": (reverse("events:detail", kwargs={"pk": data["event"].pk}), None),
        "api_events": (reverse("events:api_events") + f"?start={month}&end={data['year']}-09-30", None),
        "ics_municipality": (
            reverse("events:feed_municipality", kwargs={"slug": data["municipality"].slug}),
            None,
        ),
        "course_catalogue": (reverse("volunteers:catalogue"), None),
        "review_queue": (reverse("events:review_queue"), "staff"),
        "dashboard": (reverse("overview:dashboard"), "staff"),
        "goals_overview": (
            reverse("concept:goal_overview", kwargs={"pk": data["concept_version"].pk}),
            "staff",
        ),
        "my_municipality": (
            reverse("municipalities:home", kwargs={"slug": data["municipality"].slug}),
            "contact",
        ),
        "participants": (reverse("volunteers:participants", kwargs={"pk": data["course"].pk}), "trainer"),
        "audit_log": (reverse("municipalities:audit_log"), "staff"),
    }


@pytest.mark.parametrize("scale_seed", [SMALL, FIVE_TIMES], indirect=True, ids=["small", "five-times"])
@pytest.mark.parametrize("scenario", list(EXPECTED_QUERIES))
def test_benchmarked_view_takes_a_fixed_number_of_queries(client, scale_data, scenario):
    url, user = _urls(scale_data)[scenario]
    if user:
        client.force_login(scale_data[user])
    assert client.get(url).status_code == 200  # warm: stored dashboard figures, roles
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == EXPECTED_QUERIES[scenario], "\n".join(q["sql"][:160] for q in queries)


@pytest.mark.parametrize("scale_seed", [SMALL], indirect=True, ids=["small"])
def test_public_pages_answer_from_the_cache_until_an_event_changes(
    client, scale_data, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = reverse("events:calendar") + f"?view=month&start={scale_data['year']}-09-01"
    first = client.get(url)
    with django_assert_num_queries(0):
        cached = client.get(url)
    assert cached["X-Public-Cache"] == "hit"
    assert cached.content.count(b"csrfmiddlewaretoken") == first.content.count(b"csrfmiddlewaretoken")
    event = scale_data["event"]
    event.title = "Umbenanntes Sprachcafé"
    # The versions are bumped when the writing transaction commits (public_cache.invalidate).
    with django_capture_on_commit_callbacks(execute=True):
        event.save()
    fresh = client.get(url)
    assert "X-Public-Cache" not in fresh


@pytest.mark.parametrize("scale_seed", [SMALL], indirect=True, ids=["small"])
def test_dashboard_from_the_fragment_cache_shows_the_same_figures(client, scale_data):
    client.force_login(scale_data["staff"])
    url = reverse("overview:dashboard")
    first = client.get(url)
    # Another URL for the same selection: not the cached page, but the cached figures fragment.
    second = client.get(url + f"?year={scale_data['year']}")
    assert "X-Public-Cache" not in second
    assert second.context["figures_html"]  # served from the fragment cache, without drawing again
    for marker in (b'id="matrix-heading"', b'id="chart-heading"', b'id="quality-heading"'):
        assert marker in first.content and marker in second.content
    start = first.content.index(b'id="figures-status"')
    assert second.content[second.content.index(b'id="figures-status"') :] == first.content[start:]


def _reads_stored_figures(queries) -> bool:
    return any("overview_dashboardfigures" in query["sql"] for query in queries)


@pytest.mark.parametrize("scale_seed", [SMALL], indirect=True, ids=["small"])
def test_dashboard_checks_stored_figures_again_only_after_a_change(
    client, scale_data, django_capture_on_commit_callbacks
):
    client.force_login(scale_data["staff"])
    url = reverse("overview:dashboard")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    assert not _reads_stored_figures(warm)

    measure = Measure.objects.filter(municipality__district=scale_data["district"]).order_by("pk").first()
    measure.title = "Neue Sprachlernbegleitung"
    with django_capture_on_commit_callbacks(execute=True):
        measure.save()
    with CaptureQueriesContext(connection) as after_change:
        assert client.get(url).status_code == 200
    assert _reads_stored_figures(after_change)


@pytest.mark.parametrize("scale_seed", [TWO_DISTRICTS], indirect=True, ids=["two-districts"])
def test_cached_dashboard_page_is_per_person_and_fresh_after_a_change(
    client, scale_data, django_capture_on_commit_callbacks
):
    url = reverse("overview:dashboard")
    client.force_login(scale_data["staff"])
    first = client.get(url)
    again = client.get(url)
    assert again["X-Public-Cache"] == "hit"
    assert again.content.count(b"csrfmiddlewaretoken") == first.content.count(b"csrfmiddlewaretoken")
    assert b"__public-cache-csrf-token__" not in again.content
    own_district = scale_data["district"].name.encode()
    assert own_district in again.content

    # KI staff of the other district get their own page, never the cached one of the first.
    other = District.objects.exclude(pk=scale_data["district"].pk).get()
    client.force_login(User.objects.get(email=municipality_scale.scale_staff_email(other)))
    theirs = client.get(url)
    assert "X-Public-Cache" not in theirs
    assert other.name.encode() in theirs.content
    assert b"<h1>" in theirs.content and theirs.content != again.content

    # A change of the figures' data makes the next request render afresh.
    client.force_login(scale_data["staff"])
    measure = Measure.objects.filter(municipality__district=scale_data["district"]).order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        measure.save()
    assert "X-Public-Cache" not in client.get(url)


@pytest.mark.parametrize("scale_seed", [SMALL], indirect=True, ids=["small"])
def test_cached_review_queue_is_fresh_after_a_decision(
    client, scale_data, django_capture_on_commit_callbacks
):
    staff = scale_data["staff"]
    client.force_login(staff)
    url = reverse("events:review_queue")
    submitted = Event.objects.filter(
        municipality__district=scale_data["district"], status=Event.Status.SUBMITTED
    ).order_by("pk")
    event = submitted.first()
    link = reverse("events:review", kwargs={"pk": event.pk}).encode()
    assert link in client.get(url).content
    again = client.get(url)
    assert again["X-Public-Cache"] == "hit" and link in again.content

    with django_capture_on_commit_callbacks(execute=True):
        event_services.decide_event(by=staff, event=event, decision="approve")
    fresh = client.get(url)
    assert "X-Public-Cache" not in fresh
    assert link not in fresh.content


# A repeated request of a verified staff member: the session, the user row, the second-factor
# device and the roles come from the shared cache (accounts.user_state), the page too (for „Meine
# Kommune“ and the participant list without loading the municipality or course again). The
# participant list writes its audit entry on every look: one INSERT.
CACHED_STAFF_QUERIES = {
    "goals_overview": 0,
    "dashboard": 0,
    "review_queue": 0,
    "my_municipality": 0,
    "participants": 1,
    "audit_log": 0,
}


@pytest.mark.parametrize("scale_seed", [SMALL, FIVE_TIMES], indirect=True, ids=["small", "five-times"])
@pytest.mark.parametrize("scenario", list(CACHED_STAFF_QUERIES))
def test_repeated_staff_request_takes_no_query(client, scale_data, scenario):
    url, user = _urls(scale_data)[scenario]
    client.force_login(scale_data[user])
    user_state.assume_committed()  # the test's data count as committed (its transaction never commits)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == CACHED_STAFF_QUERIES[scenario], "\n".join(q["sql"][:160] for q in queries)
    if scenario == "participants":
        assert queries[0]["sql"].startswith('INSERT INTO "accounts_auditevent"')


# One registration POST of the ``register_burst`` scenario (the person's first request: nothing of
# theirs cached): session, user, roles (no second-factor device here), volunteer, course; in the
# transaction the expected outcome, sessions (mail and .ics), the course's row lock together with
# the seat state (two statements, one round trip), the registration, its audit entry, the outbox
# mail (one INSERT … ON CONFLICT). A savepoint instead of BEGIN/COMMIT here (the test's
# transaction never commits). It was 26, then 14 (the lock and the seat state were two queries).
REGISTER_QUERIES = {"registered": 13, "waitlisted": 13}


@pytest.mark.parametrize("scale_seed", [SMALL, FIVE_TIMES], indirect=True, ids=["small", "five-times"])
def test_registration_post_takes_a_fixed_number_of_queries(client, scale_data):
    from django.contrib.contenttypes.models import ContentType

    from volunteers.models import Registration, Volunteer
    from volunteers.tests.factories import make_course

    ContentType.objects.get_for_model(Registration)  # the audit entry's type, cached per process
    course = make_course(scale_data["district"], capacity=1, sessions=4, title="Lasttest")
    people = Volunteer.objects.filter(
        district=scale_data["district"], anonymised_at__isnull=True, user__is_active=True
    ).select_related("user")[:2]
    url = reverse("volunteers:register", kwargs={"pk": course.pk})
    for volunteer, outcome in zip(people, REGISTER_QUERIES, strict=True):
        client.force_login(volunteer.user)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url).status_code == 302
        assert course.registrations.get(volunteer=volunteer).status == outcome
        assert len(queries) == REGISTER_QUERIES[outcome], "\n".join(q["sql"][:160] for q in queries)
    assert course.registrations.filter(status=Registration.Status.WAITLISTED).get().waitlist_position == 1
