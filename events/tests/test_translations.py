"""Short translations of an event's title and description: entering them, review, pages, API, feeds."""

from __future__ import annotations

import json

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import get_language_info
from jsonschema import Draft202012Validator, FormatChecker

from events import services
from events.models import Event, EventChange, EventTranslation
from events.tests.factories import berlin, make_event
from kreisintegration import public_cache

S = Event.Status

ARABIC = {"title": "مقهى اللغة الدولي", "description": "نلتقي ونتحدث الألمانية معًا."}
UKRAINIAN = {"title": "Міжнародне мовне кафе", "description": "Розмовляємо німецькою разом."}


@pytest.fixture
def published(ki_staff, unna):
    return make_event(
        by=ki_staff,
        municipality=unna,
        title="Internationales Sprachcafé",
        description="Wir sprechen gemeinsam Deutsch.",
        start=berlin(2026, 3, 14, 18),
        status=S.APPROVED,
    )


def translate(by, event, **translations):
    return services.save_event_translations(by=by, event=event, translations=translations)


def in_language(client, code: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


# --- service ------------------------------------------------------------------


def test_staff_translation_of_a_published_event_stays_published_and_is_recorded(ki_staff, published):
    event = translate(ki_staff, published, ar=ARABIC, uk=UKRAINIAN)

    assert event.status == S.APPROVED
    assert services.translations_of(event) == {"ar": ARABIC, "uk": UKRAINIAN}
    change = event.changes.filter(action=EventChange.Action.UPDATED).get()
    assert set(change.changes) == {"translation_ar", "translation_uk"}
    assert change.changes["translation_ar"] == [None, ARABIC]


def test_contacts_translation_of_a_published_event_sends_it_back_to_review(
    contact_unna, ki_staff, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = translate(contact_unna, published, ar=ARABIC)

    assert event.status == S.SUBMITTED
    assert event.changes.last().comment == "Nach Änderung erneut zur Prüfung eingereicht."
    assert [m.to for m in mail.outbox] == [[ki_staff.email]]


def test_saving_unchanged_translations_changes_nothing(contact_unna, ki_staff, published):
    translate(ki_staff, published, ar=ARABIC)
    history = published.changes.count()

    event = translate(contact_unna, published, ar=ARABIC, tr={"title": "", "description": ""})

    assert event.status == S.APPROVED
    assert published.changes.count() == history


def test_an_empty_title_removes_the_translation(ki_staff, published):
    translate(ki_staff, published, ar=ARABIC)

    translate(ki_staff, published, ar={"title": "", "description": ""})

    assert not EventTranslation.objects.filter(event=published).exists()


def test_a_description_without_title_is_refused(ki_staff, published):
    with pytest.raises(ValidationError) as error:
        translate(ki_staff, published, fa={"title": "", "description": "توضیح"})
    assert "auch einen Titel" in str(error.value)


def test_german_and_unknown_languages_are_refused(ki_staff, published):
    for code in ("de", "xx"):
        with pytest.raises(ValidationError):
            translate(ki_staff, published, **{code: {"title": "Titel", "description": ""}})
    assert not EventTranslation.objects.exists()


def test_translated_title_is_a_single_line(ki_staff, published):
    translate(ki_staff, published, tr={"title": "Uluslararası\nDil Kafesi", "description": ""})
    with pytest.raises(ValidationError):
        EventTranslation(event=published, language="ru", title="Два\nстроки").full_clean()
    assert EventTranslation.objects.get(language="tr").title == "Uluslararası Dil Kafesi"


def test_another_municipalitys_contact_may_not_translate(contact_luenen, published):
    with pytest.raises(PermissionDenied):
        translate(contact_luenen, published, ar=ARABIC)
    assert not EventTranslation.objects.exists()


def test_cancelled_event_translations_cannot_be_changed(ki_staff, published):
    services.cancel_event(by=ki_staff, event=published)
    with pytest.raises(services.EventTransitionError):
        translate(ki_staff, published, ar=ARABIC)


# --- screens ------------------------------------------------------------------


def test_contact_enters_translations_on_the_form_and_the_event_goes_back_to_review(
    client, contact_unna, published
):
    client.force_login(contact_unna)
    url = reverse("events:translations", kwargs={"pk": published.pk})
    page = client.get(url).content.decode()
    assert 'lang="ar" dir="rtl"' in page
    assert 'lang="uk" dir="ltr"' in page
    assert 'name="title_de"' not in page

    response = client.post(url, {"title_ar": ARABIC["title"], "description_ar": ARABIC["description"]})

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == S.SUBMITTED
    assert services.translations_of(published) == {"ar": ARABIC}


def test_another_municipality_gets_404_on_the_translations_form(client, contact_luenen, published):
    client.force_login(contact_luenen)
    url = reverse("events:translations", kwargs={"pk": published.pk})

    assert client.get(url).status_code == 404
    assert client.post(url, {"title_ar": ARABIC["title"]}).status_code == 404
    assert not EventTranslation.objects.exists()


def test_description_without_title_is_shown_as_a_form_error(client, ki_staff, published):
    client.force_login(ki_staff)
    url = reverse("events:translations", kwargs={"pk": published.pk})

    response = client.post(url, {"description_fa": "توضیح کوتاه"})

    assert response.status_code == 200
    assert "Bitte geben Sie zur Kurzbeschreibung auch einen Titel an." in response.content.decode()


def test_event_page_shows_the_visitors_language_and_marks_the_german_fallback(
    client, ki_staff, published, django_capture_on_commit_callbacks
):
    url = reverse("events:detail", kwargs={"pk": published.pk})
    arabic_before = in_language(client, "ar").get(url).content.decode()
    assert '<span lang="de" dir="ltr">Internationales Sprachcafé</span>' in arabic_before

    with django_capture_on_commit_callbacks(execute=True):
        translate(ki_staff, published, ar=ARABIC)  # invalidates the cached public page

    arabic = in_language(client, "ar").get(url).content.decode()
    assert f'<span lang="ar" dir="rtl">{ARABIC["title"]}</span>' in arabic
    assert ARABIC["description"] in arabic
    turkish = in_language(client, "tr").get(url).content.decode()
    assert '<span lang="de" dir="ltr">Internationales Sprachcafé</span>' in turkish
    assert ARABIC["title"] not in turkish


def test_calendar_list_shows_the_translated_title(client, ki_staff, published):
    translate(ki_staff, published, uk=UKRAINIAN)

    page = in_language(client, "uk").get(reverse("events:calendar"), {"start": "2026-03-01"}).content.decode()

    assert f'lang="uk" dir="ltr">{UKRAINIAN["title"]}</a>' in page


def test_a_translation_written_directly_invalidates_the_public_event_pages(
    published, django_capture_on_commit_callbacks
):
    before = public_cache.version("events")
    with django_capture_on_commit_callbacks(execute=True):
        translation = EventTranslation.objects.create(event=published, language="ru", title="Языковое кафе")
    after_save = public_cache.version("events")
    with django_capture_on_commit_callbacks(execute=True):
        translation.delete()

    assert before != after_save != public_cache.version("events")


# --- API and feeds ------------------------------------------------------------


def test_api_returns_translations_keyed_by_language_matching_the_schema(client, ki_staff, published):
    translate(ki_staff, published, ar=ARABIC, uk=UKRAINIAN)
    document = json.loads(client.get(reverse("events:api_openapi")).content)
    schema = {"$ref": "#/components/schemas/OccurrenceList", "components": document["components"]}

    body = json.loads(client.get(reverse("events:api_events"), {"start": "2026-03-01"}).content)

    assert body["results"][0]["title"] == "Internationales Sprachcafé"
    assert body["results"][0]["inLanguage"] == "de"
    assert body["results"][0]["translations"] == {
        "ar": {**ARABIC, "inLanguage": "ar"},
        "uk": {**UKRAINIAN, "inLanguage": "uk"},
    }
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    assert [e.message for e in validator.iter_errors(body)] == []
    body["results"][0]["translations"]["de"] = {"title": "x", "description": "", "inLanguage": "de"}
    assert list(validator.iter_errors(body)), "German is not a translation language"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ar", {**ARABIC, "inLanguage": "ar"}),
        ("AR", {**ARABIC, "inLanguage": "ar"}),
        ("uk", {**UKRAINIAN, "inLanguage": "uk"}),
        # No Turkish translation: the German original, and inLanguage says so.
        ("tr", {"title": "Internationales Sprachcafé", "description": "Wir sprechen gemeinsam Deutsch.", "inLanguage": "de"}),
        ("de", {"title": "Internationales Sprachcafé", "description": "Wir sprechen gemeinsam Deutsch.", "inLanguage": "de"}),
    ],
)  # fmt: skip
def test_api_lang_chooses_title_and_description_and_falls_back_to_german(
    client, ki_staff, published, lang, expected
):
    translate(ki_staff, published, ar=ARABIC, uk=UKRAINIAN)
    document = json.loads(client.get(reverse("events:api_openapi")).content)
    schema = {"$ref": "#/components/schemas/OccurrenceList", "components": document["components"]}

    body = json.loads(client.get(reverse("events:api_events"), {"start": "2026-03-01", "lang": lang}).content)

    (result,) = body["results"]
    assert {key: result[key] for key in ("title", "description", "inLanguage")} == expected
    assert set(result["translations"]) == {"ar", "uk"}  # all translations stay, whatever lang says
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    assert [e.message for e in validator.iter_errors(body)] == []


