"""Adding, replacing and removing the DGS videos (KI staff of the video's district only).

A replaced or removed file is deleted from the storage after the transaction commits: a rolled-back
change keeps serving the old file, and a committed one leaves nothing behind.
"""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction

from accounts.models import User
from municipalities.models import District
from municipalities.permissions import is_ki_staff

from .models import SignLanguageVideo


def _require_ki_staff(by: User, district: District) -> None:
    if not is_ki_staff(by, district):
        raise PermissionDenied


def _delete_after_commit(*names: str | None) -> None:
    for name in names:
        if name:
            transaction.on_commit(partial(default_storage.delete, name), robust=True)


@transaction.atomic
def add_sign_language_video(
    *,
    by: User,
    district: District,
    title: str,
    captions,
    video=None,
    video_link: str = "",
    transcript: str = "",
    position: int = 1,
) -> SignLanguageVideo:
    """A video file or a https ``video_link`` to the KI's own server (one of the two)."""
    _require_ki_staff(by, district)
    entry = SignLanguageVideo(
        district=district, title=title, video_link=video_link, transcript=transcript, position=position
    )
    entry.video = video
    entry.captions = captions
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def update_sign_language_video(
    *,
    by: User,
    entry: SignLanguageVideo,
    title: str,
    transcript: str,
    position: int,
    video_link: str | None = None,
    new_video=None,
    new_captions=None,
) -> SignLanguageVideo:
    """Change the texts; ``new_video``/``new_captions`` replace the stored files when given.

    A ``video_link`` replaces an uploaded video (its file is deleted); a new video file replaces a
    link. ``None`` keeps the link as it is.
    """
    _require_ki_staff(by, entry.district)
    entry = SignLanguageVideo.objects.select_for_update().get(pk=entry.pk)
    replaced = []
    entry.title, entry.transcript, entry.position = title, transcript, position
    if new_video is not None:
        replaced.append(entry.video.name)
        entry.video = new_video
        entry.video_link = ""
    elif video_link:
        replaced.append(entry.video.name)
        entry.video, entry.video_link = "", video_link
    elif video_link is not None:
        entry.video_link = ""
    if new_captions is not None:
        replaced.append(entry.captions.name)
        entry.captions = new_captions
    entry.full_clean()
    entry.save()
    _delete_after_commit(*replaced)
    return entry


@transaction.atomic
def remove_sign_language_video(*, by: User, entry: SignLanguageVideo) -> None:
    _require_ki_staff(by, entry.district)
    names = (entry.video.name if entry.video else "", entry.captions.name)
    entry.delete()
    _delete_after_commit(*names)
