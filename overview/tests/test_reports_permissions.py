"""Who may open and send each concept-report page, for every role, GET and an empty POST, with a
done report of the district. Built once for the module, each case in its own savepoint
(``shared_data.built_once``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import make_people
from kreisintegration.tests.shared_data import built_once, log_in, login_sessions
from municipalities.tests.factories import DistrictFactory
from overview.models import ConceptReport

from .report_fixtures import make_done_report, make_reference_data, report_url


def build_world() -> dict:
    district = DistrictFactory()
    make_reference_data(district)
    users = make_people(district)["users"]
    return {
        "done_report": make_done_report(district, by=users["ki_staff"]),
        "sessions": login_sessions(users),
    }


world_once = built_once(build_world)


@pytest.fixture
def world(world_once, db):
    return world_once


ROLES = ["anonymous", "volunteer", "trainer", "contact_unna", "contact_luenen", "ki_staff"]


def only_ki_staff(ki_staff_code: int) -> dict[str, int]:
    return {**dict.fromkeys(ROLES, 403), "anonymous": 302, "ki_staff": ki_staff_code}


# URL name → {method: {role: status}}, with a done report of the fixture district and empty POST data.
MATRIX = {
    "overview:reports": {"GET": only_ki_staff(200), "POST": only_ki_staff(200)},
    "overview:report_compare": {"GET": only_ki_staff(200), "POST": only_ki_staff(405)},
    "overview:texts": {"GET": only_ki_staff(200), "POST": only_ki_staff(200)},
    "overview:report_detail": {"GET": only_ki_staff(200), "POST": only_ki_staff(405)},
    "overview:report_status": {"GET": only_ki_staff(200), "POST": only_ki_staff(405)},
    "overview:report_file": {"GET": only_ki_staff(200), "POST": only_ki_staff(405)},
    "overview:report_retry": {"GET": only_ki_staff(405), "POST": only_ki_staff(302)},
}


def test_every_report_url_is_in_the_matrix():
    from overview.urls import urlpatterns

    report_views = {f"overview:{p.name}" for p in urlpatterns if p.callback.__module__.endswith("reports")}
    assert report_views == set(MATRIX)


@pytest.mark.parametrize(
    ("name", "method", "role"),
    [(name, method, role) for name, methods in MATRIX.items() for method in methods for role in ROLES],
)
def test_permission_matrix(client, world, name, method, role):
    done_report = world["done_report"]
    if role != "anonymous":
        log_in(client, world, role)
    before = list(ConceptReport.objects.order_by("pk").values_list("pk", "state"))

    response = client.generic(method, report_url(name, done_report))

    assert response.status_code == MATRIX[name][method][role], f"{role} {method} {name}"
    if role == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
    if role != "ki_staff":
        assert list(ConceptReport.objects.order_by("pk").values_list("pk", "state")) == before
