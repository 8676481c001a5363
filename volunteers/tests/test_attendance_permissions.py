"""Every URL of the trainer and report views and the certificate, for every role, GET and an
empty POST. ``trainer`` is a trainer of the course; ``volunteer`` owns the certificate. The data is
built once for the module, each case in its own savepoint (``shared_data.built_once``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import make_people
from kreisintegration.tests.shared_data import built_once, log_in, login_sessions
from municipalities.tests.factories import DistrictFactory
from volunteers import services
from volunteers.tests.attendance_helpers import record, register, sessions_in_past
from volunteers.tests.factories import make_course

ANON, VOLUNTEER, TRAINER, CONTACT_UNNA, CONTACT_LUENEN, KI_STAFF = (
    "anonymous", "volunteer", "trainer", "contact_unna", "contact_luenen", "ki_staff",
)  # fmt: skip
ROLES = (ANON, VOLUNTEER, TRAINER, CONTACT_UNNA, CONTACT_LUENEN, KI_STAFF)
LOGIN = 302


def _row(get: tuple[int, ...], post: tuple[int, ...]) -> dict[str, dict[str, int]]:
    return {"GET": dict(zip(ROLES, get, strict=True)), "POST": dict(zip(ROLES, post, strict=True))}


#                 anonymous volunteer trainer unna luenen staff
MATRIX = {
    "participants": _row(
        (LOGIN, 403, 200, 403, 403, 200),
        (LOGIN, 403, 405, 403, 403, 405),
    ),
    "participants_export": _row(
        (LOGIN, 403, 200, 403, 403, 200),
        (LOGIN, 403, 405, 403, 403, 405),
    ),
    "attendance": _row(
        (LOGIN, 403, 200, 403, 403, 200),
        (LOGIN, 403, 302, 403, 403, 302),  # empty POST: "nothing chosen", back to the form
    ),
    "complete": _row(
        (LOGIN, 403, 200, 403, 403, 200),  # GET: the confirmation page
        (LOGIN, 403, 302, 403, 403, 302),
    ),
    "course_evidence": _row(
        (LOGIN, 403, 403, 403, 403, 200),
        (LOGIN, 403, 403, 403, 403, 405),
    ),
    "evidence": _row(
        (LOGIN, 403, 403, 403, 403, 200),
        (LOGIN, 403, 403, 403, 403, 405),
    ),
    "figures": _row(
        (LOGIN, 403, 403, 403, 403, 200),
        (LOGIN, 403, 403, 403, 403, 405),
    ),
    "volunteer_search": _row(
        (LOGIN, 403, 403, 403, 403, 200),
        (LOGIN, 403, 403, 403, 403, 405),
    ),
    "volunteer_contact": _row(
        (LOGIN, 403, 403, 403, 403, 200),
        (LOGIN, 403, 403, 403, 403, 405),
    ),
    # Roles without certificates are refused (403); somebody else's certificate does not exist
    # for a volunteer or KI staff of another district (404, test_certificate_is_for_its_owner_…).
    "certificate": _row(
        (LOGIN, 200, 403, 403, 403, 200),
        (LOGIN, 405, 403, 403, 403, 405),
    ),
}

# The URL names of the views in trainer.py, reports.py and CertificateView: a new one must be
# added to the matrix above.
OWN_URL_NAMES = {
    "participants", "participants_export", "attendance", "complete", "course_evidence", "evidence",
    "figures", "volunteer_search", "volunteer_contact", "certificate",
}  # fmt: skip


def test_matrix_covers_every_url_of_these_views():
    from volunteers import urls

    own_modules = {"volunteers.views.trainer", "volunteers.views.reports"}
    names = {
        pattern.name
        for pattern in urls.urlpatterns
        if pattern.callback.__module__ in own_modules or pattern.name == "certificate"
    }
    assert names == OWN_URL_NAMES == set(MATRIX)


def build_matrix_world() -> dict:
    district = DistrictFactory()
    users = make_people(district)["users"]
    trainer, volunteer = users[TRAINER], users[VOLUNTEER]
    course = make_course(district, sessions=2, min_attendance_percent=50, trainers=[trainer])
    (registration,) = register(course, [volunteer.volunteer])
    sessions = sessions_in_past(course)
    record(trainer, sessions[0], {registration: True})
    # A second, completed course holds the volunteer's certificate; the first stays open.
    done = make_course(district, title="Interkulturelle Kompetenz", sessions=1, trainers=[trainer])
    (certified,) = register(done, [volunteer.volunteer])
    record(trainer, sessions_in_past(done)[0], {certified: True})
    services.complete_course(by=trainer, course=done)
    return {
        "sessions": login_sessions(users),
        "urls": {
            "participants": reverse("volunteers:participants", kwargs={"pk": course.pk}),
            "participants_export": reverse(
                "volunteers:participants_export", kwargs={"pk": course.pk, "fmt": "pdf"}
            ),
            "attendance": reverse(
                "volunteers:attendance", kwargs={"pk": course.pk, "session_pk": sessions[0].pk}
            ),
            "complete": reverse("volunteers:complete", kwargs={"pk": course.pk}),
            "course_evidence": reverse("volunteers:course_evidence", kwargs={"pk": course.pk, "fmt": "pdf"}),
            "evidence": reverse("volunteers:evidence"),
            "figures": reverse("volunteers:figures"),
            "volunteer_search": reverse("volunteers:volunteer_search"),
            "volunteer_contact": reverse(
                "volunteers:volunteer_contact", kwargs={"pk": volunteer.volunteer.pk}
            ),
            "certificate": reverse("volunteers:certificate", kwargs={"pk": certified.pk}),
        },
    }


matrix_world_once = built_once(build_matrix_world)


@pytest.fixture
def matrix_world(matrix_world_once, db):
    return matrix_world_once


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, matrix_world, role, name, method):
    if role != ANON:
        log_in(client, matrix_world, role)
    url = matrix_world["urls"][name]
    response = client.get(url) if method == "GET" else client.post(url, {})
    expected = MATRIX[name][method][role]
    assert response.status_code == expected, f"{role} {method} {name}"
    if expected == LOGIN and role == ANON:
        assert response["Location"].startswith(reverse("accounts:login"))
