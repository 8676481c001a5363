"""Who may open and send each page of the volunteer's self-service (sign-up, profile, own data,
deletion, consents), for every role, GET and an empty POST. The people are made once for the
module, each case in its own savepoint (``shared_data.built_once``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import make_people
from kreisintegration.tests.shared_data import built_once, log_in, login_sessions
from municipalities.tests.factories import DistrictFactory
from volunteers.selfservice import signup
from volunteers.tests.account_helpers import pending_signup

ROLES = ["anonymous", "volunteer", "trainer", "contact_unna", "contact_luenen", "ki_staff"]


def statuses(anonymous, volunteer, others):
    return {
        "anonymous": anonymous,
        "volunteer": volunteer,
        **dict.fromkeys(["trainer", "contact_unna", "contact_luenen", "ki_staff"], others),
    }


# URL name → {method: {role: status}}, with empty POST data. Sign-up pages are open to everybody;
# logged-in people without a volunteer profile are offered one (sign-up) or refused (403: profile, deletion).
MATRIX = {
    "signup": {"GET": statuses(200, 302, 200), "POST": statuses(200, 302, 200)},
    "signup_done": {"GET": statuses(200, 200, 200), "POST": statuses(405, 405, 405)},
    "confirm_email": {"GET": statuses(200, 200, 200), "POST": statuses(302, 200, 200)},
    "profile": {"GET": statuses(302, 200, 403), "POST": statuses(302, 200, 403)},
    "data_export": {"GET": statuses(302, 200, 200), "POST": statuses(302, 405, 405)},
    "own_data": {"GET": statuses(302, 200, 200), "POST": statuses(302, 405, 405)},
    "own_data_pdf": {"GET": statuses(302, 200, 200), "POST": statuses(302, 405, 405)},
    "delete_account": {"GET": statuses(302, 200, 403), "POST": statuses(302, 200, 403)},
    "withdraw_consent": {"GET": statuses(302, 200, 403), "POST": statuses(302, 302, 403)},
}


def test_matrix_covers_every_account_url():
    from volunteers.views import account

    names = {
        pattern.name
        for pattern in __import__("volunteers.urls", fromlist=["urlpatterns"]).urlpatterns
        if pattern.callback.__module__ == account.__name__
    }
    assert names == set(MATRIX)


def build_people() -> dict:
    district = DistrictFactory()
    return {"district": district, "sessions": login_sessions(make_people(district)["users"])}


people_once = built_once(build_people)


@pytest.fixture
def people(people_once, db):
    return people_once


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", list(MATRIX))
def test_permission_matrix(client, people, name, method, role):
    if role != "anonymous":
        log_in(client, people, role)
    kwargs = {}
    if name == "confirm_email":
        kwargs["token"] = signup.make_confirmation_token(pending_signup(people["district"]))
    if name == "withdraw_consent":
        kwargs["kind"] = "neuzugewandert"
    url = reverse(f"volunteers:{name}", kwargs=kwargs)
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code == MATRIX[name][method][role], response.get("Location")
