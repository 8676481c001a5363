import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse


def test_healthz_answers_ok_after_one_query(client, db, django_assert_num_queries):
    # One database query; the Redis check is a PING, not a query.
    with django_assert_num_queries(1):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_start_page_is_german_by_default(client, district):
    response = client.get("/")
    page = response.content.decode()
    assert '<html lang="de"' in page
    assert "Integration im Kreis gemeinsam gestalten" in page
    assert district.ki_name in page
    for link in ("/impressum/", "/datenschutz/", "/barrierefreiheit/"):
        assert f'href="{link}"' in page


def test_english_is_available(client, district):
    client.cookies["django_language"] = "en"
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page
    assert "Sign in" in page


def test_frontend_assets_are_served_locally_not_from_a_cdn(client, district):
    page = client.get("/").content.decode()
    assert "/static/kern/kern.min.css" in page
    assert "/static/kern/fonts/fira-sans.css" in page
    assert "bootstrap" not in page.lower()
    assert "cdn" not in page.lower()


def run_with_env(args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        # The browser tests allow async-unsafe calls in this process; a deployment never does.
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = run_with_env(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15",  # not connected by the check
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_shared_cache_fails_the_check():
    """Rate limits counted per process would multiply with the number of web processes."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env={**env, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "example.org"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "django_ratelimit.E003" in result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    result = run_with_env(["check"], DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.services
def test_make_run_server_serves_the_stylesheets(tmp_path):
    """`make run` uses runserver with DEBUG=1: KERN (from node_modules), its fonts and our CSS are served."""
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for path in (
            "/static/kern/kern.min.css",
            "/static/kern/fonts/fira-sans.css",
            "/static/css/portal.css",
        ):
            for _attempt in range(100):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                        assert response.status == 200
                        assert b"{" in response.read(2000)
                        break
                except (ConnectionError, OSError):
                    time.sleep(0.2)
            else:
                raise AssertionError(f"runserver did not serve {path}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_pages_send_a_strict_content_security_policy(client, district):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
