"""The contact person's data in the own-data export and in the account deletion (GDPR)."""

import json

import pytest
from django.urls import reverse

from accounts.models import User
from municipalities.tests.factories import UserFactory
from outbox.models import OutboxMail
from volunteers.selfservice.deletion import delete_volunteer_account
from volunteers.tests.factories import make_volunteer

from ..models import Application, Organisation, OrganisationMember
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


# --- an initiative's contact person without a volunteer profile deletes the account --------------

DELETE = reverse("volunteers:delete_account")
PASSWORD = "richtig-geheim-2026"  # UserFactory's


def test_contact_person_without_volunteer_profile_sees_what_happens_to_the_organisation(client, district):
    organisation = make_organisation(district, name="Deutsch-Türkischer Elternverein Kamen")
    make_application(organisation)  # submitted: the organisation's record
    make_application(organisation, title="Entwurf", status=Application.Status.DRAFT)
    client.force_login(member_of(organisation))

    response = client.get(DELETE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Sie sind die letzte Person, die für „Deutsch-Türkischer Elternverein Kamen“ handeln kann" in page
    assert "bleibt mit ihrem Antrag beim Integrationszentrum gespeichert" in page
    assert "1 nicht eingereichter Entwurf wird gelöscht." in page
    assert "Kursanmeldungen" not in page  # nothing about courses for somebody who never took one
    assert 'type="password"' in page


def test_last_member_deletes_the_account_and_the_organisation_stays_with_its_grants(client, district):
    organisation = make_organisation(district)
    user = member_of(organisation)
    submitted = make_application(organisation)
    draft = make_application(organisation, title="Entwurf", status=Application.Status.DRAFT)
    client.force_login(user)

    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 200 and "Ihr Konto ist gelöscht" in response.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.is_active, user.has_usable_password()) == ("Gelöschte Person", False, False)
    assert not OrganisationMember.objects.filter(organisation=organisation).exists()
    assert Application.objects.get(pk=submitted.pk).organisation == organisation
    assert not Application.objects.filter(pk=draft.pk).exists()
    mail = OutboxMail.objects.get(template="engagement_organisation_orphaned")
    assert mail.recipients == [district.ki_email]
    assert "Begegnungscafé Bönen e. V." in mail.subject
    assert client.get(reverse("engagement:home")).status_code == 302  # logged out


def test_last_member_of_an_organisation_with_only_drafts_takes_the_registration_with_them(client, district):
    organisation = make_organisation(district, name="Nachbarschaftshilfe Selm")
    make_application(organisation, title="Entwurf", status=Application.Status.DRAFT)
    client.force_login(member_of(organisation))
    assert "Die Registrierung der Organisation wird deshalb" in client.get(DELETE).content.decode()

    client.post(DELETE, {"password": PASSWORD})

    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert not Application.objects.exists()
    assert not OutboxMail.objects.filter(template="engagement_organisation_orphaned").exists()


def test_a_member_who_is_not_the_last_leaves_the_organisation_untouched(client, district):
    organisation = make_organisation(district)
    colleague = UserFactory(full_name="Nguyễn Thị Lan")
    OrganisationMember.objects.create(organisation=organisation, user=colleague, is_contact=True)
    draft = make_application(organisation, title="Entwurf", status=Application.Status.DRAFT)
    user = member_of(organisation)
    client.force_login(user)
    assert "letzte Person" not in client.get(DELETE).content.decode()

    client.post(DELETE, {"password": PASSWORD})

    assert list(organisation.members.values_list("user", flat=True)) == [colleague.pk]
    assert Application.objects.filter(pk=draft.pk).exists()
    assert not OutboxMail.objects.filter(template="engagement_organisation_orphaned").exists()


def test_the_organisation_area_links_to_the_account_deletion(client, district):
    client.force_login(member_of(make_organisation(district)))
    assert DELETE in client.get(reverse("engagement:home")).content.decode()
