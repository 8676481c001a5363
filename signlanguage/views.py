"""KI staff manage the DGS videos; everyone gets the files from our own origin.

The files are served by a view, not a public media URL: it answers only with the content type
decided at upload (``nosniff``, no script may run), supports byte ranges (browsers seek in a video
with them) and carries the file's name in its address, so a replaced video is a new address.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_safe

from municipalities.permissions import KIStaffRequiredMixin, districts_administered_by

from . import files, services
from .forms import SignLanguageVideoForm
from .models import SignLanguageVideo
from .selectors import sign_language_videos_managed_by

FILE_MAX_AGE = 24 * 60 * 60
FILE_CSP = "default-src 'none'"
CHUNK_BYTES = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class ManageView(KIStaffRequiredMixin, View):
    http_method_names = ["get", "head", "options"]

    def get(self, request):
        videos = sign_language_videos_managed_by(request.user).order_by("district__name", "position", "pk")
        return render(request, "signlanguage/manage.html", {"videos": videos})


class _FormView(KIStaffRequiredMixin, View):
    http_method_names = ["get", "post", "head", "options"]
    # Read by kreisintegration.uploads while the body comes in: videos may be this large.
    upload_max_bytes_setting = "SIGN_LANGUAGE_VIDEO_MAX_BYTES"

    def entry(self) -> SignLanguageVideo | None:
        return None

    def form(self, data=None, files_=None):
        return SignLanguageVideoForm(
            data,
            files_,
            districts=districts_administered_by(self.request.user),
            entry=self.entry(),
            max_video_bytes=settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES,
        )

    def render_form(self, form):
        return render(self.request, "signlanguage/form.html", {"form": form, "entry": self.entry()})

    def get(self, request, **kwargs):
        return self.render_form(self.form())

    def post(self, request, **kwargs):
        form = self.form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(form)
        try:
            self.save(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_form(form)
        return redirect("signlanguage:manage")


class CreateView(_FormView):
    def save(self, data):
        entry = services.add_sign_language_video(
            by=self.request.user,
            district=data["district"],
            title=data["title"],
            video=data["video"],
            video_link=data["video_link"],
            captions=data["captions"],
            transcript=data["transcript"],
            position=data["position"],
        )
        messages.success(self.request, _("Das Video „%(title)s“ wurde hochgeladen.") % {"title": entry.title})


class UpdateView(_FormView):
    def entry(self) -> SignLanguageVideo:
        if not hasattr(self, "_entry"):
            self._entry = get_object_or_404(
                sign_language_videos_managed_by(self.request.user), pk=self.kwargs["pk"]
            )
        return self._entry

    def save(self, data):
        entry = services.update_sign_language_video(
            by=self.request.user,
            entry=self.entry(),
            title=data["title"],
            transcript=data["transcript"],
            position=data["position"],
            video_link=data["video_link"],
            new_video=data["video"] or None,
            new_captions=data["captions"] or None,
        )
        messages.success(self.request, _("Das Video „%(title)s“ wurde gespeichert.") % {"title": entry.title})


class RemoveView(KIStaffRequiredMixin, View):
    http_method_names = ["get", "post", "head", "options"]

    def entry(self) -> SignLanguageVideo:
        return get_object_or_404(sign_language_videos_managed_by(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, pk: int):
        return render(request, "signlanguage/remove.html", {"entry": self.entry()})

    def post(self, request, pk: int):
        entry = self.entry()
        title = entry.title
        services.remove_sign_language_video(by=request.user, entry=entry)
        messages.success(request, _("Das Video „%(title)s“ wurde entfernt.") % {"title": title})
        return redirect("signlanguage:manage")


# --- the files, for everyone -----------------------------------------------------------------


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of a single ``bytes=`` range; None for no or an unsupported header."""
    match = _RANGE.match(header.strip())
    if not match or not any(match.groups()):
        return None
    first, last = match.groups()
    if not first:  # the last n bytes
        length = int(last)
        return (max(size - length, 0), size - 1) if length else (size, size)
    return int(first), min(int(last), size - 1) if last else size - 1


def _read(handle, remaining: int):
    try:
        while remaining > 0:
            chunk = handle.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _serve(request, name: str, content_type: str):
    if not name or not default_storage.exists(name):
        raise Http404
    size = default_storage.size(name)
    requested = _byte_range(request.headers.get("Range", ""), size)
    handle = default_storage.open(name, "rb")
    if requested is None:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
    elif requested[0] > requested[1] or requested[0] >= size:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        first, last = requested
        handle.seek(first)
        response = StreamingHttpResponse(
            _read(handle, last - first + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = f"public, max-age={FILE_MAX_AGE}"
    return response


def _entry_with_file(pk: int, field: str, name: str) -> SignLanguageVideo:
    entry = get_object_or_404(SignLanguageVideo, pk=pk)
    stored = getattr(entry, field).name
    if not stored or stored.rsplit("/", 1)[-1] != name:
        raise Http404  # a replaced file's old address
    return entry


@require_safe
def video_file(request, pk: int, name: str):
    entry = _entry_with_file(pk, "video", name)
    content_type = files.content_type_of_video(entry.video.name)
    if content_type is None:
        raise Http404
    return _serve(request, entry.video.name, content_type)


@require_safe
def captions_file(request, pk: int, name: str):
    entry = _entry_with_file(pk, "captions", name)
    return _serve(request, entry.captions.name, files.CAPTIONS_TYPE)
