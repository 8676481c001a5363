"""Uploaded receipts (Beleg) and qualification proofs: checking, storing and deleting the files.

An upload must be a PDF, JPEG or PNG by its content, within the size limit.

The name's suffix must be one of the three, and the content must really be of that kind: a PDF
starts with ``%PDF-`` and ends with ``%%EOF``; an image is opened and verified by Pillow. A
renamed HTML page or executable is refused whatever it is called.
"""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from kreisintegration.uploads import OversizedUpload

from .models import ReceiptFile

Kind = ReceiptFile.Kind
SUFFIX_KINDS = {".pdf": Kind.PDF, ".jpg": Kind.JPEG, ".jpeg": Kind.JPEG, ".png": Kind.PNG}
PIL_FORMATS = {"JPEG": Kind.JPEG, "PNG": Kind.PNG}


def _refuse(code: str) -> ValidationError:
    return ValidationError(
        _("Die Datei ist keine gültige PDF-, JPEG- oder PNG-Datei. Bitte laden Sie die Datei in einem dieser Formate hoch."),
        code=code,
    )  # fmt: skip


def _sniff(content: bytes) -> str:
    if content.startswith(b"%PDF-"):
        if b"%%EOF" not in content[-1024:]:
            raise _refuse("pdf_incomplete")
        return Kind.PDF
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _refuse("not_a_receipt") from error
    if image_format not in PIL_FORMATS:
        raise _refuse("not_a_receipt")
    return PIL_FORMATS[image_format]


def check_receipt_upload(upload) -> tuple[str, bytes]:
    """The kind the content turned out to be and the content itself, or ValidationError."""
    limit = settings.ENGAGEMENT_RECEIPT_MAX_BYTES
    if isinstance(upload, OversizedUpload) or (upload.size or 0) > limit:
        raise ValidationError(
            _("Die Datei ist zu groß: höchstens %(size)s MB sind möglich.")
            % {"size": f"{limit / (1024 * 1024):.0f}"},
            code="too_large",
        )
    suffix_kind = SUFFIX_KINDS.get(PurePosixPath(upload.name or "").suffix.lower())
    if suffix_kind is None:
        raise _refuse("suffix")
    upload.seek(0)
    content = upload.read()
    if not content:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    kind = _sniff(content)
    if kind != suffix_kind:
        raise _refuse("suffix_mismatch")
    return kind, content


def display_name(name: str) -> str:
    """The uploaded name as shown in lists: no path, no control characters, at most 200 characters."""
    name = PurePosixPath((name or "").replace("\\", "/")).name
    return "".join(char for char in name if char.isprintable())[:200] or "beleg"


def save_with_file(row: models.Model, name: str, content: bytes) -> None:
    """Store ``content`` in the row's ``file`` under ``name``, then save the row; when the row
    cannot be saved, the file is removed again (no row, so no file either)."""
    stored = getattr(row, "file")  # noqa: B009 - every model passed here has a ``file`` field
    stored.save(name, ContentFile(content), save=False)
    try:
        row.save()
    except Exception:
        if stored.name:
            stored.storage.delete(stored.name)
        raise


def delete_rows_and_files(rows: models.QuerySet) -> int:
    """Delete the rows now and their stored files (field ``file``) once the transaction has committed."""
    names = [name for name in rows.values_list("file", flat=True) if name]
    field = rows.model._meta.get_field("file")
    if not isinstance(field, models.FileField):
        raise TypeError(f"{rows.model.__name__}.file is not a file field")
    storage = field.storage
    count, _deleted = rows.delete()

    def remove() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove)
    return count
