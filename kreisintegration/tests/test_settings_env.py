"""Start-up refuses environment values it cannot read, naming the variable (no silent defaults)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kreisintegration import env

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        (" yes ", True),
        ("on", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
    ],
)
def test_booleans_accept_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("KI_TEST_FLAG", raw)
    assert env.env_bool("KI_TEST_FLAG", not expected) is expected


def test_unset_or_empty_variables_take_the_default(monkeypatch):
    monkeypatch.delenv("KI_TEST_FLAG", raising=False)
    assert env.env_bool("KI_TEST_FLAG", True) is True
    monkeypatch.setenv("KI_TEST_FLAG", "")
    assert env.env_int("KI_TEST_FLAG", 7) == 7
    assert env.env_choice("KI_TEST_FLAG", "a", ("a", "b")) == "a"


@pytest.mark.parametrize(
    ("parse", "raw", "fragment"),
    [
        (lambda: env.env_bool("KI_TEST_VALUE", True), "ture", "1/0, true/false"),
        (lambda: env.env_int("KI_TEST_VALUE", 3), "25a", "a whole number"),
        (lambda: env.env_int("KI_TEST_VALUE", 3), "-4", "at least 0"),
        (lambda: env.env_float("KI_TEST_VALUE", 0.3), "fast", "a number"),
        (lambda: env.env_float("KI_TEST_VALUE", 0.3), "nan", "at least 0"),
        (lambda: env.env_json_object("KI_TEST_VALUE"), '{"bucket_name":', "a JSON object"),
        (lambda: env.env_json_object("KI_TEST_VALUE"), '["bucket"]', "a JSON object"),
        (
            lambda: env.env_choice("KI_TEST_VALUE", "a", ("immediate", "digest")),
            "weekly",
            "immediate, digest",
        ),
    ],
)
def test_unreadable_values_are_refused_with_the_variable_named(monkeypatch, parse, raw, fragment):
    monkeypatch.setenv("KI_TEST_VALUE", raw)
    with pytest.raises(ImproperlyConfigured) as refused:
        parse()
    assert "KI_TEST_VALUE" in str(refused.value)
    assert repr(raw) in str(refused.value)
    assert fragment in str(refused.value)


def _start(extra: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    environment.update({"DJANGO_SETTINGS_MODULE": "kreisintegration.settings", **extra})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECURE_SSL_REDIRECT", "ture"),
        ("EMAIL_PORT", "twenty-five"),
        ("AXES_FAILURE_LIMIT", "5x"),
        ("EVENTS_SUBMISSION_MAIL", "hourly"),
        ("DEBUG", "maybe"),
    ],
)
def test_start_up_stops_on_a_typo_and_names_the_variable(variable, value):
    extra = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "portal.example.org", variable: value}
    started = _start(extra)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert f"{variable}={value!r}" in started.stderr


def test_start_up_succeeds_with_valid_production_values():
    started = _start(
        {
            "DEBUG": "off",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "portal.example.org",
            "SECURE_SSL_REDIRECT": "false",
        }
    )
    assert started.returncode == 0, started.stderr


def _database_settings(extra: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DB_POOL_", "CONN_MAX_AGE"))}
    environment.update({"DJANGO_SETTINGS_MODULE": "kreisintegration.settings", **extra})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, django; django.setup(); from django.conf import settings; "
            "d = settings.DATABASES['default']; print(json.dumps([d['CONN_MAX_AGE'], d['OPTIONS'].get('pool')]))",
        ],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_db_pool_max_size_each_thread_keeps_one_persistent_connection():
    started = _database_settings({"CONN_MAX_AGE": "60"})
    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout) == [60, None]


def test_db_pool_max_size_bounds_the_connections_and_switches_persistent_connections_off():
    started = _database_settings({"DB_POOL_MAX_SIZE": "6", "DB_POOL_TIMEOUT": "2.5", "CONN_MAX_AGE": "60"})
    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout) == [0, {"min_size": 2, "max_size": 6, "timeout": 2.5}]


def test_a_pool_without_postgresql_is_refused_at_start_up():
    started = _database_settings({"DB_POOL_MAX_SIZE": "4", "DATABASE_URL": "sqlite:///pool-test.sqlite3"})
    assert started.returncode != 0
    assert "DB_POOL_MAX_SIZE needs a PostgreSQL DATABASE_URL" in started.stderr


def test_files_go_to_an_object_store_by_settings_alone():
    """Every node must read what another wrote: an S3-compatible store is configured, not coded."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("STORAGE_")}
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))"
    )

    def default_storage_with(extra: dict[str, str]) -> dict:
        started = subprocess.run(
            [sys.executable, "-c", script],
            cwd=BASE_DIR,
            env={**environment, "DJANGO_SETTINGS_MODULE": "kreisintegration.settings", **extra},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert started.returncode == 0, started.stderr
        return json.loads(started.stdout)

    assert default_storage_with({}) == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {},
    }
    assert default_storage_with(
        {
            "STORAGE_BACKEND": "storages.backends.s3.S3Storage",
            "STORAGE_OPTIONS": '{"bucket_name": "kreisintegration", "endpoint_url": "https://s3.example.org"}',
        }
    ) == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "kreisintegration", "endpoint_url": "https://s3.example.org"},
    }
