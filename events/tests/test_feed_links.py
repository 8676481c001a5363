"""Calendar and municipality pages announce their ICS feed, so browsers and apps can find it."""

from django.urls import reverse
from lxml import html


def alternate_calendars(client, url: str) -> list[str]:
    page = html.fromstring(client.get(url).content)
    return page.xpath('//head/link[@rel="alternate"][@type="text/calendar"]/@href')


def test_calendar_page_links_the_district_feed(client, unna):
    assert alternate_calendars(client, reverse("events:calendar")) == [reverse("events:feed_district")]


def test_municipality_page_links_its_feed(client, unna):
    assert alternate_calendars(client, reverse("municipalities:detail", kwargs={"slug": "unna"})) == [
        reverse("events:feed_municipality", kwargs={"slug": "unna"})
    ]
