"""schema.org JSON-LD on event and course pages, read back with extruct as a search engine would."""

from __future__ import annotations

from datetime import timedelta

import extruct
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event
from events.services import save_event
from events.tests.factories import berlin, make_event
from municipalities.models import Language, TargetGroup
from volunteers.models import Course
from volunteers.tests.factories import make_course

SCHEMA = "https://schema.org/"


def json_ld_of(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    return extruct.extract(response.content.decode(), syntaxes=["json-ld"], uniform=True)["json-ld"]


@pytest.fixture
def cafe(ki_staff, unna, district):
    return make_event(
        by=ki_staff,
        municipality=unna,
        title="Sprachcafé für Frauen",
        description="Deutsch üben bei Tee und Kuchen.",
        start=timezone.now().replace(microsecond=0) + timedelta(days=3),
        location_name="Stadtbücherei",
        street="Marktplatz 1",
        postcode="59423",
        town="Unna",
        organiser="Caritas Unna",
        languages=[Language.objects.get_or_create(code="ar", defaults={"name": "Arabisch"})[0]],
        target_groups=[TargetGroup.objects.create(district=district, name="Frauen", slug="frauen")],
        status=Event.Status.APPROVED,
    )


def test_event_page_describes_the_event_as_the_page_shows_it(client, cafe):
    [data] = json_ld_of(client, reverse("events:detail", kwargs={"pk": cafe.pk}))

    occurrence = cafe.occurrences.get()
    assert data["@type"] == "Event"
    assert data["name"] == "Sprachcafé für Frauen"
    assert data["description"] == "Deutsch üben bei Tee und Kuchen."
    assert data["startDate"] == timezone.localtime(occurrence.start).isoformat()
    assert data["endDate"] == timezone.localtime(occurrence.end).isoformat()
    assert data["startDate"][-6:] in ("+01:00", "+02:00")
    assert data["eventStatus"] == SCHEMA + "EventScheduled"
    assert data["eventAttendanceMode"] == SCHEMA + "OfflineEventAttendanceMode"
    [place] = data["location"]
    assert place["@type"] == "Place"
    assert place["address"]["@type"] == "PostalAddress"
    assert place["address"]["postalCode"] == "59423"
    assert data["inLanguage"] == "ar"
    assert data["audience"]["audienceType"] == "Frauen"
    assert data["organizer"]["name"] == "Caritas Unna"
    assert data["url"].endswith(reverse("events:detail", kwargs={"pk": cafe.pk}))


def test_cancelled_online_event_says_so(client, ki_staff, unna):
    event = make_event(
        by=ki_staff, municipality=unna, title="Infoabend online", start=berlin(2026, 3, 14, 18),
        online_url="https://meet.example.org/info", status=Event.Status.CANCELLED,
    )  # fmt: skip

    [data] = json_ld_of(client, reverse("events:detail", kwargs={"pk": event.pk}))

    assert data["eventStatus"] == SCHEMA + "EventCancelled"
    assert data["eventAttendanceMode"] == SCHEMA + "OnlineEventAttendanceMode"
    assert data["location"] == [{"@type": "VirtualLocation", "url": "https://meet.example.org/info"}]


def test_series_is_an_event_series_with_its_dates(client, ki_staff, unna):
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    event = Event(
        municipality=unna, title="Sprachcafé jeden Dienstag", start=start, end=start + timedelta(hours=2),
        frequency=Event.Frequency.WEEKLY, interval=1, repeat_count=4, location_name="Rathaus",
        weekdays=[start.weekday()],
    )  # fmt: skip
    event = save_event(by=ki_staff, event=event)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.APPROVED)

    [data] = json_ld_of(client, reverse("events:detail", kwargs={"pk": event.pk}))

    assert data["@type"] == "EventSeries"
    assert len(data["subEvent"]) == 4
    assert data["startDate"] == data["subEvent"][0]["startDate"]
    assert all(sub["@type"] == "Event" for sub in data["subEvent"])


def test_title_cannot_break_out_of_the_json_ld_block(client, ki_staff, unna):
    title = "</script><script>alert(1)</script> & <!-- Kommentar"
    event = make_event(by=ki_staff, municipality=unna, title=title, status=Event.Status.APPROVED)

    page = client.get(reverse("events:detail", kwargs={"pk": event.pk})).content.decode()
    [data] = extruct.extract(page, syntaxes=["json-ld"], uniform=True)["json-ld"]

    assert data["name"] == title
    assert "<script>alert(1)" not in page
    assert page.count('<script type="application/ld+json">') == 1


