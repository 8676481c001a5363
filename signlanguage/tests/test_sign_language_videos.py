"""KI staff upload, replace and remove the DGS videos; the page and the file addresses show them."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.models import ModelChange
from municipalities.models import DistrictRole
from municipalities.tests.factories import DistrictFactory, make_district_role
from signlanguage import services
from signlanguage.models import SignLanguageVideo
from signlanguage.tests.helpers import MP4, VTT, WEBM, mp4, upload, vtt


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_client(client, ki_staff):
    client.force_login(ki_staff)
    return client


@pytest.fixture
def uploaded(ki_staff, district):
    return services.add_sign_language_video(
        by=ki_staff, district=district, title="Das Portal in Gebärdensprache", video=mp4(), captions=vtt()
    )


def test_staff_upload_is_stored_under_a_generated_name_and_shown_on_the_page(
    staff_client, client, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(staff_client, transcript="Hallo. Hier lernen Sie das Portal kennen.")

    assert response.status_code == 302
    entry = SignLanguageVideo.objects.get()
    assert entry.district == district
    assert re.fullmatch(rf"sign-language/{district.slug}/[0-9a-f]{{32}}\.mp4", entry.video.name)
    assert re.fullmatch(rf"sign-language/{district.slug}/[0-9a-f]{{32}}\.vtt", entry.captions.name)
    assert "erklaerung" not in entry.video.name
    client.logout()
    page = client.get(reverse("sign_language")).content.decode()
    assert f'src="{entry.get_video_url()}"' in page
    assert (
        f'<track kind="captions" srclang="de" label="Deutsch" src="{entry.get_captions_url()}" default>'
        in page
    )
    assert "Hier lernen Sie das Portal kennen." in page
    assert "entsteht gerade" not in page


def test_video_and_captions_are_served_with_their_checked_type_only(client, uploaded):
    video = client.get(uploaded.get_video_url())
    captions = client.get(uploaded.get_captions_url())

    assert video.status_code == 200
    assert video["Content-Type"] == "video/mp4"
    assert b"".join(video.streaming_content) == MP4
    assert video["Accept-Ranges"] == "bytes"
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert b"".join(captions.streaming_content) == VTT
    for response in (video, captions):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert response["Content-Disposition"] == "inline"


@pytest.mark.parametrize(
    ("header", "status", "body", "content_range"),
    [
        ("bytes=0-9", 206, MP4[:10], f"bytes 0-9/{len(MP4)}"),
        ("bytes=100-", 206, MP4[100:], f"bytes 100-{len(MP4) - 1}/{len(MP4)}"),
        ("bytes=-16", 206, MP4[-16:], f"bytes {len(MP4) - 16}-{len(MP4) - 1}/{len(MP4)}"),
        (f"bytes={len(MP4)}-", 416, b"", f"bytes */{len(MP4)}"),
    ],
)
def test_browsers_can_seek_with_byte_ranges(client, uploaded, header, status, body, content_range):
    response = client.get(uploaded.get_video_url(), HTTP_RANGE=header)

    assert response.status_code == status
    assert response["Content-Range"] == content_range
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content == body


def test_unknown_file_name_or_video_is_not_found(client, uploaded):
    assert (
        client.get(reverse("signlanguage:video", kwargs={"pk": uploaded.pk, "name": "x.mp4"})).status_code
        == 404
    )
    assert (
        client.get(reverse("signlanguage:video", kwargs={"pk": 999999, "name": "x.mp4"})).status_code == 404
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"video": mp4("seite.html", b"<html><script>alert(1)</script>")}, "video", "MP4- oder WebM-Datei"),
        ({"video": mp4("tarnung.mp4", b"<html><script>alert(1)</script>")}, "video", "kein MP4-Video"),
        ({"video": mp4("tarnung.webm", MP4)}, "video", "kein WEBM-Video"),
        ({"captions": vtt("untertitel.srt")}, "captions", "WebVTT-Datei (.vtt)"),
        (
            {"captions": vtt(content=b"1\n00:00:00,000 --> 00:00:04,000\nHallo\n")},
            "captions",
            "keine gültige",
        ),
        ({"captions": vtt(content=b"WEBVTT\n\xff\xfe kaputt")}, "captions", "keine gültige"),
        ({"title": ""}, "title", "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_wrong_files_are_refused_with_a_reason(staff_client, fields, field, message):
    response = upload(staff_client, **fields)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not SignLanguageVideo.objects.exists()
    assert not default_storage.exists("sign-language")


def test_webm_is_accepted(staff_client):
    assert upload(staff_client, video=mp4("erklaerung.webm", WEBM)).status_code == 302
    assert SignLanguageVideo.objects.get().video_content_type == "video/webm"


def test_a_video_above_the_limit_is_cut_off_while_reading_and_refused(staff_client, settings):
    settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES = 1024

    response = upload(staff_client, video=mp4(content=MP4 + b"\x00" * 2048))

    assert response.status_code == 200
    assert "erlaubt sind höchstens 1,0" in " ".join(response.context["form"].errors["video"])
    assert not SignLanguageVideo.objects.exists()


def test_videos_may_be_larger_than_other_uploads(staff_client, settings):
    """The event import's small limit does not apply to this form (kreisintegration/uploads.py)."""
    settings.FILE_UPLOAD_MAX_BYTES = 100

    assert upload(staff_client).status_code == 302
    assert SignLanguageVideo.objects.get().video.size == len(MP4)


