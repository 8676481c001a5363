"""Runs the permission matrix of ``matrix.py``: every role × URL × method gets its stated status, and
every URL of the project is in the table."""

import pytest
from django.urls import reverse

from events.models import Event
from municipalities.models import Invitation, Membership
from outbox.models import OutboxMail

from . import matrix
from .matrix import (
    BASE_ROLES,
    KEYS_NAMING_NO_OBJECT,
    MATRIX,
    OTHER_DISTRICT_STAFF,
    ROLES,
    make_outbox_mail,
    project_url_names,
    url_for,
)

objects = matrix.objects  # one object of every kind, in Unna
matrix_objects = matrix.matrix_objects  # built once for the module, each test in its own savepoint


def test_every_url_is_in_the_matrix():
    assert project_url_names() == set(MATRIX)
    assert set(OTHER_DISTRICT_STAFF) <= set(MATRIX)


def test_every_private_object_of_unna_states_what_staff_of_another_district_get():
    """A URL naming one of Unna's objects that ``ki_staff`` may open and an anonymous visitor may not
    must say what KI staff of another district get: a new URL cannot inherit ``ki_staff``'s 200."""
    unstated = [
        name
        for name, (key, methods) in MATRIX.items()
        if key not in KEYS_NAMING_NO_OBJECT
        and methods["GET"]["ki_staff"] == 200
        and methods["GET"]["anonymous"] != 200
        and name not in OTHER_DISTRICT_STAFF
    ]
    assert unstated == []


CASES = [
    (name, method, role) for name, (_key, methods) in MATRIX.items() for method in methods for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_permission_matrix(client, objects, name, method, role):
    key, methods = MATRIX[name]
    expected = methods[method][role]
    if role != "anonymous":
        matrix.log_in(client, objects, role)
    url = url_for(name, key, objects)
    memberships_before = Membership.objects.count()
    invitations_open_before = Invitation.objects.open().count()
    events_before = list(Event.objects.order_by("pk").values_list("pk", "status", "title"))

    response = client.generic(method, url)

    assert response.status_code == expected, f"{role} {method} {url}"
    if expected in (403, 302) and role != "ki_staff":
        # A refused request changes nothing that was saved.
        assert Membership.objects.count() == memberships_before
        assert Invitation.objects.open().count() == invitations_open_before
    if expected in (403, 404) or (expected == 302 and role == "anonymous"):
        assert list(Event.objects.order_by("pk").values_list("pk", "status", "title")) == events_before
    protected = methods[method]["ki_staff"] != 302
    if expected == 302 and role == "anonymous" and method == "GET" and protected:
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("role", BASE_ROLES)  # the other district's mail is the Soest staff's own
def test_mail_of_another_district_or_without_district_is_out_of_reach(client, objects, role, method):
    """KI staff of Kreis Unna cannot see or retry another district's mails, nor district-less ones."""
    other = make_outbox_mail(district_id=objects["other_district"].pk)
    unassigned = make_outbox_mail(district_id=None)
    if role != "anonymous":
        matrix.log_in(client, objects, role)
    expected = {"anonymous": 302, "ki_staff": 404 if method == "POST" else 405}.get(role, 403)

    for mail in (other, unassigned):
        response = client.generic(method, reverse("municipalities:mail_retry", kwargs={"pk": mail.pk}))
        assert response.status_code == expected
        mail.refresh_from_db()
        assert mail.status == OutboxMail.Status.FAILED


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 302), ("contact_unna", 302), ("ki_staff", 200)])
def test_admin_access(client, objects, role, expected):
    if role != "anonymous":
        user = objects["users"][role]
        if role == "ki_staff":
            user.is_staff = True
            user.save()
        client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == expected
