"""Sign-language video test files (a tiny MP4 and WebVTT) and the upload form post."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 4


WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 200


VTT = b"WEBVTT\n\n00:00.000 --> 00:04.000\nHerzlich willkommen beim Integrationszentrum.\n"


def mp4(name="erklaerung.mp4", content=MP4):
    return SimpleUploadedFile(name, content, content_type="video/mp4")


def vtt(name="erklaerung.vtt", content=VTT):
    return SimpleUploadedFile(name, content, content_type="text/vtt")


def upload(client, **fields):
    data = {"title": "Das Portal in Gebärdensprache", "position": "1", "transcript": "", **fields}
    data.setdefault("video", mp4())
    data.setdefault("captions", vtt())
    return client.post(reverse("signlanguage:create"), data)
