import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_with_email_in_any_case_lands_in_own_area(client, volunteer):
    # (KI staff pass the second factor first: accounts/tests/test_two_factor.py.)
    response = login(client, "Ehrenamt-Test@Example.org", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).context["user"] == volunteer


def test_wrong_password_gives_german_message_and_no_session(client, ki_staff):
    response = login(client, ki_staff.email, "falsch")
    assert response.status_code == 200
    assert "E-Mail-Adresse oder Passwort ist nicht richtig" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_and_known_address_fail_alike(client, ki_staff):
    known = login(client, ki_staff.email, "falsch").content.decode()
    unknown = login(client, "niemand@example.org", "falsch").content.decode()
    message = "E-Mail-Adresse oder Passwort ist nicht richtig"
    assert message in known and message in unknown


def test_login_is_throttled_after_repeated_failures(client, ki_staff, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, ki_staff.email, "falsch").status_code == 200
    assert login(client, ki_staff.email, "falsch").status_code == 429
    # Even the right password is refused while the lock lasts.
    locked = login(client, ki_staff.email, PASSWORD)
    assert locked.status_code == 429
    assert "vorübergehend gesperrt" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_international_names_are_kept_as_typed(db):
    for name in ["Şengül Yıldız", "Nguyễn Thị Lan", "Ahmad Al-Hassan", "Ольга", "مريم حداد"]:
        user = User.objects.create_user(
            email=f"{len(name)}-{name.encode().hex()[:8]}@example.org", full_name=name
        )
        user.refresh_from_db()
        assert user.full_name == name


def test_email_is_unique_regardless_of_case(db):
    User.objects.create_user(email="Person@Example.org", full_name="A")
    assert User.objects.get(email="person@example.org")
    with pytest.raises(Exception):  # noqa: B017 - the database refuses the duplicate
        User.objects.create_user(email="PERSON@example.org", full_name="B")


def test_logout_needs_post(client, ki_staff):
    client.force_login(ki_staff)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_password_reset_same_answer_for_known_and_unknown_address(client, ki_staff):
    known = client.post(reverse("accounts:password_reset"), {"email": ki_staff.email})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "niemand@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    # Exactly one mail, to the known address, with a working link.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ki_staff.email]
    assert message.subject == "Neues Passwort für das Portal Kreisintegration"
    assert "Guten Tag Miriam Schäfer" in message.body
    html = message.alternatives[0][0]
    assert "Neues Passwort festlegen" in html
    link = re.search(r"http://[^\s]+/konto/passwort-neu/[^\s]+/", message.body).group(0)
    path = link.split("127.0.0.1:8000", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "ein-neues-Passwort-2026", "new_password2": "ein-neues-Passwort-2026"},
    )
    assert done.status_code == 302
    ki_staff.refresh_from_db()
    assert ki_staff.check_password("ein-neues-Passwort-2026")


def test_profile_change_keeps_unicode_name(client, volunteer):
    client.force_login(volunteer)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Şengül Yıldız-Nguyễn", "preferred_language": "en"}
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.full_name == "Şengül Yıldız-Nguyễn"
    assert volunteer.preferred_language == "en"


def test_profile_rejects_empty_name_and_keeps_saved_one(client, volunteer):
    client.force_login(volunteer)
    before = volunteer.full_name
    response = client.post(reverse("accounts:profile"), {"full_name": "   ", "preferred_language": "de"})
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.full_name == before
