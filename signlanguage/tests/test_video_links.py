"""A DGS video may be a https link to the KI's own video server instead of an upload."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from signlanguage import services
from signlanguage.models import SignLanguageVideo

from .helpers import mp4, upload, vtt

LINK = "https://videos.kreis-unna.de/dgs/portal.mp4"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def video_hosts(settings):
    settings.SIGN_LANGUAGE_VIDEO_HOSTS = ["videos.kreis-unna.de"]
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {**policy["DIRECTIVES"], "media-src": ["'self'", "https://videos.kreis-unna.de"]}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}


@pytest.fixture
def staff_client(client, ki_staff):
    client.force_login(ki_staff)
    return client


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("http://videos.kreis-unna.de/dgs/portal.mp4", "muss mit https:// beginnen"),
        (
            "https://videos.example.com/dgs/portal.mp4",
            "nur von diesen Servern verlinkt werden: videos.kreis-unna.de",
        ),
        ("https://videos.kreis-unna.de.example.com/portal.mp4", "nur von diesen Servern"),
        ("https://videos.kreis-unna.de:8443/portal.mp4", "nur von diesen Servern"),
        ("https://nutzer@videos.kreis-unna.de/portal.mp4", "nur von diesen Servern"),
    ],
)
def test_links_other_than_https_to_a_configured_host_are_refused(staff_client, video_hosts, link, message):
    response = upload(staff_client, video="", video_link=link)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["video_link"])
    assert not SignLanguageVideo.objects.exists()


def test_without_configured_hosts_no_link_is_accepted(staff_client, settings):
    settings.SIGN_LANGUAGE_VIDEO_HOSTS = []

    response = upload(staff_client, video="", video_link=LINK)

    assert "Links zu Videos sind nicht eingerichtet" in " ".join(
        response.context["form"].errors["video_link"]
    )
    assert not SignLanguageVideo.objects.exists()


def test_a_video_needs_a_file_or_a_link_but_not_both(staff_client, video_hosts):
    neither = upload(staff_client, video="")
    both = upload(staff_client, video=mp4(), video_link=LINK)

    assert "ein Video hoch oder geben Sie einen Link an" in " ".join(neither.context["form"].errors["video"])
    assert "nicht beides" in " ".join(both.context["form"].errors["video_link"])
    assert not SignLanguageVideo.objects.exists()


def test_a_linked_video_is_played_from_the_configured_host_with_its_captions(
    staff_client, client, video_hosts
):
    response = upload(staff_client, video="", video_link=LINK)

    assert response.status_code == 302
    entry = SignLanguageVideo.objects.get()
    assert entry.video_link == LINK
    assert not entry.video
    client.logout()
    page = client.get(reverse("sign_language"))
    html = page.content.decode()
    assert f'<video class="ki-video__player" controls preload="metadata" src="{LINK}"' in html
    assert f'src="{entry.get_captions_url()}" default>' in html
    assert "media-src 'self' https://videos.kreis-unna.de;" in page["Content-Security-Policy"] + ";"
    assert client.get(entry.get_captions_url()).status_code == 200


def test_a_link_replaces_an_uploaded_file_and_an_upload_replaces_a_link(
    ki_staff, district, video_hosts, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    entry = services.add_sign_language_video(
        by=ki_staff, district=district, title="DGS", video=mp4(), captions=vtt()
    )
    old_file = entry.video.name
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.update_sign_language_video(
            by=ki_staff, entry=entry, title="DGS", transcript="", position=1, video_link=LINK
        )
    assert (entry.video.name, entry.video_link) == ("", LINK)
    assert not default_storage.exists(old_file)

    entry = services.update_sign_language_video(
        by=ki_staff, entry=entry, title="DGS", transcript="", position=1, video_link=LINK, new_video=mp4()
    )
    assert entry.video and entry.video_link == ""


def _settings_in_a_fresh_process(hosts: str) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.SIGN_LANGUAGE_VIDEO_HOSTS);"
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['media-src'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kreisintegration.settings",
        "SIGN_LANGUAGE_VIDEO_HOSTS": hosts,
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=django_settings.BASE_DIR
    )


def test_the_setting_is_parsed_strictly_and_becomes_the_media_src_of_the_policy():
    configured = _settings_in_a_fresh_process(" Videos.Kreis-Unna.de, media.example.org ")
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout.splitlines() == [
        "['videos.kreis-unna.de', 'media.example.org']",
        "[\"'self'\", 'https://videos.kreis-unna.de', 'https://media.example.org']",
    ]

    refused = _settings_in_a_fresh_process("https://videos.kreis-unna.de/dgs")
    assert refused.returncode != 0
    assert "SIGN_LANGUAGE_VIDEO_HOSTS" in refused.stderr
