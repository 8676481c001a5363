"""The district's identity: German name forms, a sanitised logo served safely, an accessible colour."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from municipalities import identity
from municipalities.identity_views import LOGO_CSP
from municipalities.models import District
from municipalities.tests.factories import GOOD_SVG, DistrictFactory

HOSTILE_SVGS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "onload": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "external href": (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<image xlink:href="https://evil.example/track.png" width="1" height="1"/></svg>'
    ),
    "plain href": b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>',
    "foreignObject": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject width="9" height="9">'
        b'<div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>'
    ),
    "style url": b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(https://evil.example/x) }</style></svg>',
    "entity": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    ),
    "not svg": b"<html><body>hallo</body></html>",
}


def png_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 4), "#004b87").save(output, format="PNG")
    return output.getvalue()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # the portal district is cached
    yield
    translation.activate(settings.LANGUAGE_CODE)  # a request in English leaves it active


def with_logo(district: District, name: str, content: bytes) -> District:
    district.logo = SimpleUploadedFile(name, content)
    district.full_clean()
    district.save()
    return district


# --- name forms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "genitive", "locative"),
    [
        ("Kreis Unna", "des Kreises Unna", "im Kreis Unna"),
        ("Rhein-Kreis Neuss", "des Rhein-Kreises Neuss", "im Rhein-Kreis Neuss"),
        ("Stadt Hamm", "der Stadt Hamm", "in der Stadt Hamm"),
        ("Städteregion Aachen", "der Städteregion Aachen", "in der Städteregion Aachen"),
        ("Bielefeld", "von Bielefeld", "in Bielefeld"),
    ],
)
def test_name_forms_are_derived_when_not_entered(name, genitive, locative):
    district = District(name=name)
    assert (district.genitive, district.locative) == (genitive, locative)


def test_entered_name_forms_win_over_the_derived_ones():
    district = District(
        name="Märkischer Kreis", name_genitive="des Märkischen Kreises", name_locative="im Märkischen Kreis"
    )
    assert district.genitive == "des Märkischen Kreises"
    assert district.locative == "im Märkischen Kreis"


def test_pages_use_the_german_name_forms(client, district):
    district.name_genitive = "des Kreises Unna"
    district.name_locative = "im Kreis Unna"
    district.save()
    home = client.get(reverse("home")).content.decode()
    assert "Städte und Gemeinden im Kreis Unna für Integration" in home
    assert "im Gebiet" not in home
    signup = client.get(reverse("volunteers:signup")).content.decode()
    assert "für die Qualifizierungskurse des Kreises Unna anmelden" in signup
    assert "Qualifizierungskurse von" not in signup


def test_english_pages_keep_english_around_the_district_name(client, district):
    client.cookies["django_language"] = "en"
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "municipalities in Kreis Unna are doing" in home
    assert "im Kreis Unna" not in home


# --- colour -----------------------------------------------------------------------------------


def test_contrast_ratio_follows_the_wcag_formula():
    assert identity.contrast_with_white("#000000") == pytest.approx(21.0)
    assert identity.contrast_with_white("#ffffff") == pytest.approx(1.0)
    assert identity.contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("colour", ["#004B87", "#767676", "#1a1a1a"])
def test_colours_with_enough_contrast_are_accepted(district, colour):
    district.primary_colour = colour
    district.full_clean()


@pytest.mark.parametrize(
    ("colour", "message"),
    [
        ("#777777", "4,48:1"),  # just below 4.5:1
        ("#FFCC00", "1,51:1"),
        ("#0d6efd80", "Hex-Wert"),
        ("red", "Hex-Wert"),
    ],
)
def test_colours_that_fail_are_refused_with_a_german_message(district, colour, message):
    district.primary_colour = colour
    with pytest.raises(ValidationError) as error:
        district.full_clean()
    assert message in " ".join(error.value.message_dict["primary_colour"])


def test_theme_stylesheet_carries_the_district_colour(client, district):
    district.primary_colour = "#004B87"
    district.save()
    response = client.get(reverse("municipalities:district_theme"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    css = response.content.decode()
    assert "--district-primary: #004B87" in css and "--kern-color-action-default: #004B87" in css
    assert "max-age" in response["Cache-Control"]
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("municipalities:district_theme")}"' in page


def test_theme_stylesheet_without_colour_sets_nothing(client, district):
    css = client.get(reverse("municipalities:district_theme")).content.decode()
    assert "--" not in css.replace("/*", "").split("*/")[-1]


# --- logo -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(HOSTILE_SVGS))
def test_hostile_svg_logo_is_refused(district, kind):
    district.logo = SimpleUploadedFile("logo.svg", HOSTILE_SVGS[kind])
    with pytest.raises(ValidationError) as error:
        district.full_clean()
    assert "SVG" in " ".join(error.value.message_dict["logo"])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"GIF89a not a png", "kein gültiges PNG"),
        ("logo.png", GOOD_SVG, "kein gültiges PNG"),
        ("logo.gif", b"GIF89a", "SVG- oder PNG"),
        ("logo.svg", b"<svg" + b" " * identity.LOGO_MAX_BYTES, "höchstens 512 KB"),
    ],
)
def test_other_bad_logos_are_refused(district, name, content, message):
    district.logo = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as error:
        district.full_clean()
    assert message in " ".join(error.value.message_dict["logo"])


def test_good_svg_logo_is_served_as_an_image_that_can_run_nothing(client, district):
    with_logo(district, "Wappen des Kreises.svg", GOOD_SVG)
    assert district.logo.name.startswith("district-logos/kreis-unna/logo")  # not the uploaded name
    response = client.get(reverse("municipalities:district_logo", kwargs={"slug": district.slug}))
    assert response.status_code == 200
    assert response.content == GOOD_SVG
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == LOGO_CSP == "default-src 'none'; style-src 'unsafe-inline'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_good_png_logo_is_served_with_its_type(client, district):
    content = png_bytes()
    with_logo(district, "logo.PNG", content)
    response = client.get(reverse("municipalities:district_logo", kwargs={"slug": district.slug}))
    assert response.status_code == 200 and response.content == content
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == LOGO_CSP
    assert response["X-Content-Type-Options"] == "nosniff"


def test_ki_staff_upload_a_logo_and_colour_in_the_admin_and_a_hostile_one_is_refused(
    client, district, ki_staff
):
    ki_staff.is_staff = True
    ki_staff.save()
    ki_staff.user_permissions.add(Permission.objects.get(codename="change_district"))
    client.force_login(ki_staff)
    url = reverse("admin:municipalities_district_change", args=[district.pk])
    form = {
        "name": district.name,
        "slug": district.slug,
        "ags_prefix": district.ags_prefix,
        "ki_name": district.ki_name,
        "ki_email": district.ki_email,
        "short_name": "Kreis Unna",
        "name_genitive": "des Kreises Unna",
        "name_locative": "im Kreis Unna",
        "primary_colour": "#FFCC00",
        "logo": SimpleUploadedFile("logo.svg", HOSTILE_SVGS["onload"]),
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Ereignis-Attribut" in page and "Kontrastverhältnis" in page
    district.refresh_from_db()
    assert not district.logo and district.primary_colour == "" and district.name_genitive == ""

    form.update(primary_colour="#004B87", logo=SimpleUploadedFile("logo.svg", GOOD_SVG))
    saved = client.post(url, form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    district.refresh_from_db()
    assert district.logo and district.primary_colour == "#004B87"
    assert district.genitive == "des Kreises Unna"


def test_logo_of_another_name_or_without_logo_is_not_found(client, district):
    other = DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    assert client.get(reverse("municipalities:district_logo", kwargs={"slug": other.slug})).status_code == 404
    assert (
        client.get(reverse("municipalities:district_logo", kwargs={"slug": "gibt-es-nicht"})).status_code
        == 404
    )


def test_header_shows_the_district_logo_with_its_alternative_text(client, district):
    district.logo_alt = "Wappen des Kreises Unna: ein roter Adler"
    with_logo(district, "wappen.svg", GOOD_SVG)
    cache.clear()
    page = client.get(reverse("home")).content.decode()
    header = page.split('<header class="ki-masthead">', 1)[1].split("</header>", 1)[0]
    logo_url = reverse("municipalities:district_logo", kwargs={"slug": district.slug})
    assert (
        f'<img class="ki-header__logo" src="{logo_url}" alt="Wappen des Kreises Unna: ein roter Adler">'
        in header
    )
    assert client.get(logo_url).status_code == 200


def test_header_logo_without_own_alternative_text_names_the_district(client, district):
    with_logo(district, "logo.png", png_bytes())
    cache.clear()
    page = client.get(reverse("home")).content.decode()
    assert f'alt="Logo: {district.name}"' in page


def test_header_without_logo_has_no_image(client, district):
    page = client.get(reverse("home")).content.decode()
    assert "ki-header__logo" not in page


def test_every_page_names_the_district_in_its_description_and_has_the_portal_icon(client, district):
    from html.parser import HTMLParser

    from django.contrib.staticfiles import finders

    class Head(HTMLParser):
        def __init__(self):
            super().__init__()
            self.description, self.icons = [], []

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "meta" and attributes.get("name") == "description":
                self.description.append(attributes["content"])
            if tag == "link" and attributes.get("rel") == "icon":
                self.icons.append(attributes["href"])

    for url in (reverse("home"), reverse("imprint"), reverse("accessibility")):
        head = Head()
        head.feed(client.get(url).content.decode())
        assert len(head.description) == 1 and head.description[0].startswith(
            f"{district.name}: Veranstaltungen"
        )
        assert len(head.icons) == 1
        icon = head.icons[0].removeprefix("/static/")
        assert finders.find(icon), f"{icon} is not a static file"

    english = Head()
    english.feed(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert english.description[0].startswith(f"{district.name}: events, qualification courses")
