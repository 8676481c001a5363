"""Engagement's URLs for all eight roles, organisation A against organisation B included."""

import pytest
from django.urls import reverse

from kreisintegration.tests import matrix as project_matrix
from kreisintegration.tests.matrix import log_in, url_for

from ..models import AdviceMeeting, Application, InitiativeNewcomer, Organisation, ReceiptFile
from .matrix import ENGAGEMENT_MATRIX, ROLES

# The project matrix's objects (Unna's event, course, … and engagement's organisations A and B),
# built once for this module too, each case in its own savepoint.
matrix_objects = project_matrix.matrix_objects
objects = project_matrix.objects

CASES = [
    (name, method, role)
    for name, (_key, methods) in ENGAGEMENT_MATRIX.items()
    for method in methods
    for role in ROLES
]


def state():
    return (
        list(Application.objects.order_by("pk").values_list("pk", "status", "title", "requested_amount")),
        list(Organisation.objects.order_by("pk").values_list("pk", "status")),
        AdviceMeeting.objects.count(),
        list(ReceiptFile.objects.order_by("pk").values_list("pk", flat=True)),
        list(InitiativeNewcomer.objects.order_by("pk").values_list("pk", "full_name", "withdrawn_at")),
    )


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_engagement_permission_matrix(client, objects, name, method, role):
    key, methods = ENGAGEMENT_MATRIX[name]
    expected = methods[method][role]
    if role != "anonymous":
        log_in(client, objects, role)
    url = url_for(name, key, objects)
    before = state()

    response = client.generic(method, url)

    assert response.status_code == expected, f"{role} {method} {url}"
    if expected in (403, 404, 405) or (expected == 302 and role == "anonymous" and method == "GET"):
        assert state() == before  # a refused request changes nothing
    if expected == 302 and role == "anonymous" and method == "GET":
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_organisation_b_gets_404_for_every_url_of_organisation_as_applications(client, objects, method):
    log_in(client, objects, "organisation_b")
    for name in ("application_detail", "application_update", "application_submit"):
        for key in ("engagement_application", "engagement_draft"):
            url = reverse(f"engagement:{name}", kwargs={"pk": objects[key].pk})
            assert client.generic(method, url).status_code == 404, url