def test_replacing_the_video_deletes_the_old_file_and_changes_the_address(
    staff_client, client, uploaded, django_capture_on_commit_callbacks
):
    old_video, old_captions, old_url = uploaded.video.name, uploaded.captions.name, uploaded.get_video_url()
    new_content = MP4 + b"neu"

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("signlanguage:update", kwargs={"pk": uploaded.pk}),
            {"title": "Neue Fassung", "position": "2", "transcript": "", "video": mp4(content=new_content)},
        )

    assert response.status_code == 302
    uploaded.refresh_from_db()
    assert uploaded.title == "Neue Fassung"
    assert uploaded.video.name != old_video
    assert not default_storage.exists(old_video)
    assert uploaded.captions.name == old_captions and default_storage.exists(old_captions)  # kept
    assert client.get(old_url).status_code == 404
    assert b"".join(client.get(uploaded.get_video_url()).streaming_content) == new_content


def test_removing_deletes_the_files_and_the_page_says_the_video_is_coming(
    staff_client, client, uploaded, django_capture_on_commit_callbacks, settings
):
    settings.DGS_VIDEO = ""
    names = (uploaded.video.name, uploaded.captions.name)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("signlanguage:remove", kwargs={"pk": uploaded.pk}))

    assert response.status_code == 302
    assert not SignLanguageVideo.objects.exists()
    assert not any(default_storage.exists(name) for name in names)
    assert "entsteht gerade" in client.get(reverse("sign_language")).content.decode()


def test_upload_replacement_and_removal_are_in_the_audit_log(
    staff_client, ki_staff, district, django_capture_on_commit_callbacks
):
    upload(staff_client)
    entry = SignLanguageVideo.objects.get()
    staff_client.post(
        reverse("signlanguage:update", kwargs={"pk": entry.pk}),
        {"title": "Zweite Fassung", "position": "1", "transcript": "", "captions": vtt()},
    )
    staff_client.post(reverse("signlanguage:remove", kwargs={"pk": entry.pk}))

    changes = ModelChange.objects.filter(content_type__model="signlanguagevideo", object_pk=str(entry.pk))
    assert sorted(changes.values_list("action", flat=True)) == [
        ModelChange.Action.CREATE,
        ModelChange.Action.UPDATE,
        ModelChange.Action.DELETE,
    ]
    assert all(change.actor == ki_staff and change.district_id == district.pk for change in changes)
    update = changes.get(action=ModelChange.Action.UPDATE)
    assert set(update.changes_dict) == {"title", "captions"}
    log = staff_client.get(reverse("municipalities:audit_log")).content.decode()
    assert "Zweite Fassung" in log


def test_uploaded_videos_take_precedence_over_the_configured_file(client, uploaded, settings):
    settings.DGS_VIDEO = default_storage.save("dgs/portal.mp4", ContentFile(MP4))

    page = client.get(reverse("sign_language")).content.decode()

    assert f'src="{uploaded.get_video_url()}"' in page
    assert default_storage.url(settings.DGS_VIDEO) not in page


def test_several_videos_are_shown_in_their_order_with_their_titles(client, ki_staff, district):
    for title, position in (("Zweites Video", 2), ("Erstes Video", 1)):
        services.add_sign_language_video(
            by=ki_staff, district=district, title=title, video=mp4(), captions=vtt(), position=position
        )

    page = client.get(reverse("sign_language")).content.decode()

    assert page.index(">Erstes Video</h2>") < page.index(">Zweites Video</h2>")
    assert 'aria-describedby="dgs-text-alternative"' in page
    assert 'id="dgs-text-alternative-2"' in page


def test_ki_staff_of_another_district_cannot_see_or_change_the_video(client, uploaded):
    other = make_district_role(
        DistrictFactory(name="Kreis Soest", ags_prefix="05974"),
        DistrictRole.Role.KI_STAFF,
        email="ki-soest@example.org",
        full_name="Jonas Becker",
    )
    client.force_login(other)

    assert client.get(reverse("signlanguage:update", kwargs={"pk": uploaded.pk})).status_code == 404
    assert client.post(reverse("signlanguage:remove", kwargs={"pk": uploaded.pk})).status_code == 404
    assert "Das Portal in Gebärdensprache" not in client.get(reverse("signlanguage:manage")).content.decode()
    with pytest.raises(PermissionDenied):
        services.remove_sign_language_video(by=other, entry=uploaded)
    assert SignLanguageVideo.objects.filter(pk=uploaded.pk).exists()


def test_a_municipal_contact_may_not_upload(contact_unna, district):
    with pytest.raises(PermissionDenied):
        services.add_sign_language_video(
            by=contact_unna, district=district, title="x", video=mp4(), captions=vtt()
        )
