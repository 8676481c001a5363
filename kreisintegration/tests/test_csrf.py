"""CSRF protection of every state-changing URL, found through the permission matrix.

For every URL that accepts a POST from some role (matrix status 200 or 302), a client
that enforces CSRF checks, logged in as such a role, POSTs without a token: the answer
is the German 403 page and nothing changes. The same POST with a valid token gets
the matrix's status, so the test cannot pass by refusing everything.
"""

from __future__ import annotations

import pytest
from django.urls import resolve

from events.models import Event
from kreisintegration.tests import matrix
from municipalities.models import Invitation, Membership
from volunteers.models import Registration

objects = matrix.objects  # the permission matrix's fixture (one object of every kind, in Unna)
matrix_objects = matrix.matrix_objects  # built once for the module, each test in its own savepoint

# Views that are deliberately CSRF-exempt, with the reason. They must refuse POST (405).
CSRF_EXEMPT = {
    "events:event_ics": "read-only feed; POST gets a clean 405 instead of a CSRF page",
    "events:feed_district": "read-only feed; POST gets a clean 405 instead of a CSRF page",
    "events:feed_municipality": "read-only feed; POST gets a clean 405 instead of a CSRF page",
    "events:api_events": "read-only JSON API; POST gets a clean 405 instead of a CSRF page",
    "events:api_openapi": "read-only API description; POST gets a clean 405 instead of a CSRF page",
    "overview:opendata_catalogue": "read-only open-data catalogue; POST gets a clean 405",
    "overview:opendata_events": "read-only open-data download; POST gets a clean 405",
    "overview:opendata_offers": "read-only open-data download; POST gets a clean 405",
    "overview:opendata_indicators": "read-only open-data download; POST gets a clean 405",
}
# Logged-in roles first: the first one the matrix allows to POST is used.
ROLE_ORDER = ["ki_staff", "contact_unna", "trainer", "volunteer", "contact_luenen", "anonymous"]


def posting_role(methods) -> str | None:
    post = methods.get("POST", {})
    for role in ROLE_ORDER:
        if post.get(role) in (200, 302):
            if role == "anonymous" and post.get("ki_staff") in (200, 302) and post["anonymous"] == 302:
                continue  # anonymous is only sent to the login page
            return role
    return None


STATE_CHANGING = sorted(name for name, (_key, methods) in matrix.MATRIX.items() if posting_role(methods))


def test_the_matrix_yields_the_state_changing_urls():
    assert len(STATE_CHANGING) >= 30
    for name in (
        "accounts:logout",
        "volunteers:signup",
        "events:review",
        "volunteers:register",
        "set_language",
    ):
        assert name in STATE_CHANGING


def snapshot():
    return (
        list(Event.objects.order_by("pk").values_list("pk", "status", "title")),
        Membership.objects.count(),
        Invitation.objects.open().count(),
        list(Registration.objects.order_by("pk").values_list("pk", "status")),
    )


def csrf_client(client, objects, role):
    """The pytest ``client`` (whatever class conftest gives it), made to enforce CSRF."""
    client.handler.enforce_csrf_checks = True
    if role != "anonymous":
        matrix.log_in(client, objects, role)
    return client


@pytest.mark.parametrize("name", STATE_CHANGING)
def test_post_without_csrf_token_is_refused_and_changes_nothing(client, objects, name):
    key, methods = matrix.MATRIX[name]
    role = posting_role(methods)
    url = matrix.url_for(name, key, objects)
    client = csrf_client(client, objects, role)
    before = snapshot()

    response = client.post(url, {"title": "Angriff", "decision": "approve", "email": "x@example.org"})

    assert response.status_code == 403, f"{role} POST {url}"
    assert "Formular nicht angenommen" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("name", STATE_CHANGING)
def test_same_post_with_a_valid_token_gets_through(client, objects, name):
    key, methods = matrix.MATRIX[name]
    role = posting_role(methods)
    url = matrix.url_for(name, key, objects)
    client = csrf_client(client, objects, role)
    client.get(matrix.url_for("accounts:password_reset", None, objects))  # any form sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    response = client.post(url, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == methods["POST"][role], f"{role} POST {url}"


@pytest.mark.parametrize("name", sorted(CSRF_EXEMPT))
def test_csrf_exempt_views_are_read_only(client, objects, name):
    key, methods = matrix.MATRIX[name]
    url = matrix.url_for(name, key, objects)
    assert getattr(resolve(url).func, "csrf_exempt", False)
    assert set(methods["POST"].values()) == {405}
    client = csrf_client(client, objects, "anonymous")
    assert client.post(url).status_code == 405


def test_no_other_view_is_csrf_exempt(objects):
    exempt = {
        name
        for name, (key, _methods) in matrix.MATRIX.items()
        if getattr(resolve(matrix.url_for(name, key, objects)).func, "csrf_exempt", False)
    }
    assert exempt == set(CSRF_EXEMPT)
