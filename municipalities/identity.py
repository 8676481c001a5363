"""The district's own identity: German name forms, logo and primary colour.

Kept apart from ``models.py`` because the checks here (SVG sanitising, WCAG contrast) are
security and accessibility rules of their own that forms, the admin and tests share.
"""

from __future__ import annotations

import io
import re
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOGO_MAX_BYTES = 512 * 1024
LOGO_CONTENT_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
# Text on a coloured button or link colour on white: WCAG 2.1 SC 1.4.3 (AA, normal text).
MIN_CONTRAST_WITH_WHITE = 4.5
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# --- German name forms ------------------------------------------------------------------

# (prefix of the name, genitive article phrase, locative phrase): "Kreis Unna" → "des Kreises
# Unna", "im Kreis Unna". Names that fit none of them are place names ("Bielefeld").
_NAME_PATTERNS = [
    ("Kreis ", "des Kreises ", "im Kreis "),
    ("Rhein-Kreis ", "des Rhein-Kreises ", "im Rhein-Kreis "),
    ("Stadt ", "der Stadt ", "in der Stadt "),
    ("Städteregion ", "der Städteregion ", "in der Städteregion "),
]


def german_is_active() -> bool:
    """The entered forms are German grammar; in another language the sentence says "in …"."""
    from django.utils.translation import get_language

    return (get_language() or "de").startswith("de")


def derived_name_forms(name: str) -> tuple[str, str]:
    """(genitive, locative) of a district name when nobody has entered them.

    A name like "Märkischer Kreis" or "Ennepe-Ruhr-Kreis" declines its adjective, which no
    rule here gets right; such districts enter both forms (see the admin).
    """
    for prefix, genitive, locative in _NAME_PATTERNS:
        if name.startswith(prefix):
            rest = name[len(prefix) :]
            return genitive + rest, locative + rest
    if name.endswith("Kreis") or name.endswith("kreis"):
        return f"des {name}es", f"im {name}"
    return f"von {name}", f"in {name}"


# --- colour ------------------------------------------------------------------------------


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a ``#rrggbb`` colour."""
    channels = []
    for index in (1, 3, 5):
        value = int(colour[index : index + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


def validate_primary_colour(value: str) -> None:
    if not value:
        return
    if not HEX_COLOUR.match(value):
        raise ValidationError(
            _("Bitte geben Sie die Farbe als Hex-Wert mit sechs Stellen an, z. B. #005A9C."), code="format"
        )
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST_WITH_WHITE:
        raise ValidationError(
            _(
                "Die Farbe %(colour)s hat zu Weiß nur ein Kontrastverhältnis von %(ratio)s:1. "
                "Für gut lesbare Schrift sind mindestens 4,5:1 nötig; wählen Sie einen dunkleren Ton."
            )
            % {"colour": value, "ratio": f"{ratio:.2f}".replace(".", ",")},
            code="contrast",
        )


# --- logo ----------------------------------------------------------------------------------

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Elements that run code or embed another document inside the image.
FORBIDDEN_SVG_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _refuse(reason: str) -> ValidationError:
    return ValidationError(
        _("Dieses SVG-Logo wird nicht angenommen: %(reason)s") % {"reason": reason}, code="unsafe_svg"
    )


def _check_svg_element(element) -> None:
    tag = _local(element.tag)
    if tag in FORBIDDEN_SVG_ELEMENTS:
        raise _refuse(_("Es enthält ein <%(tag)s>-Element.") % {"tag": tag})
    if tag == "style" and "url(" in (element.text or "").lower():
        raise _refuse(_("Sein <style> lädt mit url() weitere Inhalte."))
    for attribute, value in element.attrib.items():
        name = _local(attribute)
        lowered = value.strip().lower()
        if name.startswith("on"):
            raise _refuse(_("Es enthält das Ereignis-Attribut „%(name)s“.") % {"name": name})
        if (name == "href" or attribute == XLINK_HREF) and not lowered.startswith("#"):
            raise _refuse(_("Es verweist auf eine externe Adresse."))
        if name == "style" and re.search(r"url\(\s*['\"]?(?!#)", lowered):
            raise _refuse(_("Ein style-Attribut lädt mit url() weitere Inhalte."))
        if "javascript:" in lowered:
            raise _refuse(_("Es enthält JavaScript."))


def check_svg(content: bytes) -> None:
    """Refuse an SVG that could run code, embed documents or load anything from outside."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(content, forbid_dtd=True)
    except (DefusedXmlException, SyntaxError, ValueError) as error:
        raise _refuse(_("Die Datei ist kein gültiges, einfaches SVG.")) from error
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise _refuse(_("Die Datei ist kein SVG-Bild."))
    for element in root.iter():
        _check_svg_element(element)


def check_png(content: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(_("Die Datei ist kein gültiges PNG-Bild."), code="invalid_png") from error
    if image_format != "PNG":
        raise ValidationError(_("Die Datei ist kein gültiges PNG-Bild."), code="invalid_png")


def logo_suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def validate_logo(upload) -> None:
    """Model-field validator of ``District.logo``: a small PNG or a harmless SVG."""
    if not upload or getattr(upload, "_committed", False):
        return  # nothing new: a stored logo was checked when it came in
    suffix = logo_suffix(upload.name)
    if suffix not in LOGO_CONTENT_TYPES:
        raise ValidationError(_("Das Logo muss eine SVG- oder PNG-Datei sein."), code="logo_type")
    if upload.size is not None and upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Das Logo darf höchstens %(size)s KB groß sein.") % {"size": LOGO_MAX_BYTES // 1024},
            code="logo_size",
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    if suffix == ".svg":
        check_svg(content)
    else:
        check_png(content)


def logo_upload_to(district, filename: str) -> str:
    # Never the uploaded name: a fixed name per district and the checked suffix only.
    return f"district-logos/{district.slug}/logo{logo_suffix(filename)}"


def logo_data_uri(district) -> str:
    """The district's logo inline (``data:``), for PDFs that load nothing from outside; or ""."""
    import base64

    from django.core.files.storage import default_storage

    name = district.logo.name if district and district.logo else ""
    content_type = LOGO_CONTENT_TYPES.get(logo_suffix(name)) if name else None
    if content_type is None or not default_storage.exists(name):
        return ""
    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"
