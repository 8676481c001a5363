"""Project-wide test fixtures: the roles of PRODUCT.md and test hygiene.

* every test gets eager Celery unless it asks for the real worker;
* a test that logs an ERROR fails;
* naive datetimes are errors (pytest.ini).
"""

import logging

import pytest

from municipalities.models import DistrictRole
from municipalities.tests.factories import (
    DistrictFactory,
    MunicipalityFactory,
    make_contact,
    make_district_role,
)

PASSWORD = "richtig-geheim-2026"


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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing is slow by design; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def district(db):
    return DistrictFactory()


@pytest.fixture
def unna(district):
    return MunicipalityFactory(district=district, name="Unna", slug="unna", ags="05978036")


@pytest.fixture
def luenen(district):
    return MunicipalityFactory(
        district=district, name="Lünen", slug="luenen", ags="05978024", population=86000
    )


@pytest.fixture
def ki_staff(district):
    return make_district_role(
        district, DistrictRole.Role.KI_STAFF, email="ki-test@example.org", full_name="Miriam Schäfer"
    )


@pytest.fixture
def contact_unna(unna):
    return make_contact(unna, email="unna-test@example.org", full_name="Şengül Yıldız")


@pytest.fixture
def contact_luenen(luenen):
    return make_contact(luenen, email="luenen-test@example.org", full_name="Thomas Großmann")


@pytest.fixture
def trainer(district):
    return make_district_role(
        district, DistrictRole.Role.TRAINER, email="trainer-test@example.org", full_name="Nguyễn Thị Lan"
    )


@pytest.fixture
def volunteer(district):
    """A volunteer account with its profile (the user; the profile is ``user.volunteer``)."""
    from volunteers.tests.factories import make_volunteer

    user = make_district_role(
        district, DistrictRole.Role.VOLUNTEER, email="ehrenamt-test@example.org", full_name="مريم حداد"
    )
    make_volunteer(district, user=user)
    return user
