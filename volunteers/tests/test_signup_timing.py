"""Sign-up does the same slow work for a new and a known address (issue 12, item 5).

Hashing the password is by far the slowest step of a sign-up; done only for new addresses, the
response time told whether an address has an account. Speed is not asserted here (machines are
noisy): the test counts the configured hasher's calls on each path instead.
"""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from accounts.models import User
from volunteers.models import Volunteer
from volunteers.selfservice import signup

SIGNUP = reverse("volunteers:signup")
NEW_PASSWORD = "Sonnenblume-im-Garten-77"


class CountingHasher(MD5PasswordHasher):
    """The test's fast hasher, counting how often a password is hashed or checked."""

    algorithm = "counting_md5"
    calls: list[str] = []

    def encode(self, password, salt):
        CountingHasher.calls.append("encode")
        return super().encode(password, salt)

    def verify(self, password, encoded):
        CountingHasher.calls.append("verify")
        return super().verify(password, encoded)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["volunteers.tests.test_signup_timing.CountingHasher"]
    CountingHasher.calls = []
    return CountingHasher


def hasher_calls_for(client, email: str) -> list[str]:
    CountingHasher.calls = []
    response = client.post(
        SIGNUP,
        {
            "full_name": "Ольга Петрова",
            "email": email,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "municipality": "",
            "privacy": "on",
            "website": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:signup_done")
    return list(CountingHasher.calls)


def test_new_and_known_addresses_cost_the_same_hashing(client, counting_hasher, district, contact_unna):
    pending = signup.sign_up_volunteer(
        email="wartend@example.org", full_name="Ahmad Al-Hassan", password=NEW_PASSWORD, district=district
    ).user
    signup.cache.clear()  # the mail throttle of that sign-up: the known paths send mail too

    new = hasher_calls_for(client, "ganz-neu@example.org")
    active_account = hasher_calls_for(client, "UNNA-Test@example.org")
    unconfirmed_signup = hasher_calls_for(client, "wartend@example.org")

    assert new == ["encode"]
    assert active_account == new
    assert unconfirmed_signup == new
    # The new account got that hash: its password works once confirmed; the others are unchanged.
    created = User.objects.get(email="ganz-neu@example.org")
    assert created.password.startswith("counting_md5$")
    assert created.check_password(NEW_PASSWORD)
    assert Volunteer.objects.filter(user=created).exists()
    contact_unna.refresh_from_db()
    assert not contact_unna.check_password(NEW_PASSWORD)
    pending.refresh_from_db()
    assert pending.full_name == "Ahmad Al-Hassan"