def test_api_lang_does_not_follow_the_interface_language(client, ki_staff, published):
    """Machines get German unless they ask: a browser cookie or Accept-Language changes nothing."""
    translate(ki_staff, published, ar=ARABIC)

    body = json.loads(
        in_language(client, "ar").get(reverse("events:api_events"), {"start": "2026-03-01"}).content
    )

    assert body["results"][0]["title"] == "Internationales Sprachcafé"
    assert body["results"][0]["inLanguage"] == "de"


def test_api_answers_400_for_an_unknown_lang(client, published):
    response = client.get(reverse("events:api_events"), {"start": "2026-03-01", "lang": "klingon"})

    assert response.status_code == 400
    assert json.loads(response.content)["error"]["parameter"] == "lang"


def test_feed_keeps_the_german_summary_and_adds_the_translations(client, ki_staff, published):
    translate(ki_staff, published, ar=ARABIC, tr={"title": "Uluslararası Dil Kafesi", "description": ""})

    response = client.get(reverse("events:feed_district"))
    calendar = icalendar.Calendar.from_ical(response.content)

    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Internationales Sprachcafé"
    description = str(vevent["DESCRIPTION"])
    assert description.startswith("Wir sprechen gemeinsam Deutsch.")
    arabic_name = get_language_info("ar")["name_local"]
    assert f"— {arabic_name} —\n" + ARABIC["title"] + "\n" + ARABIC["description"] in description
    assert "Uluslararası Dil Kafesi" in description
    summaries = vevent["X-KI-SUMMARY"]
    assert {(str(s), s.params["LANGUAGE"]) for s in summaries} == {
        (ARABIC["title"], "ar"),
        ("Uluslararası Dil Kafesi", "tr"),
    }
    assert str(vevent["X-KI-DESCRIPTION"]) == ARABIC["description"]
    assert vevent["X-KI-DESCRIPTION"].params["LANGUAGE"] == "ar"
    assert b"\nDESCRIPTION;LANGUAGE" not in response.content  # one DESCRIPTION, without a language


