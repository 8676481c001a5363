"""Project-wide test fixtures: the portal's roles (KI staff, contacts, trainers, volunteers) and test hygiene.

* every test gets eager Celery unless it asks for the real worker;
* a test that logs an ERROR fails;
* naive datetimes are errors (pytest.ini).
"""

import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from kreisintegration.tests import fast_flush
from kreisintegration.tests.parallel import (  # noqa: F401 - xdist: per-worker Redis and test databases
    django_db_modify_db_settings,
    django_db_setup,
    pytest_sessionfinish,
    pytest_xdist_setupnodes,
)
from municipalities.models import DistrictRole
from municipalities.tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    make_contact,
    make_district_role,
)

PASSWORD = "richtig-geheim-2026"

# Property-based tests (hypothesis) run against the real test database: no deadline
# (database round trips vary), a moderate number of examples so the suite stays fast,
# and function-scoped fixtures (db, client, roles) are shared by the examples of one
# test on purpose. HYPOTHESIS_PROFILE=thorough runs many more examples.
hypothesis_settings.register_profile(
    "ki",
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
)
hypothesis_settings.register_profile(
    "thorough", parent=hypothesis_settings.get_profile("ki"), max_examples=2000
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ki"))

# Transactional tests end with the state of Django's flush, without its seconds (fast_flush.py).
fast_flush.install()

# Tests that start processes beside the test process carry a marker (pytest.ini), so ``-m "not worker
# and not services and not browser"`` selects the in-process tests; tests using these fixtures get it here.
WORKER_FIXTURES = {"real_worker", "start_worker"}
SERVICE_FIXTURES = {"own_redis", "own_postgres", "pooled_portal"}


def pytest_collection_modifyitems(items):
    for item in items:
        names = set(item.fixturenames)
        if names & WORKER_FIXTURES:
            item.add_marker(pytest.mark.worker)
        if names & SERVICE_FIXTURES:
            item.add_marker(pytest.mark.services)


@pytest.fixture(autouse=True)
def _eager_celery():
    from kreisintegration.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fail_on_error_logs(caplog):
    yield
    errors = [
        record
        for record in caplog.get_records("call")
        if record.levelno >= logging.ERROR
        # Django logs every 4xx/5xx response it returns on purpose in permission tests.
        and not (record.name == "django.request" and getattr(record, "status_code", 500) < 500)
    ]
    if errors:
        pytest.fail("Test logged errors: " + "; ".join(r.getMessage() for r in errors))


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Real hashing is slow by design (0.2 s a password); tests create many accounts, also in the
    data that a module builds once (the permission matrix's), before any test's own settings."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import caches

    # Every alias: the rate-limit counters live in their own ("ratelimit").
    for alias in caches:
        caches[alias].clear()
    yield


@pytest.fixture(autouse=True)
def _german_after_each_test():
    """A request in another language activates it for the thread; the next test starts in German."""
    from django.conf import settings as django_settings
    from django.utils import translation

    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _require_two_factor(settings):
    """Tests run as production does: staff and trainers must pass the second factor."""
    settings.REQUIRE_TWO_FACTOR = True


class VerifiedClient(Client):
    """``force_login`` also counts as having passed the second factor.

    For users who need one, a confirmed TOTP device is created (if missing); the id of the user's
    device (also of one set up voluntarily) is stored in the session, as django-otp does after a correct code. Tests of the 2FA flow itself use a plain
    ``django.test.Client`` or the login form.
    """

    def force_login(self, user, backend=None):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from municipalities.permissions import forget_roles, needs_second_factor

        super().force_login(user, backend)
        needed = needs_second_factor(user)
        forget_roles(user)  # the test may change the user's roles later
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            if not needed:
                return
            device = TOTPDevice.objects.create(user=user, name="Test-App", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def client():
    """pytest-django's ``client``, with ``force_login`` counting as verified (see VerifiedClient)."""
    return VerifiedClient()


# The standard test people and places as plain functions (the fixtures below call them; a test
# module that builds its data once, e.g. the permission matrix, calls them too).
def make_unna(district):
    return MunicipalityFactory(district=district, name="Unna", slug="unna", ags="05978036")


def make_luenen(district):
    return MunicipalityFactory(
        district=district, name="Lünen", slug="luenen", ags="05978024", population=86000
    )


def make_ki_staff(district):
    return make_district_role(
        district, DistrictRole.Role.KI_STAFF, email="ki-test@example.org", full_name="Miriam Schäfer"
    )


def make_contact_unna(unna):
    return make_contact(unna, email="unna-test@example.org", full_name="Şengül Yıldız")


def make_contact_luenen(luenen):
    return make_contact(luenen, email="luenen-test@example.org", full_name="Thomas Großmann")


def make_trainer(district):
    return make_district_role(
        district, DistrictRole.Role.TRAINER, email="trainer-test@example.org", full_name="Nguyễn Thị Lan"
    )


def make_volunteer_user(district):
    """A volunteer account with its profile (the user; the profile is ``user.volunteer``)."""
    from volunteers.tests.factories import make_volunteer

    user = make_district_role(
        district, DistrictRole.Role.VOLUNTEER, email="ehrenamt-test@example.org", full_name="مريم حداد"
    )
    make_volunteer(district, user=user)
    return user


def make_people(district) -> dict:
    """Unna and Lünen and the standard person of each role (as the fixtures make them), for data a
    module builds once: ``{"unna": …, "luenen": …, "users": {role: user}}``."""
    unna, luenen = make_unna(district), make_luenen(district)
    users = {
        "volunteer": make_volunteer_user(district),
        "trainer": make_trainer(district),
        "contact_unna": make_contact_unna(unna),
        "contact_luenen": make_contact_luenen(luenen),
        "ki_staff": make_ki_staff(district),
    }
    return {"unna": unna, "luenen": luenen, "users": users}


@pytest.fixture
def district(db):
    return DistrictFactory()


@pytest.fixture
def unna(district):
    return make_unna(district)


@pytest.fixture
def luenen(district):
    return make_luenen(district)


@pytest.fixture
def ki_staff(district):
    return make_ki_staff(district)


@pytest.fixture
def contact_unna(unna):
    return make_contact_unna(unna)


@pytest.fixture
def contact_luenen(luenen):
    return make_contact_luenen(luenen)


@pytest.fixture
def trainer(district):
    return make_trainer(district)


@pytest.fixture
def volunteer(district):
    """A volunteer account with its profile (the user; the profile is ``user.volunteer``)."""
    return make_volunteer_user(district)


@pytest.fixture
def soest(db):
    """Kreis Soest: a second district, for what staff of one district must not see of another."""
    return DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")


@pytest.fixture
def soest_staff(soest):
    """KI staff of Kreis Soest (the other district)."""
    return make_district_role(soest, DistrictRole.Role.KI_STAFF, email="ki-soest@example.org")


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded and generated files go to a directory of this test (``pytestmark`` usefixtures)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def worker_database_url() -> str:
    """A worker process must use the test database (``test_…``), not the one in DATABASE_URL."""
    from django.db import connection

    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def real_worker(tmp_path):
    """A real Celery worker process on the real Redis and the test database, mailing into a folder.

    Yields (mail_dir, log_path). While it runs, tasks go to a queue of their own
    that only this worker listens to. The worker reads the mail outbox from the test
    database, so tests using it need ``django_db(transaction=True)`` (committed rows).
    When it starts, it sends what the outbox holds (``worker_ready``).
    """
    from django.conf import settings

    from kreisintegration.celery import app

    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL must point to the test Redis (make test sets it)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "kreisintegration", "worker",
            "--pool=solo", "--concurrency=1", "--without-heartbeat", "--without-gossip",
            "--without-mingle", "-Q", queue, "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        yield mail_dir, log_path
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


MAIL_FILE_END = b"-" * 79 + b"\n"  # the file backend writes this line after each message


def complete_mail_files(directory: Path) -> list[Path]:
    """Mail files the backend has finished writing (it writes the message, then a separator)."""
    if not directory.exists():
        return []
    return [path for path in sorted(directory.glob("*.log")) if path.read_bytes().endswith(MAIL_FILE_END)]


def wait_for_files(directory: Path, timeout: float = 60) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = complete_mail_files(directory)
        if files:
            return files
        time.sleep(0.2)
    return []


def read_mail_messages(path: Path) -> list:
    """Every message a file-based mail backend wrote into one file (one connection may send several)."""
    import email
    from email import policy

    parts = path.read_bytes().split(b"\n" + b"-" * 79)
    return [
        email.message_from_bytes(part.lstrip(b"\n"), policy=policy.default) for part in parts if part.strip()
    ]


def read_mail_file(path: Path):
    """The single message of a mail file; a file holding several messages is an error here."""
    messages = read_mail_messages(path)
    assert len(messages) == 1, f"{path.name} holds {len(messages)} messages"
    return messages[0]


def wait_for_mail(directory: Path, matches, timeout: float = 60):
    """The first delivered message for which ``matches(message)`` is true, or None after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in complete_mail_files(directory):
            for message in read_mail_messages(path):
                if matches(message):
                    return message
        time.sleep(0.2)
    return None
