"""The volunteer-facing placement pages speak the newcomers' languages: no German string of their
templates, forms and messages is left, and the page has the language's code and direction."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from volunteers.models import VolunteerLanguage

from .placement_helpers import language, publish

pytestmark = pytest.mark.django_db

DIRECTION = {"ar": "rtl", "tr": "ltr", "uk": "ltr", "ru": "ltr", "fa": "rtl"}

# The German msgids of the list, the detail page (interest form, consent, withdrawal), the messages
# and the link from the volunteer's area; each must be translated wherever it is shown.
LIST = [
    "Einsatzstellen für Ehrenamtliche",
    "Einsatzstellen, die zu Ihrem Profil passen (Sprachen, Qualifikationen, Wohnort), stehen oben.",
    "Sprachen und Wohnort im Profil ändern",
    "Kommunales Integrationszentrum",
    "passt zu Ihren Sprachen",
    "in Ihrer Kommune",
    "Sie haben Interesse bekundet",
]
DETAIL_BEFORE = [
    "Kommunales Integrationszentrum",
    "Wann und wie oft",
    "gebrauchte Sprachen",
    "erforderliche Qualifikationen",
    "Interesse bekunden",
    "Welche Ihrer Sprachen darf die Einsatzstelle sehen?",
    "Die Einsatzstelle darf meine E-Mail-Adresse und Telefonnummer sehen, um mich anzusprechen.",
    "Ohne diese Einwilligung sieht die Einsatzstelle nur Ihren Namen und die gewählten Sprachen. "
    "Sie können die Einwilligung jederzeit hier zurücknehmen.",
    "Alle Einsatzstellen",
]
DETAIL_AFTER = [
    "Ihr Interesse ist gespeichert; die Einsatzstelle wird benachrichtigt.",
    "Ihr Interesse",
    "Ihre Kontaktdaten sind für die Einsatzstelle freigegeben.",
    "Angaben ändern",
    "Interesse zurückziehen",
]
DETAIL_WITHDRAWN = [
    "Ihr Interesse ist zurückgezogen; Ihre Kontaktdaten sind nicht mehr freigegeben.",
    "Interesse bekunden",
]
# Short words checked as whole element texts (as substrings they occur inside other words).
WORDS = ["Wo", "keine", "Kontakt"]


def assert_translated(page: str, code: str, msgids: list[str]) -> None:
    assert f'<html lang="{code}" dir="{DIRECTION[code]}"' in page
    page = page[page.index("<main") : page.index("</main>")]  # the header names the district (data)
    with translation.override(code):
        for msgid in msgids:
            translated = translation.gettext(msgid)
            assert translated != msgid, f"{code}: no translation of {msgid!r}"
            assert translated in page, f"{code}: {translated!r} not shown"
            assert msgid not in page, f"{code}: German {msgid!r} left"
        for word in WORDS:
            assert f">{word}<" not in page
            assert translation.gettext(word) != word


@pytest.mark.parametrize("code", sorted(DIRECTION))
def test_placement_pages_have_no_german_left(client, district, unna, ki_staff, volunteer, code):
    VolunteerLanguage.objects.create(volunteer=volunteer.volunteer, language=language("ar"))
    volunteer.volunteer.municipality = unna
    volunteer.volunteer.save(update_fields=["municipality"])
    placement = publish(ki_staff, unna, languages=["ar"])
    client.force_login(volunteer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    detail = reverse("engagement:placement_detail", args=[placement.pk])

    page = client.get(detail).content.decode()
    assert_translated(page, code, DETAIL_BEFORE)

    response = client.post(
        detail, {"shared_languages": [language("ar").pk], "share_contact": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == detail
    assert_translated(response.content.decode(), code, DETAIL_AFTER)

    page = client.get(reverse("engagement:placements")).content.decode()
    assert_translated(page, code, LIST)

    response = client.post(reverse("engagement:interest_withdraw", args=[placement.pk]), follow=True)
    assert_translated(response.content.decode(), code, DETAIL_WITHDRAWN)

    page = client.get(reverse("volunteers:my_courses")).content.decode()
    assert_translated(page, code, ["Einsatzstellen finden, die zu Ihren Sprachen und Ihrem Wohnort passen"])


@pytest.mark.parametrize("code", ["ar", "fa"])
def test_placement_errors_and_empty_list_are_translated(client, district, unna, ki_staff, volunteer, code):
    client.force_login(volunteer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    page = client.get(reverse("engagement:placements")).content.decode()
    assert_translated(page, code, ["Zurzeit sind keine Einsatzstellen ausgeschrieben."])

    placement = publish(ki_staff, unna)
    page = client.get(reverse("engagement:placement_detail", args=[placement.pk])).content.decode()
    assert_translated(page, code, ["In Ihrem Profil sind noch keine Sprachen eingetragen."])
    response = client.post(reverse("engagement:interest_withdraw", args=[placement.pk]), follow=True)
    assert_translated(
        response.content.decode(), code, ["Sie haben an dieser Einsatzstelle kein Interesse bekundet."]
    )
