"""The public district calendar and an event's public detail page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event
from municipalities.tests.factories import DistrictFactory, MunicipalityFactory

from .public_helpers import FIRST_MONDAY, MARCH, YEAR, at, make_event

S = Event.Status


def calendar(client, **params):
    return client.get(reverse("events:calendar"), params)


def titles(response) -> str:
    return response.content.decode()


# --- list, month, week --------------------------------------------------------


def test_list_view_is_default_and_groups_published_events_by_day(client, ki_staff, unna, luenen):
    make_event(by=ki_staff, municipality=unna, title="Sprachcafé am Markt", start=at(MARCH + timedelta(2)))
    make_event(by=ki_staff, municipality=luenen, title="Frauenfrühstück", start=at(MARCH + timedelta(2), 9))
    make_event(by=ki_staff, municipality=luenen, title="Fahrradkurs", start=at(MARCH + timedelta(5)))

    response = calendar(client, start=MARCH.isoformat(), end=(MARCH + timedelta(30)).isoformat())

    assert response.status_code == 200
    assert response.context["view"] == "list"
    groups = response.context["groups"]
    assert [group.date for group in groups] == [MARCH + timedelta(2), MARCH + timedelta(5)]
    assert [o.event.title for o in groups[0].occurrences] == ["Frauenfrühstück", "Sprachcafé am Markt"]
    html = titles(response)
    assert "Sprachcafé am Markt" in html and "Fahrradkurs" in html


@pytest.mark.parametrize(
    "status", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED], ids=lambda status: str(status)
)
def test_unpublished_events_never_appear_in_calendar(client, ki_staff, contact_unna, unna, status):
    make_event(by=ki_staff, municipality=unna, title="Geheimer Entwurf", status=status)
    make_event(by=ki_staff, municipality=unna, title="Öffentliches Sprachcafé")
    client.force_login(contact_unna)  # even a manager of the municipality sees only public events here

    for view in ("list", "month", "week"):
        response = calendar(client, view=view, start=(MARCH + timedelta(9)).isoformat())
        assert "Öffentliches Sprachcafé" in titles(response)
        assert "Geheimer Entwurf" not in titles(response)


def test_month_view_is_an_accessible_table_with_links_and_month_navigation(client, ki_staff, unna):
    event = make_event(
        by=ki_staff, municipality=unna, title="Begegnungsfest", start=at(date(YEAR, 3, 14), 15)
    )

    response = calendar(client, view="month", start=date(YEAR, 3, 20).isoformat())

    assert response.status_code == 200
    html = titles(response)
    assert "<caption>" in html
    assert 'scope="col"' in html and 'scope="row"' in html
    assert f'href="{event.get_absolute_url()}"' in html
    weeks = response.context["weeks"]
    assert weeks[0][0].date.weekday() == 0 and weeks[-1][-1].date.weekday() == 6
    assert weeks[0][0].date <= date(YEAR, 3, 1) and weeks[-1][-1].date >= date(YEAR, 3, 31)
    [day] = [day for week in weeks for day in week if day.occurrences]
    assert day.date == date(YEAR, 3, 14)
    assert f"start={YEAR}-02-01" in response.context["previous_url"]
    assert f"start={YEAR}-04-01" in response.context["next_url"]
    assert "view=month" in response.context["next_url"]


def test_month_navigation_keeps_the_filters(client, unna):
    response = calendar(client, view="month", start=MARCH.isoformat(), municipality="unna", q="Café")

    assert "municipality=unna" in response.context["next_url"]
    assert "q=Caf%C3%A9" in response.context["next_url"]


def test_multi_day_event_appears_on_every_day_of_month_view(client, ki_staff, unna):
    make_event(
        by=ki_staff,
        municipality=unna,
        title="Interkulturelle Woche",
        start=at(date(YEAR, 3, 10), 0, 0),
        end=at(date(YEAR, 3, 12), 23, 59),
        all_day=True,
    )

    response = calendar(client, view="month", start=MARCH.isoformat())

    days = [day.date for week in response.context["weeks"] for day in week if day.occurrences]
    assert days == [date(YEAR, 3, 10), date(YEAR, 3, 11), date(YEAR, 3, 12)]
    assert "ganztägig" in titles(response)


def test_week_view_shows_monday_to_sunday_of_the_given_day(client, ki_staff, unna):
    wednesday = date(YEAR, 3, 1) + timedelta(days=(2 - date(YEAR, 3, 1).weekday()) % 7)
    make_event(by=ki_staff, municipality=unna, title="Beratung für Geflüchtete", start=at(wednesday, 10))
    make_event(by=ki_staff, municipality=unna, title="Nächste Woche", start=at(wednesday + timedelta(7), 10))

    response = calendar(client, view="week", start=wednesday.isoformat())

    days = response.context["days"]
    assert [day.date.weekday() for day in days] == list(range(7))
    assert days[2].date == wednesday
    assert [o.event.title for o in days[2].occurrences] == ["Beratung für Geflüchtete"]
    assert "Nächste Woche" not in titles(response)
    assert f"start={wednesday - timedelta(days=9)}" in response.context["previous_url"]  # Monday before
    html = titles(response)
    assert "<caption>" in html and 'scope="row"' in html


def test_weekly_series_shows_each_date_in_month_view(client, ki_staff, unna):
    first_tuesday = MARCH + timedelta(days=(1 - MARCH.weekday()) % 7)
    make_event(
        by=ki_staff,
        municipality=unna,
        title="Sprachcafé dienstags",
        start=at(first_tuesday),
        frequency=Event.Frequency.WEEKLY,
        weekdays=[1],
        repeat_count=10,
        excluded_dates=[(first_tuesday + timedelta(7)).isoformat()],
    )

    response = calendar(client, view="month", start=MARCH.isoformat())

    days = [day.date for week in response.context["weeks"] for day in week if day.occurrences]
    expected = [first_tuesday + timedelta(7 * n) for n in range(6) if n != 1]
    assert [d for d in days if d.month == 3] == [d for d in expected if d.month == 3]


def test_cancelled_event_is_shown_with_a_text_badge(client, ki_staff, unna):
    make_event(by=ki_staff, municipality=unna, title="Sommerfest im Park", status=S.CANCELLED)

    for view in ("list", "month", "week"):
        response = calendar(client, view=view, start=(MARCH + timedelta(9)).isoformat())
        html = titles(response)
        assert "Sommerfest im Park" in html
        assert "abgesagt</span>" in html


def test_unknown_view_falls_back_to_list(client, district):
    response = calendar(client, view="<script>")

    assert response.status_code == 200
    assert response.context["view"] == "list"
    assert "&lt;script&gt;" not in titles(response) and "<script>" not in titles(response)


# --- filters ------------------------------------------------------------------


@pytest.fixture
def filter_events(ki_staff, unna, luenen, calendar_terms):
    day = at(MARCH + timedelta(9))
    return {
        "unna_sprache": make_event(
            by=ki_staff, municipality=unna, title="Deutschkurs für Frauen", start=day,
            fields_of_action=[calendar_terms["sprache"]], target_groups=[calendar_terms["frauen"]],
            languages=[calendar_terms["ar"]],
        ),
        "luenen_sport": make_event(
            by=ki_staff, municipality=luenen, title="Fußball für alle", start=day,
            fields_of_action=[calendar_terms["sport"]], target_groups=[calendar_terms["familien"]],
            languages=[calendar_terms["uk"]],
        ),
    }  # fmt: skip


def shown(response) -> set[str]:
    return {o.event.title for group in response.context["groups"] for o in group.occurrences}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Deutschkurs für Frauen", "Fußball für alle"}),
        ({"municipality": "unna"}, {"Deutschkurs für Frauen"}),
        ({"municipality": "05978024"}, {"Fußball für alle"}),  # AGS of Lünen
        ({"field_of_action": "sport"}, {"Fußball für alle"}),
        ({"target_group": "frauen"}, {"Deutschkurs für Frauen"}),
        ({"language": "uk"}, {"Fußball für alle"}),
        ({"municipality": "unna", "language": "uk"}, set()),
    ],
)
def test_calendar_filters(client, filter_events, params, expected):
    response = calendar(client, start=MARCH.isoformat(), **params)

    assert response.status_code == 200
    assert shown(response) == expected


def test_filter_form_keeps_values_and_has_labels(client, filter_events):
    response = calendar(client, municipality="unna", field_of_action="sport", q="Fußball")

    html = titles(response)
    assert '<option value="unna" selected>' in html
    assert '<option value="sport" selected>' in html
    assert 'value="Fußball"' in html
    for field_id in ("filter-q", "filter-municipality", "filter-field", "filter-target", "filter-language"):
        assert f'for="{field_id}"' in html
    assert 'method="get"' in html


def test_date_range_limits_the_list(client, ki_staff, unna):
    make_event(by=ki_staff, municipality=unna, title="Im Zeitraum", start=at(MARCH + timedelta(3)))
    make_event(by=ki_staff, municipality=unna, title="Danach", start=at(MARCH + timedelta(20)))

    response = calendar(client, start=MARCH.isoformat(), end=(MARCH + timedelta(10)).isoformat())

    assert shown(response) == {"Im Zeitraum"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "14.03.2026"}, "Bitte ein Datum im Format JJJJ-MM-TT angeben"),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "Das Ende des Zeitraums liegt vor dem Beginn."),
        ({"start": "2026-01-01", "end": "2027-12-31"}, "höchstens 400 Tage"),
        ({"municipality": "atlantis"}, "Unbekannte Kommune „atlantis“"),
        ({"field_of_action": "gibt-es-nicht"}, "Unbekannter Wert „gibt-es-nicht“"),
        ({"language": "xx"}, "Unbekannter Sprachcode „xx“"),
        ({"q": "x" * 201}, "Der Suchbegriff ist zu lang"),
        ({"view": "month", "start": "2026-13-01"}, "Bitte ein Datum im Format JJJJ-MM-TT angeben"),
    ],
)
def test_bad_filter_shows_german_message_instead_of_an_error(client, district, params, message):
    response = calendar(client, **params)

    assert response.status_code == 400
    html = titles(response)
    assert message in html
    assert 'role="alert"' in html
    assert "Der Filter konnte nicht angewendet werden." in html


def test_municipality_of_another_district_is_unknown(client, unna):
    other = MunicipalityFactory(
        district=DistrictFactory(name="Kreis Soest", ags_prefix="05974"), name="Soest", ags="05974040"
    )

    response = calendar(client, municipality=other.slug)

    assert response.status_code == 400
    assert "Unbekannte Kommune" in titles(response)


def test_calendar_shows_only_the_portal_district(client, ki_staff, unna, settings):
    soest = DistrictFactory(name="Kreis Soest", ags_prefix="05974")
    werl = MunicipalityFactory(district=soest, name="Werl", ags="05974048")
    Event.objects.create(
        municipality=werl, title="Fremder Kreis", start=at(MARCH + timedelta(9)),
        end=at(MARCH + timedelta(9), 20), status=S.APPROVED,
    )  # fmt: skip
    services.regenerate_occurrences(event=Event.objects.get(title="Fremder Kreis"))
    make_event(by=ki_staff, municipality=unna, title="Eigener Kreis")

    response = calendar(client, start=MARCH.isoformat())

    assert shown(response) == {"Eigener Kreis"}


# --- German full-text search --------------------------------------------------


@pytest.fixture
def searchable(ki_staff, unna):
    make_event(
        by=ki_staff, municipality=unna, title="Internationales Sprachcafé",
        description="Wir sprechen Deutsch, Arabisch und Ukrainisch bei Kaffee und Kuchen.",
    )  # fmt: skip
    make_event(by=ki_staff, municipality=unna, title="Beratungsangebote für Frauen")
    make_event(by=ki_staff, municipality=unna, title="Fahrradwerkstatt")


def search(client, q: str) -> set[str]:
    return shown(calendar(client, start=MARCH.isoformat(), q=q))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Sprachcafé", {"Internationales Sprachcafé"}),
        ("sprachcafé", {"Internationales Sprachcafé"}),
        ("Kuchen", {"Internationales Sprachcafé"}),  # description
        ("internationale", {"Internationales Sprachcafé"}),  # German stemming
        ("Beratungsangebot Frau", {"Beratungsangebote für Frauen"}),  # stemming, all words
        ("Fahrrad", {"Fahrradwerkstatt"}),  # part of a word: title contains
        ("Schwimmen", set()),
    ],
)
def test_german_full_text_search(client, searchable, q, expected):
    assert search(client, q) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="German stemming needs PostgreSQL")
def test_plural_search_finds_sprachcafe(client, searchable):
    assert search(client, "Sprachcafés") == {"Internationales Sprachcafé"}


# --- query count --------------------------------------------------------------


# Portal district, filter choices (municipalities, fields, groups, languages), occurrences and
# four prefetches of their lists (fields, groups, languages, translations); the list view also counts its rows for the pages.
@pytest.mark.parametrize(("view", "max_queries"), [("month", 10), ("week", 10), ("list", 11)])
def test_calendar_query_count_does_not_grow_with_events(
    client, ki_staff, unna, luenen, calendar_terms, django_assert_max_num_queries, view, max_queries
):
    def add(n: int, offset: int = 0):
        for i in range(n):
            make_event(
                by=ki_staff, municipality=unna if i % 2 else luenen, title=f"Treffen {offset + i}",
                start=at(FIRST_MONDAY + timedelta(days=(offset + i) % 7), 10 + i % 8),
                fields_of_action=[calendar_terms["sprache"], calendar_terms["sport"]],
                target_groups=[calendar_terms["frauen"]], languages=[calendar_terms["ar"], calendar_terms["uk"]],
                status=S.CANCELLED if i % 5 == 0 else S.APPROVED,
            )  # fmt: skip

    params = {"view": view, "start": FIRST_MONDAY.isoformat()}
    add(3)
    cache.clear()  # measure without the public page cache (and the cached portal district)
    with CaptureQueriesContext(connection) as few:
        assert calendar(client, **params).status_code == 200
    add(27, offset=3)
    cache.clear()
    with django_assert_max_num_queries(max_queries):
        response = calendar(client, **params)
    assert response.context["occurrence_count"] == 30
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        calendar(client, **params)
    assert len(many) == len(few)


# --- detail page ----------------------------------------------------------------


def detail(client, event):
    return client.get(reverse("events:detail", kwargs={"pk": event.pk}))


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED], ids=str)
def test_unpublished_event_detail_is_404_for_anonymous_and_other_municipalities(
    client, contact_unna, contact_luenen, volunteer, trainer, unna, status
):
    event = make_event(by=contact_unna, municipality=unna, status=status)

    assert detail(client, event).status_code == 404
    for user in (contact_luenen, volunteer, trainer):
        client.force_login(user)
        assert detail(client, event).status_code == 404


def test_unpublished_event_detail_is_visible_to_its_managers(client, contact_unna, ki_staff, unna):
    event = make_event(by=contact_unna, municipality=unna, status=S.DRAFT, title="Entwurf Nachbarschaftsfest")

    for user in (contact_unna, ki_staff):
        client.force_login(user)
        response = detail(client, event)
        assert response.status_code == 200
        assert "Entwurf Nachbarschaftsfest" in response.content.decode()
        assert "nicht öffentlich" in response.content.decode()


def test_unknown_event_is_404(client, district):
    assert client.get(reverse("events:detail", kwargs={"pk": 999999})).status_code == 404


@pytest.mark.parametrize("status", [S.APPROVED, S.CANCELLED], ids=str)
def test_detail_shows_public_information(client, ki_staff, unna, calendar_terms, status):
    event = make_event(
        by=ki_staff, municipality=unna, title="Internationales Sprachcafé", status=status,
        location_name="Stadtbibliothek Unna", street="Lindenplatz 1", postcode="59423", town="Unna",
        online_url="https://meet.example.org/sprachcafe", accessibility_notes="Stufenloser Zugang, WC barrierefrei",
        organiser="AWO Unna", public_contact="sprachcafe@awo-unna.example",
        fields_of_action=[calendar_terms["sprache"]], target_groups=[calendar_terms["frauen"]],
        languages=[calendar_terms["ar"]],
    )  # fmt: skip

    response = detail(client, event)

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Stadtbibliothek Unna", "Lindenplatz 1, 59423 Unna", "https://meet.example.org/sprachcafe",
        "Stufenloser Zugang", "AWO Unna", "Sprache &amp; Bildung", "Frauen", "Arabisch",
        'href="mailto:sprachcafe@awo-unna.example"',
    ):  # fmt: skip
        assert text in html
    assert 'href="https://www.openstreetmap.org/search?query=Lindenplatz+1%2C+59423+Unna"' in html
    assert "<iframe" not in html
    assert f'href="{reverse("events:event_ics", kwargs={"pk": event.pk})}"' in html
    assert "Zum Kalender hinzufügen (.ics)" in html
    assert ("abgesagt</span>" in html) == (status == S.CANCELLED)


def test_detail_escapes_html_in_description(client, ki_staff, unna):
    event = make_event(
        by=ki_staff, municipality=unna,
        description="Hallo <script>alert('x')</script>\n\n<b>fett</b> ist kein Fett",
    )  # fmt: skip

    html = detail(client, event).content.decode()

    assert "&lt;script&gt;" in html
    assert "<script>alert" not in html
    assert "&lt;b&gt;fett&lt;/b&gt;" in html
    assert "<p>Hallo" in html  # paragraphs are kept


def test_internal_note_and_review_comment_never_on_public_pages(client, ki_staff, contact_unna, unna):
    event = make_event(
        by=ki_staff, municipality=unna, title="Elterncafé",
        internal_note="Raum noch nicht bestätigt – geheim", status=S.APPROVED,
    )  # fmt: skip
    Event.objects.filter(pk=event.pk).update(review_comment="Bitte Uhrzeit prüfen – intern")

    for user in (None, contact_unna, ki_staff):
        if user:
            client.force_login(user)
        pages = [
            detail(client, event),
            calendar(client, start=MARCH.isoformat()),
            calendar(client, view="month", start=MARCH.isoformat()),
            client.get(reverse("events:event_ics", kwargs={"pk": event.pk})),
            client.get(reverse("events:feed_district")),
            client.get(reverse("events:api_events"), {"start": MARCH.isoformat()}),
        ]
        for page in pages:
            assert page.status_code == 200
            body = page.content.decode()
            assert "Elterncaf" in body
            assert "Raum noch nicht bestätigt" not in body
            assert "Bitte Uhrzeit prüfen" not in body


def test_series_detail_lists_upcoming_dates_and_rule(client, ki_staff, unna):
    event = make_event(
        by=ki_staff, municipality=unna, title="Sprachcafé jeden Dienstag",
        start=at(MARCH + timedelta(days=(1 - MARCH.weekday()) % 7)),
        frequency=Event.Frequency.WEEKLY, weekdays=[1],
    )  # fmt: skip

    response = detail(client, event)

    assert response.status_code == 200
    assert len(response.context["upcoming"]) == 20
    assert response.context["more_dates"] is True
    assert "wöchentlich (Di)" in response.content.decode()


def test_past_event_still_shows_its_date(client, ki_staff, unna):
    event = make_event(by=ki_staff, municipality=unna, start=at(timezone.localdate() - timedelta(days=40)))

    response = detail(client, event)

    assert response.status_code == 200
    assert "bereits stattgefunden" in response.content.decode()
    assert len(response.context["past"]) == 1


@pytest.mark.parametrize("name", ["events:calendar", "events:detail"])
def test_public_pages_refuse_post(client, ki_staff, unna, name):
    event = make_event(by=ki_staff, municipality=unna)
    kwargs = {"pk": event.pk} if name == "events:detail" else {}

    assert client.post(reverse(name, kwargs=kwargs)).status_code == 405


# --- list pages -----------------------------------------------------------------


def test_first_list_page_is_counted_without_a_count_query(client, ki_staff, unna, monkeypatch):
    """Page 1 loads its rows and one more; fewer than a full page need no COUNT. A full first page
    is counted, and the other pages come from the paginator as before."""
    from events.views import public

    monkeypatch.setattr(public, "LIST_PAGE_SIZE", 3)
    for day in range(2):
        make_event(by=ki_staff, municipality=unna, title=f"Treffen {day}", start=at(MARCH + timedelta(day)))
    params = {"start": MARCH.isoformat(), "end": (MARCH + timedelta(30)).isoformat()}
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = calendar(client, **params)
    assert response.context["occurrence_count"] == 2
    assert [o.event.title for d in response.context["groups"] for o in d.occurrences] == [
        "Treffen 0",
        "Treffen 1",
    ]
    assert not any("COUNT(" in query["sql"] for query in queries)
    assert response.context["next_url"] == ""

    for day in range(2, 5):
        make_event(by=ki_staff, municipality=unna, title=f"Treffen {day}", start=at(MARCH + timedelta(day)))
    cache.clear()
    pages = {}
    for number in (None, "", "1", "2", "zwei", "9"):
        response = calendar(client, **params, **({} if number is None else {"page": number}))
        assert response.status_code == 200
        assert response.context["occurrence_count"] == 5
        pages[number] = [o.event.title for d in response.context["groups"] for o in d.occurrences]
    first, second = ["Treffen 0", "Treffen 1", "Treffen 2"], ["Treffen 3", "Treffen 4"]
    assert pages == {None: first, "": first, "1": first, "2": second, "zwei": first, "9": second}
    cache.clear()
    assert "page=2" in calendar(client, **params).context["next_url"]