def test_translations_form_speaks_english_to_english_staff(client, ki_staff, published):
    client.force_login(ki_staff)

    page = in_language(client, "en").get(reverse("events:translations", kwargs={"pk": published.pk}))

    assert "Save translations" in page.content.decode()
    assert "Short description" in page.content.decode()


def test_posting_translations_of_a_cancelled_event_shows_why_nothing_was_saved(client, ki_staff, published):
    services.cancel_event(by=ki_staff, event=published)
    client.force_login(ki_staff)

    response = client.post(
        reverse("events:translations", kwargs={"pk": published.pk}), {"title_ar": ARABIC["title"]}
    )

    assert response.status_code == 200
    assert "können nicht mehr geändert werden" in response.content.decode()
    assert not EventTranslation.objects.exists()


@pytest.mark.parametrize(
    ("code", "start"),
    [
        ("de", "<li>Samstag, 14. März 2026, 18:00–20:00 Uhr"),
        ("en", "<li>Saturday, 14 March 2026, 18:00–20:00 h"),
        ("tr", "<li>14 Mart 2026 Cumartesi, 18:00–20:00"),
        ("ru", "<li>Суббота, 14 марта 2026, 18:00–20:00"),
    ],
)
def test_event_page_writes_dates_in_the_visitors_convention(client, published, code, start):
    page = (
        in_language(client, code).get(reverse("events:detail", kwargs={"pk": published.pk})).content.decode()
    )

    assert start in page
    if code != "de":
        assert "Samstag" not in page
        assert "14. " not in page
