"""Checks of uploaded sign-language videos and captions, and their names in the storage.

A file is accepted by what it is, not by what it is called: the first bytes must be those of an
MP4 or WebM video, or a WebVTT text. The browser only ever gets the content type decided here
(``nosniff``), so a renamed HTML page can neither be stored as a video nor be run from our origin.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}
CAPTIONS_TYPE = "text/vtt; charset=utf-8"
WEBVTT_SIGNATURE = b"WEBVTT"
UTF8_BOM = b"\xef\xbb\xbf"
EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def suffix_of(name: str) -> str:
    return PurePosixPath(name or "").suffix.lower()


def _head(upload, length: int) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def _too_large(upload, limit: int) -> ValidationError:
    return ValidationError(
        _("Die Datei ist %(size)s groß; erlaubt sind höchstens %(limit)s.")
        % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        code="too_large",
    )


def validate_video(upload) -> None:
    """An MP4 (ISO base media, ``ftyp`` box first) or WebM (EBML with doctype ``webm``) video."""
    if not upload or getattr(upload, "_committed", False):
        return  # nothing new: a stored video was checked when it came in
    suffix = suffix_of(upload.name)
    if suffix not in VIDEO_TYPES:
        raise ValidationError(_("Das Video muss eine MP4- oder WebM-Datei sein."), code="video_type")
    limit = settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES
    if upload.size > limit:
        raise _too_large(upload, limit)
    head = _head(upload, 64)
    is_mp4 = len(head) >= 12 and head[4:8] == b"ftyp"
    is_webm = head.startswith(EBML_MAGIC) and b"webm" in head
    if (suffix == ".mp4" and not is_mp4) or (suffix == ".webm" and not is_webm):
        raise ValidationError(
            _("Die Datei ist kein %(format)s-Video (der Inhalt passt nicht zur Endung).")
            % {"format": suffix[1:].upper()},
            code="video_content",
        )


def validate_captions(upload) -> None:
    """A WebVTT file: UTF-8 text whose first line starts with ``WEBVTT``."""
    if not upload or getattr(upload, "_committed", False):
        return
    if suffix_of(upload.name) != ".vtt":
        raise ValidationError(_("Die Untertitel müssen eine WebVTT-Datei (.vtt) sein."), code="captions_type")
    limit = settings.SIGN_LANGUAGE_CAPTIONS_MAX_BYTES
    if upload.size > limit:
        raise _too_large(upload, limit)
    content = _head(upload, limit + 1)
    if content.startswith(UTF8_BOM):
        content = content[len(UTF8_BOM) :]
    first_line = content.split(b"\n", 1)[0].rstrip(b"\r")
    valid_start = first_line == WEBVTT_SIGNATURE or first_line.startswith((b"WEBVTT ", b"WEBVTT\t"))
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        valid_start = False
    if not valid_start or b"\x00" in content:
        raise ValidationError(
            _("Die Datei ist keine gültige WebVTT-Datei (die erste Zeile muss mit „WEBVTT“ beginnen)."),
            code="captions_content",
        )


def video_upload_to(instance, filename: str) -> str:
    """A fresh name per upload (never the uploader's): a replaced file gets a new address."""
    return f"sign-language/{instance.district.slug}/{uuid.uuid4().hex}{suffix_of(filename)}"


def captions_upload_to(instance, filename: str) -> str:
    return f"sign-language/{instance.district.slug}/{uuid.uuid4().hex}.vtt"


def content_type_of_video(name: str) -> str | None:
    return VIDEO_TYPES.get(suffix_of(name))


def validate_video_link(url: str) -> None:
    """A https address on one of ``SIGN_LANGUAGE_VIDEO_HOSTS``: the KI's own video server only."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        raise ValidationError(_("Der Link muss mit https:// beginnen."), code="video_link_scheme")
    allowed = settings.SIGN_LANGUAGE_VIDEO_HOSTS
    if not allowed:
        raise ValidationError(
            _("Links zu Videos sind nicht eingerichtet. Bitte laden Sie das Video hoch."),
            code="video_link_off",
        )
    try:
        port = parts.port
    except ValueError:
        port = -1
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or port not in (None, 443) or host not in allowed:
        raise ValidationError(
            _("Videos dürfen nur von diesen Servern verlinkt werden: %(hosts)s.")
            % {"hosts": ", ".join(allowed)},
            code="video_link_host",
        )
