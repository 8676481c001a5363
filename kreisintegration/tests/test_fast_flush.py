"""The fast end of transactional tests (``fast_flush.py``) leaves exactly what Django's flush leaves."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection

from kreisintegration.tests import fast_flush
from municipalities.tests.factories import DistrictFactory


def djangos_flush() -> dict[str, str]:
    """Django's own flush; what it leaves (table → checksum of the rows), remembered as after a test."""
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    fast_flush._remember(connection)
    return dict(fast_flush._after_flush[connection.alias])


class FakeTestCase:
    """What ``_fixture_teardown`` reads of a ``TransactionTestCase``."""

    available_apps = None
    serialized_rollback = False

    def _databases_names(self, include_mirrors=True):
        return ["default"]


def database_state() -> dict[str, str]:
    with connection.cursor() as cursor:
        filled = fast_flush._filled(cursor, connection, fast_flush._tables(connection))
        return fast_flush._checksums(cursor, connection, filled)


@pytest.mark.django_db(transaction=True)
def test_fast_flush_leaves_the_state_of_djangos_flush(ki_staff, contact_unna, volunteer):
    expected = djangos_flush()
    assert {"django_content_type", "auth_permission"} <= set(expected)
    DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    assert len(database_state()) > len(expected)

    assert fast_flush._fast_flush(connection)

    assert database_state() == expected


@pytest.mark.django_db(transaction=True)
def test_a_changed_permission_is_left_to_djangos_flush():
    expected = djangos_flush()
    Permission.objects.filter(codename="add_district").update(name="Kreis anlegen")

    assert not fast_flush._fast_flush(connection)

    fast_flush._fixture_teardown(FakeTestCase())  # what the end of this test does: Django's flush
    assert set(database_state()) == set(expected)  # the same tables hold rows (new ids: new checksums)
    assert Permission.objects.get(codename="add_district").name == "Can add Kreis"
