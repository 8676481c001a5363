"""Who may open the dashboard, the drill-down into one cell and the municipality comparison."""

from __future__ import annotations

import pytest
from django.urls import reverse

from municipalities.models import FieldOfAction
from overview.models import DashboardFigures

ROLES = ["anonymous", "volunteer", "trainer", "contact_unna", "contact_luenen", "ki_staff"]


def only(allowed: dict[str, int], *, others: int = 403) -> dict[str, int]:
    return {**dict.fromkeys(ROLES, others), "anonymous": 302, **allowed}


# URL name → (URL kwargs, {method: {role: status}}). Objects belong to Unna.
MATRIX = {
    "overview:dashboard": ({}, {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})}),
    "overview:cell": (
        {"municipality": "unna", "field_of_action": "sprache"},
        {"GET": only({"ki_staff": 200}), "POST": only({"ki_staff": 405})},
    ),
    "overview:comparison": (
        {"slug": "unna"},
        {
            "GET": only({"contact_unna": 200, "ki_staff": 200}),
            "POST": only({"contact_unna": 405, "ki_staff": 405}),
        },
    ),
}


def test_every_dashboard_url_is_in_the_matrix():
    from overview.urls import urlpatterns

    dashboard_views = {
        f"overview:{p.name}" for p in urlpatterns if p.callback.__module__.endswith("dashboard")
    }
    assert dashboard_views == set(MATRIX)


@pytest.fixture
def people(volunteer, trainer, contact_unna, contact_luenen, ki_staff):
    return {
        "volunteer": volunteer,
        "trainer": trainer,
        "contact_unna": contact_unna,
        "contact_luenen": contact_luenen,
        "ki_staff": ki_staff,
    }


@pytest.mark.parametrize(
    ("name", "method", "role"),
    [
        (name, method, role)
        for name, (_kwargs, methods) in MATRIX.items()
        for method in methods
        for role in ROLES
    ],
)
def test_permission_matrix(client, district, unna, people, name, method, role):
    FieldOfAction.objects.create(district=district, slug="sprache", name="Sprache & Bildung")
    kwargs, methods = MATRIX[name]
    if role != "anonymous":
        client.force_login(people[role])
    url = reverse(name, kwargs=kwargs)

    response = client.generic(method, url)

    assert response.status_code == methods[method][role], f"{role} {method} {url}"
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not DashboardFigures.objects.exists() or role in ("ki_staff", "contact_unna")
