"""ICS feeds (district, municipality) and the single event's .ics download."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import rrule
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.tests.public_helpers import MARCH, YEAR, at, make_event
from municipalities.models import FieldOfAction
from municipalities.tests.factories import DistrictFactory, MunicipalityFactory

S = Event.Status
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://integration.kreis-unna.example"


def fetch(client, name: str, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    return response


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(vevent["SUMMARY"]): vevent for vevent in calendar.walk("VEVENT")}


def expand(vevent: icalendar.Event) -> list[datetime]:
    """Every start the VEVENT describes, expanded the way a calendar app does (RFC 5545)."""
    start = vevent.decoded("DTSTART")
    if "RRULE" not in vevent:
        return [start]
    rule_text = vevent["RRULE"].to_ical().decode()
    ruleset = rrule.rruleset()
    ruleset.rrule(rrule.rrulestr(rule_text, dtstart=start))
    exdates = vevent.get("EXDATE") or []
    for exdate in exdates if isinstance(exdates, list) else [exdates]:
        for value in exdate.dts:
            ruleset.exdate(value.dt)
    return list(ruleset)


def stored_starts(event: Event) -> list[datetime]:
    return [timezone.localtime(start, BERLIN) for start in event.occurrences.values_list("start", flat=True)]


# --- calendar envelope ---------------------------------------------------------------


def test_district_feed_is_a_valid_calendar_with_timezone(client, ki_staff, unna):
    make_event(by=ki_staff, municipality=unna, title="Sprachcafé", start=at(date(YEAR, 7, 1)))

    response = fetch(client, "events:feed_district")

    calendar = parse(response)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert "Kreis Unna" in str(calendar["X-WR-CALNAME"])
    [vtimezone] = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Berlin"
    assert {c.name for c in vtimezone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    # The VTIMEZONE itself (not the client's own database) gives the right offsets for the dates.
    zone = vtimezone.to_tz()
    assert datetime(YEAR, 7, 1, 18).replace(tzinfo=zone).utcoffset() == timedelta(hours=2)
    assert datetime(YEAR, 12, 1, 18).replace(tzinfo=zone).utcoffset() == timedelta(hours=1)
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_empty_feed_still_has_its_timezone(client, district):
    calendar = parse(fetch(client, "events:feed_district"))

    assert calendar.walk("VEVENT") == []
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_one_off_event(client, ki_staff, unna):
    event = make_event(
        by=ki_staff, municipality=unna, title="Informationsabend Ausbildung",
        start=at(date(YEAR, 7, 2), 18, 30), hours=2,
        description="Für Eltern und Jugendliche.\nMit Dolmetschung.",
        location_name="Rathaus Unna", street="Rathausplatz 1", postcode="59423", town="Unna",
    )  # fmt: skip

    vevent = vevents(parse(fetch(client, "events:feed_district")))["Informationsabend Ausbildung"]

    assert vevent["UID"] == f"event-{event.pk}@integration.kreis-unna.example"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert vevent.decoded("DTSTART") == datetime(YEAR, 7, 2, 18, 30, tzinfo=BERLIN)
    assert vevent.decoded("DTEND") == datetime(YEAR, 7, 2, 20, 30, tzinfo=BERLIN)
    assert "RRULE" not in vevent
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent["LOCATION"] == "Rathaus Unna, Rathausplatz 1, 59423 Unna"
    assert "Mit Dolmetschung." in vevent["DESCRIPTION"]
    assert vevent["URL"] == f"https://integration.kreis-unna.example/veranstaltungen/{event.pk}/"
    assert vevent.decoded("LAST-MODIFIED") == event.updated_at.replace(microsecond=0)
    assert "DTSTAMP" in vevent


def test_all_day_event_uses_dates(client, ki_staff, unna):
    make_event(
        by=ki_staff, municipality=unna, title="Interkulturelle Woche",
        start=at(date(YEAR, 9, 21), 0, 0), end=at(date(YEAR, 9, 27), 23, 59), all_day=True,
    )  # fmt: skip

    response = fetch(client, "events:feed_district")

    vevent = vevents(parse(response))["Interkulturelle Woche"]
    assert vevent.decoded("DTSTART") == date(YEAR, 9, 21)
    assert vevent.decoded("DTEND") == date(YEAR, 9, 28)  # exclusive
    assert f"DTSTART;VALUE=DATE:{YEAR}0921" in response.content.decode()


# --- series -------------------------------------------------------------------------


def first_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def test_weekly_series_with_exceptions_has_rrule_and_exdate(client, ki_staff, unna):
    tuesday = first_weekday(date(YEAR, 2, 1), 1)
    excluded = [tuesday + timedelta(weeks=4), tuesday + timedelta(weeks=10)]
    event = make_event(
        by=ki_staff, municipality=unna, title="Sprachcafé", start=at(tuesday), frequency=Event.Frequency.WEEKLY,
        interval=2, weekdays=[1, 3], repeat_until=date(YEAR, 6, 30),
        excluded_dates=[day.isoformat() for day in excluded],
    )  # fmt: skip

    vevent = vevents(parse(fetch(client, "events:feed_district")))["Sprachcafé"]

    rule = vevent["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2] and rule["BYDAY"] == ["TU", "TH"]
    [until] = rule["UNTIL"]
    assert until.tzinfo is not None and until.utcoffset() == timedelta(0)  # UTC, as RFC 5545 demands
    assert "COUNT" not in rule
    exdates = [value.dt for value in vevent["EXDATE"].dts]
    assert exdates == [
        datetime.combine(day, datetime.min.time()).replace(hour=18, tzinfo=BERLIN) for day in excluded
    ]
    # A calendar app expanding the rule gets exactly the portal's dates, at 18:00 local across DST.
    assert expand(vevent) == stored_starts(event)
    assert {start.hour for start in expand(vevent)} == {18}


def test_monthly_series_on_the_nth_weekday_with_count(client, ki_staff, unna):
    second_wednesday = first_weekday(date(YEAR, 1, 1), 2) + timedelta(weeks=1)
    event = make_event(
        by=ki_staff, municipality=unna, title="Frauentreff", start=at(second_wednesday, 15),
        frequency=Event.Frequency.MONTHLY, monthly_mode=Event.MonthlyMode.NTH_WEEKDAY, repeat_count=8,
        excluded_dates=[(second_wednesday + timedelta(weeks=4)).isoformat()],
    )  # fmt: skip

    vevent = vevents(parse(fetch(client, "events:feed_district")))["Frauentreff"]

    rule = vevent["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["BYDAY"] == ["+2WE"] and rule["COUNT"] == [8]
    assert "UNTIL" not in rule
    assert expand(vevent) == stored_starts(event)


def test_monthly_series_on_the_last_weekday(client, ki_staff, unna):
    fifth = date(YEAR, 1, 29)  # a fifth weekday of the month means "the last one" in the portal
    event = make_event(
        by=ki_staff, municipality=unna, title="Kulturabend", start=at(fifth, 19),
        frequency=Event.Frequency.MONTHLY, monthly_mode=Event.MonthlyMode.NTH_WEEKDAY, repeat_count=6,
    )  # fmt: skip

    vevent = vevents(parse(fetch(client, "events:feed_district")))["Kulturabend"]

    assert vevent["RRULE"]["BYDAY"] == ["-1" + ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][fifth.weekday()]]
    assert expand(vevent) == stored_starts(event)


def test_monthly_series_on_the_same_day(client, ki_staff, unna):
    event = make_event(
        by=ki_staff, municipality=unna, title="Beratungstag", start=at(date(YEAR, 1, 15), 10),
        frequency=Event.Frequency.MONTHLY, monthly_mode=Event.MonthlyMode.DAY_OF_MONTH, interval=3,
        repeat_until=date(YEAR + 1, 1, 31),
    )  # fmt: skip

    vevent = vevents(parse(fetch(client, "events:feed_district")))["Beratungstag"]

    assert vevent["RRULE"]["BYMONTHDAY"] == [15] and vevent["RRULE"]["INTERVAL"] == [3]
    assert expand(vevent) == stored_starts(event)
    assert len(stored_starts(event)) == 5


def test_open_ended_series_ends_at_the_last_stored_occurrence(client, ki_staff, unna):
    monday = first_weekday(MARCH, 0)
    event = make_event(
        by=ki_staff, municipality=unna, title="Offener Treff", start=at(monday, 17),
        frequency=Event.Frequency.WEEKLY, weekdays=[0],
    )  # fmt: skip

    vevent = vevents(parse(fetch(client, "events:feed_district")))["Offener Treff"]

    [until] = vevent["RRULE"]["UNTIL"]
    last = event.occurrences.order_by("start").last().start
    assert until == last.astimezone(UTC)
    assert expand(vevent) == stored_starts(event)


def test_weekly_series_starting_off_rule_moves_dtstart_to_the_first_date(client, ki_staff, unna):
    monday = first_weekday(MARCH, 0)
    event = make_event(
        by=ki_staff, municipality=unna, title="Hausaufgabenhilfe", start=at(monday, 15),
        frequency=Event.Frequency.WEEKLY, weekdays=[2, 4], repeat_count=6,
    )  # fmt: skip

    vevent = vevents(parse(fetch(client, "events:feed_district")))["Hausaufgabenhilfe"]

    # RFC 5545 would count a Monday DTSTART as an extra first date; the portal does not.
    assert vevent.decoded("DTSTART") == datetime.combine(
        monday + timedelta(days=2), datetime.min.time()
    ).replace(hour=15, tzinfo=BERLIN)
    assert expand(vevent) == stored_starts(event)


# --- status and visibility ----------------------------------------------------------


def test_cancelled_event_has_status_cancelled(client, ki_staff, unna):
    make_event(by=ki_staff, municipality=unna, title="Sommerfest", status=S.CANCELLED)

    calendar = parse(fetch(client, "events:feed_district"))

    [vevent] = calendar.walk("VEVENT")
    assert vevent["STATUS"] == "CANCELLED"
    assert "Sommerfest" in vevent["SUMMARY"] and "Abgesagt" in vevent["SUMMARY"]


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED], ids=str)
def test_feeds_never_contain_unpublished_events(client, ki_staff, contact_unna, unna, status):
    make_event(by=ki_staff, municipality=unna, title="Nicht öffentlich", status=status)
    make_event(by=ki_staff, municipality=unna, title="Öffentlich")
    client.force_login(contact_unna)  # not even for a manager of the municipality

    for response in (
        fetch(client, "events:feed_district"),
        fetch(client, "events:feed_municipality", slug="unna"),
    ):
        assert set(vevents(parse(response))) == {"Öffentlich"}


def test_municipality_feed_has_only_that_municipality(client, ki_staff, unna, luenen):
    make_event(by=ki_staff, municipality=unna, title="In Unna")
    make_event(by=ki_staff, municipality=luenen, title="In Lünen")

    calendar = parse(fetch(client, "events:feed_municipality", slug="luenen"))

    assert set(vevents(calendar)) == {"In Lünen"}
    assert "Lünen" in str(calendar["X-WR-CALNAME"])
    assert set(vevents(parse(fetch(client, "events:feed_district")))) == {"In Unna", "In Lünen"}


def test_unknown_municipality_feed_is_404(client, district):
    assert fetch(client, "events:feed_municipality", slug="atlantis").status_code == 404


def test_district_feed_excludes_other_districts(client, ki_staff, unna):
    werl = MunicipalityFactory(
        district=DistrictFactory(name="Kreis Soest", ags_prefix="05974"), name="Werl", ags="05974048"
    )
    other = Event.objects.create(
        municipality=werl, title="Fremder Kreis", start=at(MARCH), end=at(MARCH, 20), status=S.APPROVED
    )
    other.occurrences.create(start=other.start, end=other.end)
    make_event(by=ki_staff, municipality=unna, title="Eigener Kreis")

    assert set(vevents(parse(fetch(client, "events:feed_district")))) == {"Eigener Kreis"}
    assert set(vevents(parse(fetch(client, "events:feed_municipality", slug="werl")))) == {"Fremder Kreis"}


def test_feed_leaves_out_events_older_than_a_year(client, ki_staff, unna):
    today = timezone.localdate()
    make_event(by=ki_staff, municipality=unna, title="Vor zwei Jahren", start=at(today - timedelta(days=730)))
    make_event(by=ki_staff, municipality=unna, title="Vor einem Monat", start=at(today - timedelta(days=30)))

    assert set(vevents(parse(fetch(client, "events:feed_district")))) == {"Vor einem Monat"}


def test_feed_query_count_does_not_grow_with_events(client, ki_staff, unna):
    field = FieldOfAction.objects.create(district=unna.district, name="Kultur", slug="kultur")

    def add(n: int, offset: int = 0):
        for i in range(n):
            make_event(
                by=ki_staff, municipality=unna, title=f"Treffen {offset + i}", start=at(MARCH + timedelta(days=i)),
                frequency=Event.Frequency.WEEKLY if i % 2 else "", repeat_count=4 if i % 2 else None,
                fields_of_action=[field],
            )  # fmt: skip

    add(2)
    cache.clear()  # measure without the feed cache (and the cached portal district)
    with CaptureQueriesContext(connection) as few:
        fetch(client, "events:feed_district")
    add(20, offset=2)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = fetch(client, "events:feed_district")
    assert len(vevents(parse(response))) == 22
    # Portal district, events with occurrence bounds, fields of action, target groups, translations
    # (a VEVENT names no languages).
    assert len(many) == len(few) == 5


# --- a single event's .ics --------------------------------------------------------------


def test_event_ics_download(client, ki_staff, unna):
    event = make_event(by=ki_staff, municipality=unna, title="Nachbarschaftsfest")

    response = fetch(client, "events:event_ics", pk=event.pk)

    calendar = parse(response)
    assert [str(v["SUMMARY"]) for v in calendar.walk("VEVENT")] == ["Nachbarschaftsfest"]
    assert len(calendar.walk("VTIMEZONE")) == 1
    assert response["Content-Disposition"] == f'attachment; filename="veranstaltung-{event.pk}.ics"'


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED], ids=str)
def test_event_ics_of_unpublished_event_is_404_except_for_its_managers(
    client, contact_unna, contact_luenen, ki_staff, volunteer, unna, status
):
    event = make_event(by=contact_unna, municipality=unna, status=status)

    assert fetch(client, "events:event_ics", pk=event.pk).status_code == 404
    for user in (contact_luenen, volunteer):
        client.force_login(user)
        assert fetch(client, "events:event_ics", pk=event.pk).status_code == 404
    for user in (contact_unna, ki_staff):
        client.force_login(user)
        response = fetch(client, "events:event_ics", pk=event.pk)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]  # never in a shared cache
        [vevent] = parse(response).walk("VEVENT")
        assert vevent["STATUS"] == "TENTATIVE"


def test_feeds_refuse_post(client, ki_staff, unna):
    event = make_event(by=ki_staff, municipality=unna)

    assert client.post(reverse("events:feed_district")).status_code == 405
    assert client.post(reverse("events:feed_municipality", kwargs={"slug": "unna"})).status_code == 405
    assert client.post(reverse("events:event_ics", kwargs={"pk": event.pk})).status_code == 405


# --- the text written directly -----------------------------------------------------------


def test_feed_bytes_are_icalendars_own_serialisation(ki_staff, unna):
    """``calendar_bytes`` writes the VTIMEZONE (kept per span of years) and folds the lines itself:
    the same bytes as icalendar's ``to_ical`` of the same calendar, for long, escaped and non-ASCII
    lines, all-day events, series with exceptions, translations and a cancelled event."""
    from events import ics, ics_text
    from events.models import EventTranslation

    field = FieldOfAction.objects.create(
        district=unna.district, name="Kultur; Bildung, Sprache", slug="kultur"
    )
    long_text = "Ein Nachmittag mit Kaffee\\, Kuchen; und Gesprächen über „Nachbarschaft“ – " * 6
    events = [
        make_event(
            by=ki_staff, municipality=unna, title="Sprachcafé für Frauen und Mädchen mit Kinderbetreuung " * 2,
            description=long_text + "\n\nZweiter Absatz mit Umlauten: äöü ß " * 4, fields_of_action=[field],
            location_name="Bürgerhaus; Saal 2", street="Marktplatz 1", postcode="59423", town="Unna",
        ),
        make_event(
            by=ki_staff, municipality=unna, title="مقهى اللغة " * 9, start=at(MARCH + timedelta(days=3)),
            frequency=Event.Frequency.WEEKLY, repeat_count=6,
            excluded_dates=[(MARCH + timedelta(days=10)).isoformat()],
        ),
        make_event(
            by=ki_staff, municipality=unna, title="Fest", all_day=True, status=S.CANCELLED,
            start=datetime.combine(MARCH, datetime.min.time(), BERLIN),
            end=datetime.combine(MARCH + timedelta(days=2), datetime.min.time(), BERLIN),
        ),
    ]  # fmt: skip
    events += [
        make_event(
            by=ki_staff, municipality=unna, title="Elterncafé", start=at(MARCH + timedelta(days=8)),
            frequency=Event.Frequency.MONTHLY, monthly_mode=Event.MonthlyMode.NTH_WEEKDAY, repeat_count=5,
            organiser="Verein; e.V., Unna", public_contact="info@example.org", online_url="https://example.org/a,b",
            description="Backslash \\ und \\N und \\n; Komma, Semikolon;\r\nZeile",
        ),
        make_event(
            by=ki_staff, municipality=unna, title="Ferienspiele", all_day=True,
            start=datetime.combine(MARCH, datetime.min.time(), BERLIN),
            end=datetime.combine(MARCH + timedelta(days=1), datetime.min.time(), BERLIN),
            frequency=Event.Frequency.WEEKLY, repeat_count=5, excluded_dates=[(MARCH + timedelta(days=7)).isoformat()],
        ),
        make_event(
            by=ki_staff, municipality=unna, title="Offene Sprechstunde", start=at(MARCH + timedelta(days=1)),
            frequency=Event.Frequency.MONTHLY, monthly_mode=Event.MonthlyMode.DAY_OF_MONTH, interval=2,
        ),
        make_event(by=ki_staff, municipality=unna, title="Entwurf", status=S.SUBMITTED),
    ]  # fmt: skip
    EventTranslation.objects.create(event=events[-1], language="uk", title="Чернетка", description="")
    EventTranslation.objects.create(
        event=events[0], language="ar", title="مقهى اللغة للنساء", description="نص " * 40
    )
    # Every position of a backslash escape and of a two-byte character around the fold.
    for shift in range(8):
        make_event(by=ki_staff, municipality=unna, title="x" * (60 + shift) + "\\;,ä" + "y" * 80)
    loaded = list(ics.with_occurrence_bounds(Event.objects.filter(municipality=unna)).order_by("pk"))
    stamp = timezone.now().replace(microsecond=0)
    expected = ics.build_calendar(loaded, name="Veranstaltungen in Unna", stamp=stamp).to_ical()
    for _ in range(2):  # the second time with the VTIMEZONE's text kept from the first
        assert ics_text.calendar_bytes(loaded, name="Veranstaltungen in Unna", stamp=stamp) == expected
    assert b"\r\n " in expected  # long lines were folded


def test_fold_is_icalendars_fold():
    from icalendar.parser.string import _foldline

    from municipalities.text import fold

    lines = ["", "a", "x" * 74, "x" * 75, "x" * 149, "x" * 150, "x" * 400]
    lines += ["x" * n + "\\" + "y" * 90 for n in range(70, 78)]
    lines += ["x" * n + "^" + "y" * 90 for n in range(70, 78)]
    lines += ["x" * n + "äöü€𝄞" * 30 for n in range(60, 76)]
    lines += ["ä" * n for n in (36, 37, 38, 75, 200)]
    lines += ["x" * n + "ä\\" + "y" * 90 for n in range(68, 76)]
    for line in lines:
        assert fold(line) == _foldline(line), line
