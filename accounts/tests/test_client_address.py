"""Behind the reverse proxy, the login lock-out counts per account and real client address
(issue 12, item 4), with the same address as the rate limits.

Every request here comes from the proxy's own address (REMOTE_ADDR); the client's address is in
the header the proxy sets, as in production behind nginx.
"""

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.module_loading import import_string

from accounts.ratelimits import client_address
from conftest import PASSWORD

PROXY = "10.0.0.5"
ADDRESS_A = "198.51.100.17"
ADDRESS_B = "203.0.113.42"


@pytest.fixture
def behind_proxy(settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"


def login_from(address: str | None, email: str, password: str):
    browser = Client(REMOTE_ADDR=PROXY)
    headers = {"HTTP_X_REAL_IP": address} if address else {}
    return browser.post(reverse("accounts:login"), {"username": email, "password": password}, **headers)


def request_with(**meta):
    return RequestFactory().post("/", REMOTE_ADDR=PROXY, **meta)


def test_wrong_passwords_from_one_address_lock_only_that_address(behind_proxy, ki_staff):
    for _attempt in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert login_from(ADDRESS_A, ki_staff.email, "falsch").status_code == 200
    assert login_from(ADDRESS_A, ki_staff.email, "falsch").status_code == 429
    # Address A stays locked for this account, even with the right password …
    assert login_from(ADDRESS_A, ki_staff.email, PASSWORD).status_code == 429
    assert AccessAttempt.objects.get().ip_address == ADDRESS_A
    # … while the owner, from address B behind the same proxy, logs in as usual.
    owner = login_from(ADDRESS_B, ki_staff.email, PASSWORD)
    assert owner.status_code == 302
    assert owner.wsgi_request.user == ki_staff


def test_the_lock_is_per_account_too(behind_proxy, ki_staff, contact_unna):
    for _attempt in range(django_settings.AXES_FAILURE_LIMIT):
        login_from(ADDRESS_A, ki_staff.email, "falsch")
    assert login_from(ADDRESS_A, ki_staff.email, PASSWORD).status_code == 429
    # Somebody else in the same office (same address) is not locked out of their own account.
    assert login_from(ADDRESS_A, contact_unna.email, PASSWORD).status_code == 302


def test_without_the_proxy_setting_the_header_is_ignored(settings, ki_staff):
    settings.CLIENT_IP_META_KEY = None
    # An attacker cannot dodge the lock by sending a new made-up address with each attempt …
    for attempt in range(django_settings.AXES_FAILURE_LIMIT):
        login_from(f"192.0.2.{attempt + 1}", ki_staff.email, "falsch")
    assert login_from("192.0.2.99", ki_staff.email, PASSWORD).status_code == 429
    # … because every attempt counted for the connection's own address.
    assert AccessAttempt.objects.get().ip_address == PROXY


def test_client_address_follows_the_setting(settings):
    settings.CLIENT_IP_META_KEY = None
    assert client_address(request_with(HTTP_X_REAL_IP=ADDRESS_A)) == PROXY
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    assert client_address(request_with(HTTP_X_REAL_IP=ADDRESS_A)) == ADDRESS_A
    assert client_address(request_with(HTTP_X_REAL_IP="2001:DB8::1")) == "2001:db8::1"
    # A proxy that appends: only the last entry is the proxy's own, the rest came from the client.
    assert client_address(request_with(HTTP_X_REAL_IP=f"{ADDRESS_B}, {ADDRESS_A}")) == ADDRESS_A
    # No header or garbage in it (not through the proxy): the connection's address.
    assert client_address(request_with()) == PROXY
    assert client_address(request_with(HTTP_X_REAL_IP="<script>")) == PROXY


def test_lock_out_and_rate_limits_use_the_same_address(behind_proxy):
    request = request_with(HTTP_X_REAL_IP=ADDRESS_A)
    assert get_client_ip_address(request) == ADDRESS_A
    assert import_string(django_settings.RATELIMIT_IP_META_KEY) is client_address
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_rate_limits_count_per_client_address_behind_the_proxy(db, behind_proxy, settings):
    settings.RATELIMITS = {**django_settings.RATELIMITS, "password_reset": {"ip": 2, "email": 100}}
    url = reverse("accounts:password_reset")
    browser = Client(REMOTE_ADDR=PROXY)

    def ask(address: str, number: int):
        return browser.post(url, {"email": f"person{number}@example.org"}, HTTP_X_REAL_IP=address)

    assert ask(ADDRESS_A, 1).status_code == 302
    assert ask(ADDRESS_A, 2).status_code == 302
    assert ask(ADDRESS_A, 3).status_code == 429
    assert ask(ADDRESS_B, 4).status_code == 302  # another visitor behind the same proxy
