"""An event's fields of action, target groups and languages on its page and in the feeds come from the
district's cached reference lists (``public_reference.attach_lists``): every change shows at once,
and the number of queries does not grow with the lists."""

from __future__ import annotations

import icalendar
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.models import Event
from municipalities.management.commands.seed_demo import analyze_own_tables
from municipalities.models import FieldOfAction, Language, TargetGroup
from municipalities.tests.factories import DistrictFactory, MunicipalityFactory

from .public_helpers import make_event


def _page(client, event) -> str:
    response = client.get(reverse("events:detail", kwargs={"pk": event.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _categories(client, municipality) -> list[list[str]]:
    response = client.get(reverse("events:feed_municipality", kwargs={"slug": municipality.slug}))
    assert response.status_code == 200
    return [
        [str(c) for c in v["CATEGORIES"].cats]
        for v in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    ]


def _lists(district, n: int, tag: str):
    fields = [
        FieldOfAction.objects.create(district=district, name=f"Feld {tag}{i}", slug=f"f-{tag}{i}")
        for i in range(n)
    ]
    groups = [
        TargetGroup.objects.create(district=district, name=f"Gruppe {tag}{i}", slug=f"g-{tag}{i}")
        for i in range(n)
    ]
    languages = [
        Language.objects.get_or_create(code=f"{tag}{i}", defaults={"name": f"Sprache {tag}{i}"})[0]
        for i in range(n)
    ]
    return fields, groups, languages


def test_renamed_field_group_and_language_show_on_the_page_and_in_the_feed(
    client, ki_staff, unna, district, django_capture_on_commit_callbacks
):
    (field,), (group,), (language,) = _lists(district, 1, "a")
    event = make_event(
        by=ki_staff, municipality=unna, fields_of_action=[field], target_groups=[group], languages=[language]
    )
    assert "Feld a0" in _page(client, event) and _categories(client, unna)[0] == [
        "Unna",
        "Feld a0",
        "Gruppe a0",
    ]

    field.name, group.name, language.name = "Sprache & Beruf", "Geflüchtete", "Dari"
    with django_capture_on_commit_callbacks(execute=True):  # the versions are bumped after the commit
        field.save(), group.save(), language.save()

    html = _page(client, event)
    assert (
        "Sprache &amp; Beruf" in html and "Geflüchtete" in html and "Dari" in html and "Feld a0" not in html
    )
    assert _categories(client, unna)[0] == ["Unna", "Sprache & Beruf", "Geflüchtete"]


def test_an_event_s_changed_lists_show_at_once(
    client, ki_staff, unna, district, django_capture_on_commit_callbacks
):
    fields, groups, languages = _lists(district, 2, "b")
    event = make_event(
        by=ki_staff, municipality=unna, fields_of_action=[fields[0]], target_groups=[groups[0]]
    )
    assert "Feld b1" not in _page(client, event)
    _categories(client, unna)

    event = Event.objects.get(pk=event.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_event(
            by=ki_staff, event=event, fields_of_action=fields, target_groups=[groups[1]], languages=languages
        )

    html = _page(client, event)
    assert (
        "Feld b0, Feld b1" in html
        and "Gruppe b1" in html
        and "Gruppe b0" not in html
        and "Sprache b1" in html
    )
    assert _categories(client, unna)[0] == ["Unna", "Feld b0", "Feld b1", "Gruppe b1"]


def test_a_field_of_another_district_is_still_shown(client, ki_staff, unna, district):
    (own,), _, _ = _lists(district, 1, "c")
    foreign = FieldOfAction.objects.create(district=DistrictFactory(), name="Fremdes Feld", slug="fremd")
    event = make_event(by=ki_staff, municipality=unna, fields_of_action=[own])
    event.fields_of_action.add(foreign)  # not through the form, which offers only the district's

    assert "Feld c0, Fremdes Feld" in _page(client, event)


def test_event_page_and_feed_take_the_same_queries_whatever_the_lists(
    client, ki_staff, district, django_capture_on_commit_callbacks
):
    def measure(municipality, n: int, tag: str) -> tuple[int, int]:
        with django_capture_on_commit_callbacks(execute=True):
            fields, groups, languages = _lists(district, n, tag)
        event = None
        for _ in range(n):
            event = make_event(by=ki_staff, municipality=municipality, fields_of_action=fields, target_groups=groups,
                               languages=languages)  # fmt: skip
        _page(client, make_event(by=ki_staff, municipality=municipality))  # the reference lists cached
        with CaptureQueriesContext(connection) as page:
            _page(client, event)
        with CaptureQueriesContext(connection) as feed:
            _categories(client, municipality)
        return len(page), len(feed)

    small = measure(MunicipalityFactory(district=district, slug="klein"), 1, "s")
    large = measure(MunicipalityFactory(district=district, slug="gross"), 4, "l")

    # page: event with its lists' ids, translations, upcoming dates; feed: municipality, events with
    # their lists' ids and occurrence bounds, translations
    assert small == large == (3, 3)


def test_statistics_after_a_bulk_load_include_the_many_to_many_tables(ki_staff, unna, district):
    """``seed_demo --scale`` analyses its tables; without the through tables' statistics the planner
    read every field of action of all districts to find one event's (what grew at BENCH_SCALE=400)."""
    (field,), _, _ = _lists(district, 1, "d")
    make_event(by=ki_staff, municipality=unna, fields_of_action=[field])

    analyze_own_tables()

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'events_event_fields_of_action'")
        assert cursor.fetchone()[0] > 0
