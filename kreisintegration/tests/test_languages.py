"""The newcomers' languages, Leichte Sprache and German Sign Language (BITV 2.0 § 4)."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

NEWCOMER_LANGUAGES = {
    # code: (direction, a translated string of the start page, a translated navigation entry)
    "ar": ("rtl", "لنصنع الاندماج في المقاطعة معًا", "الفعاليات"),
    "tr": ("ltr", "İlçede entegrasyonu birlikte şekillendirelim", "Etkinlikler"),
    "uk": ("ltr", "Разом творимо інтеграцію в окрузі", "Заходи"),
    "ru": ("ltr", "Вместе создаём интеграцию в округе", "Мероприятия"),
    "fa": ("rtl", "با هم ادغام را در ناحیه شکل دهیم", "رویدادها"),
}
OWN_NAMES = {
    "de": "Deutsch",
    "en": "English",
    "ar": "العربيّة",
    "tr": "Türkçe",
    "uk": "Українська",
    "ru": "Русский",
    "fa": "فارسی",
}
LOCALE = Path(settings.BASE_DIR) / "locale"


def in_language(client, code):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


@pytest.mark.parametrize("code", sorted(NEWCOMER_LANGUAGES))
def test_start_page_speaks_each_newcomer_language_with_its_direction(client, district, code):
    direction, heading, navigation = NEWCOMER_LANGUAGES[code]
    page = in_language(client, code).get(reverse("home")).content.decode()
    assert f'<html lang="{code}" dir="{direction}"' in page
    assert heading in page
    assert f">{navigation}</a>" in page
    assert "Integration im Kreis gemeinsam gestalten" not in page


def test_german_and_english_stay_left_to_right(client, district):
    assert '<html lang="de" dir="ltr"' in client.get(reverse("home")).content.decode()
    assert '<html lang="en" dir="ltr"' in in_language(client, "en").get(reverse("home")).content.decode()


def test_browser_language_arabic_is_honoured_without_a_cookie(client, district):
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ar-SY,ar;q=0.9").content.decode()
    assert '<html lang="ar" dir="rtl"' in page


def test_language_switch_offers_every_language_in_its_own_name_and_script(client, district):
    page = in_language(client, "tr").get(reverse("home")).content.decode()
    start = page.index('class="ki-language"')
    switch = page[start : page.index("</form>", start)]
    buttons = re.findall(r"<button ([^>]*)>\s*([^<]+?)\s*</button>", switch)
    attributes = [dict(re.findall(r'([\w-]+)="([^"]*)"', attrs)) for attrs, _name in buttons]
    assert [a["value"] for a in attributes] == [code for code, _ in settings.LANGUAGES]
    assert all(a["lang"] == a["value"] for a in attributes)
    assert {a["value"]: a["dir"] for a in attributes} == {
        "de": "ltr",
        "en": "ltr",
        "ar": "rtl",
        "tr": "ltr",
        "uk": "ltr",
        "ru": "ltr",
        "fa": "rtl",
    }
    assert {a["value"]: name for a, (_attrs, name) in zip(attributes, buttons, strict=True)} == OWN_NAMES
    assert [a["value"] for a in attributes if a.get("aria-current") == "true"] == ["tr"]


def test_switching_to_persian_turns_the_page_right_to_left(client, district):
    response = client.post(
        reverse("set_language"), {"language": "fa", "next": reverse("volunteers:catalogue")}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert '<html lang="fa" dir="rtl"' in page
    assert "دوره‌ها برای داوطلبان" in page


@pytest.mark.parametrize(
    ("url_name", "code", "expected"),
    [
        ("events:calendar", "ar", "تقويم الفعاليات"),
        ("events:calendar", "uk", "Календар заходів"),
        ("volunteers:catalogue", "tr", "Gönüllüler için kurslar"),
        ("volunteers:signup", "ru", "Зарегистрироваться"),
        ("volunteers:signup", "ar", "عنوان البريد الإلكتروني"),
        ("volunteers:signup_done", "fa", "لطفاً نشانی ایمیل خود را تأیید کنید"),
        ("sign_language", "uk", "Інформація німецькою жестовою мовою"),
    ],
)
def test_public_and_volunteer_pages_are_translated(client, district, url_name, code, expected):
    response = in_language(client, code).get(reverse(url_name))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_untranslated_string_falls_back_to_german(client, district):
    """The full accessibility statement is not in the Arabic catalogue: its German source is shown,
    marked as German for screen readers; its summary above it is Arabic."""
    page = in_language(client, "ar").get(reverse("accessibility")).content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    assert ">إمكانية الوصول</a>" in page  # the footer is translated
    assert "<h1>بيان إمكانية الوصول</h1>" in page
    summary, full_text = page.split('<div lang="de" dir="ltr">', 1)
    assert "أهم النقاط باختصار" in summary
    assert "النص الكامل أدناه باللغة الألمانية." in summary
    assert "Stand der Vereinbarkeit" in full_text


@pytest.mark.parametrize("code", sorted(NEWCOMER_LANGUAGES))
@pytest.mark.parametrize(
    ("url_name", "german_summary_point"),
    [
        ("privacy", "Im Profil laden Sie alle Ihre Daten herunter, widerrufen Einwilligungen und löschen Ihr Konto selbst."),
        ("accessibility", "Sie können alles mit der Tastatur bedienen. Das Portal funktioniert auch ohne JavaScript."),
        ("imprint", "Inhalte der Kommunen"),
    ],
)  # fmt: skip
def test_legal_pages_summaries_are_in_each_newcomer_language(
    client, district, code, url_name, german_summary_point
):
    from django.utils import translation

    with translation.override(code):
        expected = translation.gettext(german_summary_point)
    assert expected != german_summary_point

    page = in_language(client, code).get(reverse(url_name)).content.decode()

    assert expected in page
    if url_name != "imprint":  # the imprint is translated whole; the others' full text stays German
        assert page.index(expected) < page.index('<div lang="de" dir="ltr">')


@pytest.mark.parametrize("code", ["de", "en"])
def test_legal_pages_in_german_and_english_are_complete_and_not_marked_german(client, district, code):
    page = in_language(client, code).get(reverse("privacy")).content.decode()
    assert '<div lang="de" dir="ltr">' not in page
    assert ("Der ausführliche Text unten ist auf Deutsch." in page) is False


@pytest.mark.parametrize("code", sorted(NEWCOMER_LANGUAGES))
def test_newcomer_catalogue_is_complete_and_valid(code):
    po = LOCALE / code / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr
    assert (LOCALE / code / "LC_MESSAGES" / "django.mo").exists()


def test_arabic_catalogue_declares_six_plural_forms():
    header = (LOCALE / "ar" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")[:1000]
    assert "Language: ar\\n" in header
    assert "nplurals=6;" in header


def test_arabic_plural_forms_follow_the_count(client, district):
    from django.utils import translation

    with translation.override("ar"):
        forms = {
            n: translation.ngettext("%(counter)s Kurs gefunden.", "%(counter)s Kurse gefunden.", n)
            % {"counter": n}
            for n in (0, 1, 2, 5, 11, 100)
        }
    assert forms[1] == "تم العثور على دورة واحدة (1)."
    assert forms[2] == "تم العثور على دورتين (2)."
    assert forms[5] == "تم العثور على 5 دورات."
    assert forms[11] == "تم العثور على 11 دورة."
    assert len(set(forms.values())) == 6


# Leichte Sprache and DGS


def test_start_page_and_footer_link_leichte_sprache_and_sign_language(client, district):
    page = client.get(reverse("home")).content.decode()
    main, footer = page.split("<footer", 1)
    for part in (main, footer):
        assert f'href="{reverse("easy_language")}" lang="de"' in part
        assert f'href="{reverse("sign_language")}"' in part


def test_leichte_sprache_page_explains_content_navigation_and_accessibility(client, district):
    page = client.get(reverse("easy_language")).content.decode()
    assert "Informationen in Leichter Sprache" in page
    for heading in (
        "Was finden Sie auf der Internet·seite?",
        "Wie benutzen Sie die Internet·seite?",
        "Ist die Internet·seite barriere·frei?",
    ):
        assert f">{heading}</h2>" in page
    assert "Barriere·frei bedeutet:" in page  # a hard word is explained
    assert f"Das Integrations·zentrum arbeitet {district.locative}." in page
    assert district.ki_email in page
    assert f'href="{reverse("accessibility")}"' in page
    assert f'href="{reverse("sign_language")}"' in page


def test_leichte_sprache_text_stays_german_in_arabic_interface(client, district):
    page = in_language(client, "ar").get(reverse("easy_language")).content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    assert '<div class="ki-easy" lang="de" dir="ltr">' in page
    assert "Die Kurse kosten nichts." in page


def test_leichte_sprache_sentences_are_short(client, district):
    """Rules of the Netzwerk Leichte Sprache: one statement per sentence, short sentences."""
    page = client.get(reverse("easy_language")).content.decode()
    text = page[page.index('<div class="ki-easy"') : page.index("</main>")]
    text = re.sub(r"<[^>]+>|\{[^}]*\}", " ", text)
    sentences = [s.strip() for s in re.split(r"(?<=[.?!:])\s+", " ".join(text.split())) if s.strip()]
    assert len(sentences) > 60
    long_sentences = [s for s in sentences if len(s.split()) > 14]
    assert not long_sentences, long_sentences


def test_sign_language_page_says_the_video_is_coming_when_none_is_configured(client, district, settings):
    settings.DGS_VIDEO = ""
    page = client.get(reverse("sign_language")).content.decode()
    assert "<video" not in page
    assert "entsteht gerade" in page
    assert f'href="{reverse("easy_language")}"' in page


def test_sign_language_video_comes_from_own_storage_with_captions(client, district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DGS_VIDEO = default_storage.save("dgs/portal.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"))
    settings.DGS_CAPTIONS = default_storage.save("dgs/portal.vtt", ContentFile(b"WEBVTT\n"))
    page = client.get(reverse("sign_language")).content.decode()
    video = re.search(r'<video [^>]*src="([^"]+)"', page)
    assert video and video.group(1) == default_storage.url(settings.DGS_VIDEO)
    assert video.group(1).startswith("/")  # our own server, no third-party player
    assert (
        f'<track kind="captions" srclang="de" label="Deutsch" src="{default_storage.url(settings.DGS_CAPTIONS)}"'
        in page
    )
    assert 'aria-describedby="dgs-text-alternative"' in page
    assert "<iframe" not in page


def test_dates_follow_the_language_convention():
    import datetime

    from django.utils import translation
    from django.utils.formats import date_format

    thursday = datetime.date(2026, 12, 10)
    formatted = {}
    for code in ("de", "ar", "ru", "tr"):
        with translation.override(code):
            formatted[code] = date_format(thursday, translation.gettext("l, j. F Y"))
    assert formatted["de"] == "Donnerstag, 10. Dezember 2026"
    assert formatted["ar"] == "الخميس، 10 ديسمبر 2026"
    assert "10 декабря 2026" in formatted["ru"]  # the month in the genitive, no German full stop
    assert formatted["tr"] == "10 Aralık 2026 Perşembe"


def test_calendar_shows_arabic_dates_in_arabic_order(client, district, contact_unna, unna):
    import datetime

    from django.utils import timezone, translation
    from django.utils.formats import date_format

    from events.models import Event
    from events.tests.factories import make_event

    start = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).replace(hour=18, minute=0)
    make_event(by=contact_unna, municipality=unna, start=start, status=Event.Status.APPROVED)
    page = in_language(client, "ar").get(reverse("events:calendar")).content.decode()
    with translation.override("ar"):
        day_heading = date_format(start, "l، j F Y")
        german_style = date_format(start, "l, j. F Y")
    assert f">{day_heading}</h3>" in page
    assert german_style not in page


def test_confirmation_mail_speaks_the_language_of_the_sign_up(
    client, district, mailoutbox, django_capture_on_commit_callbacks
):
    from volunteers.tests.account_helpers import signup_data

    client.post(reverse("set_language"), {"language": "ar"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("volunteers:signup"), signup_data(full_name="مريم حداد"))
    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.subject == "يرجى تأكيد عنوان بريدك الإلكتروني – Kreisintegration"
    assert "شكرًا جزيلًا على تسجيلك" in mail.body
    [(html, _mime)] = mail.alternatives
    assert '<html lang="ar" dir="rtl">' in html


@pytest.mark.parametrize(
    ("url_name", "code", "expected"),
    [
        ("volunteers:my_courses", "ar", "التسجيلات الحالية"),
        ("volunteers:my_courses", "uk", "Мої кваліфікації"),
        ("volunteers:profile", "fa", "نمایهٔ داوطلبی من"),
        ("volunteers:profile", "tr", "Gönüllü profilim"),
    ],
)
def test_volunteer_area_is_translated(client, volunteer, url_name, code, expected):
    client.force_login(volunteer)
    response = in_language(client, code).get(reverse(url_name))
    assert response.status_code == 200
    assert expected in response.content.decode()


@pytest.mark.parametrize("code", sorted(NEWCOMER_LANGUAGES))
def test_cancellation_mails_speak_the_volunteers_language(
    volunteer, ki_staff, district, code, mailoutbox, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from volunteers import services as course_services
    from volunteers.tests.factories import make_course

    volunteer.preferred_language = code
    volunteer.save()
    kept = make_course(district, title="Grundkurs Ehrenamt")
    left = make_course(district, title="Aufbaukurs Sprachmittlung")
    with django_capture_on_commit_callbacks(execute=True):
        course_services.register_for_course(volunteer=volunteer.volunteer, course=kept)
        registration = course_services.register_for_course(volunteer=volunteer.volunteer, course=left)
        course_services.cancel_registration(by=volunteer, registration=registration)
        course_services.cancel_course(by=ki_staff, course=kept, reason="Krankheit")

    with translation.override(code):
        expected = {
            translation.gettext("Abmeldung bestätigt: %(title)s") % {"title": "Aufbaukurs Sprachmittlung"}: (
                translation.gettext(
                    "Sie sind von diesem Kurs abgemeldet. Schade, dass es nicht passt – vielleicht beim nächsten Mal!"
                )
            ),
            translation.gettext("Kurs abgesagt: %(title)s")
            % {"title": "Grundkurs Ehrenamt"}: translation.gettext(
                "Leider muss dieser Kurs ausfallen. Ihre Anmeldung ist damit beendet; Sie müssen nichts weiter tun."
            ),
        }
    sent = {mail.subject: mail.body for mail in mailoutbox}
    for subject, sentence in expected.items():
        assert subject in sent, (subject, list(sent))
        assert sentence in sent[subject]
        assert "Leider" not in sent[subject] and "abgemeldet" not in sent[subject]
