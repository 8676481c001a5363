"""The test suite under pytest-xdist (``make test``): every worker has a database and a Redis database of its own.

* Redis: worker ``gwN`` gets REDIS_URL's database number minus N (``make test``: 15, 14, 13, 12), set in
  the worker's environment before its Django settings load, so its cache (and the ``cache.clear()``
  before every test), rate limits, Celery broker and the workers, beats and servers its tests start
  stay in that database.
* PostgreSQL: pytest-django names the worker's test database ``test_…_gwN``. The controller migrates
  one template database before the workers start; each worker's database is created as a copy of it
  (``CREATE DATABASE … TEMPLATE``), so the migrations run once, not once per worker. The template is
  dropped when the run ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest

TEMPLATE_ENV = "XDIST_TEST_DATABASE_TEMPLATE"


def worker_redis_url(base_url: str, worker_number: int) -> str:
    """The Redis URL of xdist worker ``gw<worker_number>``: the base URL's database number minus it."""
    parts = urlsplit(base_url)
    base = int(parts.path.lstrip("/") or 0)
    number = base - worker_number
    if number < 0:
        raise pytest.UsageError(
            f"REDIS_URL {base_url} leaves no Redis database for xdist worker gw{worker_number}: "
            "use fewer workers or a higher base database"
        )
    return urlunsplit(parts._replace(path=f"/{number}"))


def _template_name() -> str | None:
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    test_name = (
        settings.DATABASES["default"].get("TEST", {}).get("NAME")
        or f"test_{connection.settings_dict['NAME']}"
    )
    return f"{test_name}_template"


def raw_connection(dbname: str, **options):
    """A psycopg connection of its own to ``dbname`` on the test database's server (pytest-django
    blocks Django's connections outside of tests; a test may also want a second, fresh session)."""
    import psycopg
    from django.db import connection

    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=dbname,
        **options,
    )


def _admin_sql(sql: str) -> None:
    """One statement on the maintenance database ``postgres`` (CREATE/DROP DATABASE), outside a transaction."""
    with raw_connection("postgres", autocommit=True) as admin:
        admin.execute(sql)


def _create_template(name: str) -> None:
    from django.conf import settings
    from django.db import connection

    _admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
    _admin_sql(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=900,
    )
    if migrated.returncode != 0:
        raise pytest.UsageError(
            f"migrating the template database {name} failed:\n{migrated.stdout}{migrated.stderr}"
        )


def pytest_xdist_setupnodes(config, specs):
    """Controller, before the workers start: their Redis databases and the migrated template database."""
    base_url = os.environ.get("REDIS_URL")
    for spec in specs:
        if base_url:
            spec.env["REDIS_URL"] = worker_redis_url(base_url, int(spec.id.removeprefix("gw")))
            spec.env["XDIST_BASE_REDIS_URL"] = base_url  # for the test that checks the mapping
    template = _template_name()
    if template:
        _create_template(template)
        config.stash[template_key] = template
        for spec in specs:
            spec.env[TEMPLATE_ENV] = template


template_key = pytest.StashKey[str]()


def pytest_sessionfinish(session):
    template = session.config.stash.get(template_key, None)
    if template:
        _admin_sql(f'DROP DATABASE IF EXISTS "{template}"')


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """In a worker: its test database is created from the controller's migrated template."""
    template = os.environ.get(TEMPLATE_ENV)
    if template:
        from django.conf import settings

        settings.DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = template


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database does not wait for the WAL on disk at each commit (``synchronous_commit =
    off``): a test database is thrown away after the run, and a commit costs a tenth. Visibility and
    isolation are unchanged. Set on the database, so the live server's threads and the worker and
    server processes the tests start get it too; the connection reconnects to pick it up."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock():
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
            connection.close()
