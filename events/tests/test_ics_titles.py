"""Titles are one line, and every iCalendar text value is escaped (a line break used to cause 500s)."""

from __future__ import annotations

import re
import unicodedata

import icalendar
import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given, settings

from events.forms import EventForm
from events.models import Event
from events.tests.import_helpers import GOOD_CAFE, HEADER, csv_bytes, post_file
from events.tests.public_helpers import make_event
from municipalities.forms import MeasureForm
from municipalities.models import Measure
from municipalities.services import ensure_default_reference_data
from municipalities.tests.ical_checks import assert_valid_calendar, raw_titles
from municipalities.text import single_line, validate_single_line


def store_raw_title(event: Event, title: str) -> None:
    # As data from before the rule (or code that skipped validation) would have it.
    Event.objects.filter(pk=event.pk).update(title=title)
    for alias in caches:
        caches[alias].clear()  # the feeds are page-cached per data version


@pytest.fixture
def published(ki_staff, unna):
    return make_event(by=ki_staff, municipality=unna, title="Sprachcafé")


@settings(max_examples=40)  # four requests per example
@given(title=raw_titles)
def test_event_download_and_feeds_stay_valid_whatever_the_stored_title(client, published, unna, title):
    store_raw_title(published, title)
    expected = single_line(title)
    for url in (
        reverse("events:event_ics", kwargs={"pk": published.pk}),
        reverse("events:feed_district"),
        reverse("events:feed_municipality", kwargs={"slug": unna.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        calendar = assert_valid_calendar(response.content)
        assert [str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")] == [expected], url
    download = client.get(reverse("events:event_ics", kwargs={"pk": published.pk})).content.decode()
    unfolded = re.sub(r"\r\n[ \t]", "", download).split("\r\n")
    # X-WR-CALNAME is untyped for icalendar's parser: compare the escaped TEXT as written.
    assert "X-WR-CALNAME:" + icalendar.vText(expected).to_ical().decode() in unfolded


@given(title=raw_titles)
def test_titles_are_normalised_to_one_line_and_validated(title):
    cleaned = single_line(title)
    validate_single_line(cleaned)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert single_line(cleaned) == cleaned
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in title):
        with pytest.raises(ValidationError):
            validate_single_line(title)


def test_model_refuses_a_title_with_a_line_break(unna):
    for model in (Event(municipality=unna, title="Fest\nam See"), Measure(municipality=unna, title="A\rB")):
        with pytest.raises(ValidationError) as error:
            model.full_clean()
        assert "ohne Zeilenumbrüche oder Steuerzeichen" in str(error.value.message_dict["title"])


@pytest.mark.parametrize("form_class", [EventForm, MeasureForm])
def test_title_fields_of_the_forms_normalise_pasted_line_breaks(form_class):
    field = form_class.base_fields["title"]
    assert field.clean("  Sommerfest\r\n\tim  Park\x0b ") == "Sommerfest im Park"
    with pytest.raises(ValidationError):
        field.clean("\r\n\t")  # nothing left: the title is required


def test_import_normalises_a_title_with_line_breaks(client, contact_unna, district, unna):
    ensure_default_reference_data(district=district)
    client.force_login(contact_unna)
    cells = list(GOOD_CAFE)
    cells[HEADER.index("titel")] = "Sprachcafé\nim Rathaus\r\n"
    response = post_file(client, unna, csv_bytes([cells]))
    assert response.status_code == 302
    assert list(Event.objects.values_list("title", flat=True)) == ["Sprachcafé im Rathaus"]
