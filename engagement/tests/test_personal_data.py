"""The contact person's data in the own-data export and in the account deletion (GDPR)."""

import json

import pytest
from django.urls import reverse

from accounts.models import User
from volunteers.accounts import delete_volunteer_account
from volunteers.tests.factories import make_volunteer

from ..models import Application, OrganisationMember
from .factories import make_application, make_organisation, member_of

pytestmark = pytest.mark.django_db

NOT_EXPORTED = {
    "id": "internal key",
    "user": "the person themself",
    "organisation": "exported by name and address",
}


def test_own_data_export_contains_the_organisation_membership_with_every_field(client, district):
    organisation = make_organisation(district, name="Deutsch-Türkischer Elternverein Kamen")
    client.force_login(member_of(organisation))
    data = json.loads(client.get(reverse("volunteers:data_export")).content)
    [membership] = data["organisation_memberships"]
    assert membership["organisation"] == "Deutsch-Türkischer Elternverein Kamen"
    assert membership["phone"] == "02383 12345" and membership["is_contact"] is True
    fields = {field.name for field in OrganisationMember._meta.get_fields()} - set(NOT_EXPORTED)
    assert fields <= set(membership) | {"address", "legal_form"}


def test_deleting_the_account_removes_the_contact_person_and_keeps_the_organisations_records(district):
    organisation = make_organisation(district)
    user = member_of(organisation)
    make_volunteer(district, user=user)  # the account deletion is the volunteer's own
    application = make_application(organisation)

    delete_volunteer_account(user=user)

    assert not OrganisationMember.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert user.full_name == "Gelöschte Person" and "02383" not in json.dumps(
        list(OrganisationMember.objects.values())
    )
    assert Application.objects.get(pk=application.pk).organisation == organisation
    assert User.objects.filter(pk=user.pk, is_active=False).exists()