def test_unpublished_event_has_no_structured_data(client, ki_staff, unna):
    event = make_event(by=ki_staff, municipality=unna, title="Entwurf")
    client.force_login(ki_staff)

    assert json_ld_of(client, reverse("events:detail", kwargs={"pk": event.pk})) == []


def test_course_page_describes_the_course_and_its_dates(client, district):
    course = make_course(
        district, title="Grundqualifizierung Ehrenamt", description="Rolle und Grenzen des Ehrenamts.",
        location_name="Kreishaus Unna", address="Friedrich-Ebert-Straße 17, 59425 Unna",
        target_audience="Ehrenamtliche in der Flüchtlingshilfe", sessions=3,
    )  # fmt: skip
    sessions = list(course.sessions.order_by("start"))

    [data] = json_ld_of(client, course.get_absolute_url())

    assert data["@type"] == "Course"
    assert data["name"] == "Grundqualifizierung Ehrenamt"
    assert data["isAccessibleForFree"] is True
    assert "<dd>kostenlos</dd>" in client.get(course.get_absolute_url()).content.decode()
    assert data["hasCourseInstance"][0]["isAccessibleForFree"] is True
    assert data["description"] == "Rolle und Grenzen des Ehrenamts."
    assert data["provider"]["name"] == district.ki_name
    assert data["audience"]["audienceType"] == "Ehrenamtliche in der Flüchtlingshilfe"
    [instance] = data["hasCourseInstance"]
    assert instance["@type"] == "CourseInstance"
    assert instance["courseMode"] == "onsite"
    assert instance["startDate"] == timezone.localtime(sessions[0].start).isoformat()
    assert instance["endDate"] == timezone.localtime(sessions[-1].end).isoformat()
    assert instance["location"][0]["address"] == "Friedrich-Ebert-Straße 17, 59425 Unna"


def test_cancelled_course_says_so(client, district):
    course = make_course(district, status=Course.Status.CANCELLED, online_url="https://meet.example.org/k")

    [data] = json_ld_of(client, course.get_absolute_url())

    assert data["hasCourseInstance"][0]["eventStatus"] == SCHEMA + "EventCancelled"
    assert data["hasCourseInstance"][0]["courseMode"] == "online"


@pytest.mark.parametrize(
    ("code", "translation"),
    [
        ("ar", {"title": "مقهى اللغة للنساء", "description": "نتدرب على الألمانية مع الشاي والكعك."}),
        (
            "uk",
            {"title": "Мовне кафе для жінок", "description": "Практикуємо німецьку за чаєм і тістечками."},
        ),
    ],
)
def test_event_page_describes_the_event_in_the_visitors_language(client, ki_staff, cafe, code, translation):
    services.save_event_translations(by=ki_staff, event=cafe, translations={code: translation})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code

    [data] = json_ld_of(client, reverse("events:detail", kwargs={"pk": cafe.pk}))

    assert data["name"] == translation["title"]
    assert data["description"] == translation["description"]
    # The page (and the translated text) is in the visitor's language ...
    assert data["mainEntityOfPage"]["@type"] == "WebPage"
    assert data["mainEntityOfPage"]["inLanguage"] == code
    assert data["mainEntityOfPage"]["url"] == data["url"]
    # ... the event itself is still held in the language it is offered in.
    assert data["inLanguage"] == "ar"


def test_without_a_translation_the_json_ld_keeps_the_german_text_on_a_translated_page(client, ki_staff, cafe):
    services.save_event_translations(
        by=ki_staff, event=cafe, translations={"ar": {"title": "مقهى اللغة للنساء", "description": ""}}
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "tr"

    [data] = json_ld_of(client, reverse("events:detail", kwargs={"pk": cafe.pk}))

    assert data["name"] == "Sprachcafé für Frauen"
    assert data["description"] == "Deutsch üben bei Tee und Kuchen."
    assert data["mainEntityOfPage"]["inLanguage"] == "tr"


def test_german_page_has_german_json_ld_even_when_translations_exist(client, ki_staff, cafe):
    services.save_event_translations(
        by=ki_staff, event=cafe, translations={"ar": {"title": "مقهى اللغة للنساء", "description": ""}}
    )

    [data] = json_ld_of(client, reverse("events:detail", kwargs={"pk": cafe.pk}))

    assert data["name"] == "Sprachcafé für Frauen"
    assert data["mainEntityOfPage"]["inLanguage"] == "de"
