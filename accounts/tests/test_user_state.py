"""A person's roles and second-factor device come from the shared cache between requests; every
change of a role, a membership, a device or the account is seen by the very next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import user_state
from accounts.models import User
from municipalities.models import DistrictRole, Membership
from municipalities.permissions import roles_of


@pytest.fixture(autouse=True)
def _fixtures_committed(request):
    """The users and roles of the fixtures count as committed (see user_state.assume_committed)."""
    for name in request.fixturenames:
        if name in ("ki_staff", "contact_unna", "contact_luenen", "volunteer", "district", "unna"):
            request.getfixturevalue(name)
    user_state.assume_committed()


def _tables_read(queries) -> str:
    return "\n".join(q["sql"] for q in queries)


def logged_in_and_cached(client, user, url: str) -> None:
    """Log ``user`` in and open ``url`` twice: the second request reads the person from the cache."""
    client.force_login(user)
    user_state.assume_committed()  # the device force_login made, the login time
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # the user row and roles from the cache


def assert_sent_to_login(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_verified_staff_request_reads_neither_roles_nor_device_again(client, ki_staff):
    client.force_login(ki_staff)
    user_state.assume_committed()  # the device force_login made, the login time
    url = reverse("overview:dashboard")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = _tables_read(queries)
    assert "municipalities_districtrole" not in sql
    assert "otp_totp_totpdevice" not in sql
    assert "accounts_user" not in sql


def test_changed_password_logs_other_sessions_out_on_the_next_request(
    client, ki_staff, django_capture_on_commit_callbacks
):
    url = reverse("overview:dashboard")
    logged_in_and_cached(client, ki_staff, url)
    with django_capture_on_commit_callbacks(execute=True):
        ki_staff.set_password("ein-ganz-neues-Passwort-42")
        ki_staff.save()
    assert_sent_to_login(client.get(url))


def test_deactivated_account_is_logged_out_on_the_next_request(
    client, ki_staff, django_capture_on_commit_callbacks
):
    url = reverse("overview:dashboard")
    logged_in_and_cached(client, ki_staff, url)
    with django_capture_on_commit_callbacks(execute=True):
        ki_staff.is_active = False
        ki_staff.save()
    assert_sent_to_login(client.get(url))


def test_deleted_account_is_logged_out_on_the_next_request(
    client, volunteer, django_capture_on_commit_callbacks
):
    url = reverse("accounts:profile")
    logged_in_and_cached(client, volunteer, url)
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.filter(pk=volunteer.pk).delete()
    assert_sent_to_login(client.get(url))


def test_revoked_staff_role_is_seen_by_the_next_request(client, ki_staff, django_capture_on_commit_callbacks):
    url = reverse("overview:dashboard")
    logged_in_and_cached(client, ki_staff, url)
    with django_capture_on_commit_callbacks(execute=True):
        DistrictRole.objects.filter(user=ki_staff).delete()
    assert client.get(url).status_code == 403


def test_granted_role_is_seen_by_the_next_request(client, district, django_capture_on_commit_callbacks):
    user = User.objects.create_user(email="neu@example.org", password="x-Secret-42", full_name="Neu")
    client.force_login(user)
    user_state.assume_committed()
    url = reverse("overview:dashboard")
    assert client.get(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        DistrictRole.objects.create(user=user, district=district, role=DistrictRole.Role.KI_STAFF)
    client.force_login(user)  # staff must pass the second factor now: the test client's device
    assert client.get(url).status_code == 200


def test_revoked_membership_is_seen_by_the_next_lookup(
    contact_unna, unna, django_capture_on_commit_callbacks
):
    assert roles_of(User.objects.get(pk=contact_unna.pk)).contact_municipality_ids == {unna.pk}
    assert roles_of(User.objects.get(pk=contact_unna.pk)).contact_municipality_ids == {unna.pk}
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.filter(user=contact_unna).delete()
    assert roles_of(User.objects.get(pk=contact_unna.pk)).contact_municipality_ids == frozenset()


def test_deactivated_user_has_no_roles(ki_staff, django_capture_on_commit_callbacks):
    assert roles_of(User.objects.get(pk=ki_staff.pk)).is_ki_staff
    with django_capture_on_commit_callbacks(execute=True):
        ki_staff.is_active = False
        ki_staff.save()
    assert not roles_of(User.objects.get(pk=ki_staff.pk)).has_any


def test_superuser_flag_is_never_taken_from_the_cache(ki_staff, django_capture_on_commit_callbacks):
    assert not roles_of(User.objects.get(pk=ki_staff.pk)).is_superuser
    with django_capture_on_commit_callbacks(execute=True):
        User.objects.filter(pk=ki_staff.pk).update(is_superuser=True)  # no signal at all
    assert roles_of(User.objects.get(pk=ki_staff.pk)).is_superuser


def test_an_open_transaction_sees_its_own_role_change(ki_staff, district):
    """Until the change commits the cache holds the committed roles; the writing transaction
    itself reads the database (the test runs inside one, its commit callbacks never run)."""
    assert roles_of(User.objects.get(pk=ki_staff.pk)).is_ki_staff
    DistrictRole.objects.filter(user=ki_staff).delete()
    assert not roles_of(User.objects.get(pk=ki_staff.pk)).is_ki_staff


def test_a_value_computed_while_a_change_commits_is_not_kept(ki_staff, django_capture_on_commit_callbacks):
    """The generation is read before the database: a value read just before another
    transaction's commit is stored under the old generation and not served afterwards."""

    def read_then_commit_elsewhere():
        with django_capture_on_commit_callbacks(execute=True):
            user_state.forget(ki_staff.pk)
        return "before the change"

    assert user_state.cached(ki_staff, "probe", read_then_commit_elsewhere) == "before the change"
    assert user_state.cached(ki_staff, "probe", lambda: "after the change") == "after the change"
    assert user_state.cached(ki_staff, "probe", lambda: "not read again") == "after the change"


