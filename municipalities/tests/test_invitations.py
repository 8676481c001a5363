import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from municipalities import services
from municipalities.models import Invitation, Membership


def invite(client, ki_staff, municipality, email="neu@example.org", full_name="Ольга Петрова"):
    client.force_login(ki_staff)
    return client.post(
        reverse("municipalities:contacts", kwargs={"slug": municipality.slug}),
        {"email": email, "full_name": full_name},
    )


def accept_link(message) -> str:
    url = re.search(r"http://\S+/einladung/\S+/", message.body).group(0)
    return url.split("127.0.0.1:8000", 1)[1]


def test_ki_staff_invites_contact_and_mail_is_sent_after_commit(
    client, ki_staff, unna, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, ki_staff, unna)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "neu@example.org"
    assert abs(invitation.expires_at - invitation.created_at - timedelta(days=7)) < timedelta(seconds=5)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neu@example.org"]
    assert message.reply_to == [unna.district.ki_email]
    assert message.subject == "Einladung: Ansprechperson für Unna im Portal Kreisintegration"
    assert "Guten Tag Ольга Петрова" in message.body
    assert "Miriam Schäfer (Kommunales Integrationszentrum Kreis Unna) lädt Sie ein" in message.body
    assert "7 Tage gültig" in message.body
    # Only a hash is stored: the token in the mail is not in the database.
    token = accept_link(message).rstrip("/").rsplit("/", 1)[1]
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_accepting_creates_account_and_membership_and_lands_in_municipality(client, ki_staff, unna):
    _invitation, token = services.invite_contact(by=ki_staff, municipality=unna, email="neu@example.org")
    client.logout()
    url = reverse("municipalities:invitation_accept", kwargs={"token": token})
    assert "Einladung annehmen" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "full_name": "Nguyễn Thị Lan",
            "password1": "sicheres-Passwort-26",
            "password2": "sicheres-Passwort-26",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("municipalities:home", kwargs={"slug": "unna"})
    user = User.objects.get(email="neu@example.org")
    assert user.full_name == "Nguyễn Thị Lan"
    assert Membership.objects.filter(user=user, municipality=unna).exists()
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert "Meine Kommune: Unna" in home.content.decode()


def test_used_link_cannot_be_used_again(client, ki_staff, unna):
    _invitation, token = services.invite_contact(by=ki_staff, municipality=unna, email="neu@example.org")
    services.accept_invitation(token=token, full_name="Erste Person", password="sicheres-Passwort-26")
    url = reverse("municipalities:invitation_accept", kwargs={"token": token})
    response = client.post(
        url,
        {
            "full_name": "Zweite Person",
            "password1": "anderes-Passwort-26",
            "password2": "anderes-Passwort-26",
        },
    )
    assert "bereits angenommen" in response.content.decode()
    assert User.objects.get(email="neu@example.org").full_name == "Erste Person"
    assert User.objects.filter(email="neu@example.org").count() == 1


def test_expired_link_explains_and_offers_a_new_one(client, ki_staff, unna):
    invitation, token = services.invite_contact(by=ki_staff, municipality=unna, email="neu@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("municipalities:invitation_accept", kwargs={"token": token}))
    assert response.status_code == 410
    page = response.content.decode()
    assert "abgelaufen" in page
    assert reverse("municipalities:invitation_renewal") in page
    post = client.post(
        reverse("municipalities:invitation_accept", kwargs={"token": token}),
        {"full_name": "X", "password1": "sicheres-Passwort-26", "password2": "sicheres-Passwort-26"},
    )
    assert post.status_code == 410
    assert not User.objects.filter(email="neu@example.org").exists()


def test_unknown_token_is_404_with_german_message(client, db):
    response = client.get(reverse("municipalities:invitation_accept", kwargs={"token": "gibt-es-nicht"}))
    assert response.status_code == 404
    assert "nicht gültig" in response.content.decode()


def test_new_invitation_revokes_the_older_link(client, ki_staff, unna):
    _first, old_token = services.invite_contact(by=ki_staff, municipality=unna, email="neu@example.org")
    services.invite_contact(by=ki_staff, municipality=unna, email="NEU@example.org")
    response = client.get(reverse("municipalities:invitation_accept", kwargs={"token": old_token}))
    assert response.status_code == 410
    assert Invitation.objects.open().count() == 1


def test_bad_password_keeps_the_invitation_usable(client, ki_staff, unna):
    _invitation, token = services.invite_contact(by=ki_staff, municipality=unna, email="neu@example.org")
    url = reverse("municipalities:invitation_accept", kwargs={"token": token})
    response = client.post(url, {"full_name": "Ahmad Al-Hassan", "password1": "kurz", "password2": "anders"})
    assert response.status_code == 200
    assert "Die beiden Passwörter stimmen nicht überein." in response.content.decode()
    assert Invitation.objects.open().count() == 1
    assert not User.objects.filter(email="neu@example.org").exists()


def test_existing_account_accepts_after_login(client, ki_staff, unna, volunteer):
    _invitation, token = services.invite_contact(by=ki_staff, municipality=unna, email=volunteer.email)
    url = reverse("municipalities:invitation_accept", kwargs={"token": token})
    assert "bereits ein Konto" in client.get(url).content.decode()
    client.force_login(volunteer)
    response = client.post(url)
    assert response.status_code == 302
    assert Membership.objects.filter(user=volunteer, municipality=unna).exists()


def test_other_logged_in_person_cannot_take_the_invitation(client, ki_staff, unna, contact_luenen):
    _invitation, token = services.invite_contact(by=ki_staff, municipality=unna, email="neu@example.org")
    client.force_login(contact_luenen)
    response = client.post(reverse("municipalities:invitation_accept", kwargs={"token": token}))
    assert "anderen Konto" in response.content.decode()
    assert not Membership.objects.filter(user=contact_luenen, municipality=unna).exists()
    assert Invitation.objects.open().count() == 1


def test_inviting_an_existing_contact_is_refused_in_german(client, ki_staff, unna, contact_unna):
    response = invite(client, ki_staff, unna, email=contact_unna.email)
    assert response.status_code == 200
    assert "ist bereits Ansprechperson für Unna" in response.content.decode()
    assert not Invitation.objects.exists()


def test_contact_cannot_invite(client, contact_unna, unna):
    response = invite(client, contact_unna, unna)
    assert response.status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_renewal_request_reaches_ki_and_answers_the_same_for_unknown(client, ki_staff, unna):
    invitation, _token = services.invite_contact(by=ki_staff, municipality=unna, email="neu@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    mail.outbox.clear()
    known = client.post(
        reverse("municipalities:invitation_renewal"), {"email": "neu@example.org"}, follow=True
    )
    unknown = client.post(
        reverse("municipalities:invitation_renewal"), {"email": "x@example.org"}, follow=True
    )
    assert [m.message for m in known.context["messages"]] == [m.message for m in unknown.context["messages"]]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [unna.district.ki_email]
    assert "neu@example.org bittet um einen neuen Einladungslink als Ansprechperson für Unna" in message.body
    assert "/kommunen/unna/ansprechpersonen/" in message.body


def test_ki_staff_revokes_invitation(client, ki_staff, unna):
    invitation, _token = services.invite_contact(by=ki_staff, municipality=unna, email="neu@example.org")
    client.force_login(ki_staff)
    url = reverse("municipalities:invitation_revoke", kwargs={"slug": unna.slug, "pk": invitation.pk})
    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
