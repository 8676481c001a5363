"""Upload size limit enforced while the request body is read.

Django stores an upload in memory or, above ``FILE_UPLOAD_MAX_MEMORY_SIZE``, in a
temporary file. Without a cap, a huge body would fill memory or the web host's disk
before any form could refuse it. This handler runs first: once a file passes
``settings.FILE_UPLOAD_MAX_BYTES`` it swallows the rest (nothing more is kept anywhere)
and hands the form a stand-in that only knows its name and size, so the form answers
with its usual, German "too large" message. Uploaded files are never written under the
name the user gave; they are read in memory and discarded (see events/importer/).

A view that takes larger files (the sign-language videos) names the setting of its limit in an
``upload_max_bytes_setting`` attribute (of the view function or class); the handler reads it from
the resolved view, which is known before the CSRF middleware first reads the body.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(SimpleUploadedFile):
    """An upload that was too large: no content, only the size it had when it was cut off."""

    def __init__(self, name: str, size: int, content_type: str | None):
        super().__init__(name, b"", content_type)
        self.size = size


def upload_limit(request) -> int:
    match = getattr(request, "resolver_match", None)
    view = getattr(match, "func", None)
    name = getattr(view, "upload_max_bytes_setting", None) or getattr(
        getattr(view, "view_class", None), "upload_max_bytes_setting", None
    )
    return getattr(settings, name) if name else settings.FILE_UPLOAD_MAX_BYTES


class SizeCappedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = upload_limit(self.request)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            return None  # later handlers (memory, temporary file) never see more of this file
        return raw_data

    def file_complete(self, file_size):
        if self.received > self.limit:
            return OversizedUpload(self.file_name, self.received, self.content_type)
        return None  # the next handler delivers the file as usual
