"""Links that work: SITE_URL follows PORT in development, the API builds its links from the request."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from events.models import Event
from events.tests.public_helpers import MARCH, at, make_event

BASE_DIR = Path(__file__).resolve().parents[2]


def _site_url_with(extra: dict[str, str]) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT", "DEBUG")}
    environment.update({"DJANGO_SETTINGS_MODULE": "kreisintegration.settings", **extra})
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)",
        ],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 0, started.stderr
    return started.stdout.strip()


def test_site_url_follows_port_when_not_set():
    assert _site_url_with({"PORT": "8080"}) == "http://127.0.0.1:8080"
    assert _site_url_with({}) == "http://127.0.0.1:8000"


def test_a_set_site_url_wins_over_port():
    assert _site_url_with({"PORT": "8080", "SITE_URL": "https://integration.kreis-unna.example/"}) == (
        "https://integration.kreis-unna.example"
    )


def test_make_run_hands_its_port_to_seed_demo_and_the_server():
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8080"], cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert planned.returncode == 0, planned.stderr
    lines = planned.stdout.splitlines()
    server = next(line for line in lines if "runserver" in line)
    seed = next(line for line in lines if "seed_demo" in line)
    assert server.startswith("PORT=8080 ") and server.endswith("127.0.0.1:8080")
    assert seed.startswith("PORT=8080 ")


@pytest.fixture
def port_8080(settings):
    """What the settings give under `make run PORT=8080` (SITE_URL unset)."""
    settings.SITE_URL = "http://127.0.0.1:8080"


def test_mail_ics_and_certificate_links_use_the_site_url_port(port_8080, ki_staff, unna, district):
    from events.ics import absolute_url
    from volunteers.documents import verification_url

    event = make_event(by=ki_staff, municipality=unna, title="Sprachcafé", start=at(MARCH, 18))
    assert absolute_url(event.get_absolute_url()).startswith("http://127.0.0.1:8080/")
    assert verification_url("ABCDEF1234").startswith("http://127.0.0.1:8080/")


def test_invitation_mail_link_uses_the_site_url_port(port_8080):
    from municipalities.services import invitation_url

    assert invitation_url("abc").startswith("http://127.0.0.1:8080/")


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:8080"])
def test_api_links_follow_the_requests_host(settings, client, ki_staff, unna, host):
    settings.SITE_URL = "https://elsewhere.example"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    make_event(
        by=ki_staff, municipality=unna, title="Deutschtreff", start=at(MARCH, 9),
        frequency=Event.Frequency.WEEKLY, weekdays=[0, 1, 2, 3, 4, 5, 6], repeat_count=60,
    )  # fmt: skip
    params = {"start": MARCH.isoformat(), "end": MARCH.replace(month=MARCH.month + 3).isoformat()}
    body = json.loads(client.get(reverse("events:api_events"), params, HTTP_HOST=host).content)
    assert urlsplit(body["next"]).netloc == host
    assert all(urlsplit(result["url"]).netloc == host for result in body["results"])
    second = json.loads(client.get(body["next"], HTTP_HOST=host).content)
    assert urlsplit(second["previous"]).netloc == host
