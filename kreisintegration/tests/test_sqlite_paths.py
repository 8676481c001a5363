"""``make run`` keeps its data in a SQLite file (no ``DATABASE_URL``). Code that speaks
PostgreSQL's own SQL for speed (arrays, ``= ANY``, two statements in one round trip) must have a
way for SQLite too: the public event page and feed, and a course registration with its waiting
list, on a freshly migrated SQLite file in a process of its own (``sqlite_paths_main.py``)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.services


def run(arguments: list[str], env: dict) -> str:
    result = subprocess.run(
        [sys.executable, *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_event_page_feed_and_registration_answer_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")}
    env.update(
        DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", MEDIA_ROOT=str(tmp_path / "media")
    )
    run(["manage.py", "migrate", "--noinput", "-v0"], env)

    seen = json.loads(run(["-m", "kreisintegration.tests.sqlite_paths_main"], env).strip().splitlines()[-1])

    assert seen["event_page"] == [200, True, True]
    assert seen["feed"] == [200, True]
    assert seen["registration_1"] == [302, "registered", None]
    assert seen["registration_2"] == [302, "waitlisted", 1]