def test_removed_device_demands_the_second_factor_on_the_next_request(
    client, ki_staff, django_capture_on_commit_callbacks
):
    client.force_login(ki_staff)
    user_state.assume_committed()
    url = reverse("overview:dashboard")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # device from the cache
    with django_capture_on_commit_callbacks(execute=True):
        TOTPDevice.objects.filter(user=ki_staff).delete()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_unconfirmed_device_demands_the_second_factor_on_the_next_request(
    client, ki_staff, django_capture_on_commit_callbacks
):
    client.force_login(ki_staff)
    user_state.assume_committed()
    url = reverse("overview:dashboard")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    device = TOTPDevice.objects.get(user=ki_staff)
    with django_capture_on_commit_callbacks(execute=True):
        device.confirmed = False
        device.save()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_device_of_another_person_does_not_verify(client, ki_staff, volunteer):
    """django-otp's owner check runs on the cached device too."""
    client.force_login(ki_staff)
    foreign = TOTPDevice.objects.create(user=volunteer, name="Fremd", confirmed=True)
    user_state.assume_committed()
    session = client.session
    session["otp_device_id"] = foreign.persistent_id
    session.save()
    url = reverse("overview:dashboard")
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
        session = client.session
        session["otp_device_id"] = foreign.persistent_id
        session.save()


def test_roles_fetched_ahead_are_not_used_after_a_change_in_the_same_request(
    ki_staff, django_capture_on_commit_callbacks
):
    assert roles_of(User.objects.get(pk=ki_staff.pk)).is_ki_staff  # the entry is in the cache
    # As at the start of a request: the user row, with device and roles fetched ahead.
    request_user = user_state.load_user(ki_staff.pk, lambda: User.objects.get(pk=ki_staff.pk))
    with django_capture_on_commit_callbacks(execute=True):
        DistrictRole.objects.filter(user=ki_staff).delete()
    assert not roles_of(request_user).is_ki_staff


def test_membership_moved_to_another_person_is_lost_by_the_previous_one(
    contact_unna, contact_luenen, unna, django_capture_on_commit_callbacks
):
    assert roles_of(User.objects.get(pk=contact_unna.pk)).contact_municipality_ids == {unna.pk}
    membership = Membership.objects.get(user=contact_unna)
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.filter(user=contact_luenen).delete()
        membership.user = contact_luenen
        membership.save()
    assert roles_of(User.objects.get(pk=contact_unna.pk)).contact_municipality_ids == frozenset()
    assert roles_of(User.objects.get(pk=contact_luenen.pk)).contact_municipality_ids == {unna.pk}
