"""A volunteer's own account: sign-up (double opt-in), profile and consents, export, deletion."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail, signing
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from accounts.models import ConsentRecord, User
from conftest import PASSWORD
from municipalities.models import (
    District,
    DistrictRole,
    FieldOfAction,
    Invitation,
    Membership,
    Municipality,
)
from volunteers import services
from volunteers.models import (
    NEWCOMER_CONSENT_VERSION,
    PRIVACY_NOTICE_VERSION,
    Attendance,
    Registration,
    Volunteer,
    VolunteerLanguage,
    VolunteerQualification,
)
from volunteers.selfservice import signup
from volunteers.tests.account_helpers import NEW_PASSWORD, language, pending_signup, signup_data
from volunteers.tests.factories import make_course, make_volunteer

R = Registration.Status
SIGNUP = reverse("volunteers:signup")
PROFILE = reverse("volunteers:profile")
EXPORT = reverse("volunteers:data_export")
DELETE = reverse("volunteers:delete_account")
INTERNATIONAL_NAMES = ["مريم حداد", "Şengül Yıldız", "Nguyễn Thị Lan", "Ольга Петрова", "Ahmad Al-Hassan"]


def confirm_url(user) -> str:
    return reverse("volunteers:confirm_email", kwargs={"token": signup.make_confirmation_token(user)})


def profile_data(user, *, languages=(), interests=(), **overrides):
    data = {
        "full_name": user.full_name,
        "municipality": "",
        "phone": "",
        "availability": "",
        "languages-TOTAL_FORMS": str(max(len(languages), 1)),
        "languages-INITIAL_FORMS": "0",
        "languages-MIN_NUM_FORMS": "0",
        "languages-MAX_NUM_FORMS": "40",
        "languages-0-level": "good",
    }
    for index, (item, level) in enumerate(languages):
        data[f"languages-{index}-language"] = str(item.pk)
        data[f"languages-{index}-level"] = level
    if interests:
        data["interests"] = [str(field.pk) for field in interests]
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- sign-up -----------------------------------------------------------------


def test_signup_form_has_privacy_checkbox_and_a_hidden_honeypot(client, district, unna, luenen):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ich habe die Datenschutzhinweise (Fassung 2026-1) gelesen" in html
    assert reverse("privacy") in html
    # Only municipalities of the portal district are offered.
    assert response.context["form"].fields["municipality"].queryset.count() == 2
    # The honeypot is out of sight, out of the tab order and out of the accessibility tree.
    assert 'aria-hidden="true"' in html
    assert 'name="website"' in html
    assert 'tabindex="-1"' in html
    assert "Bitte lassen Sie dieses Feld leer" in html


@pytest.mark.parametrize("name", INTERNATIONAL_NAMES)
def test_signup_creates_inactive_account_and_sends_confirmation_link(
    client, district, unna, name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            SIGNUP, signup_data(full_name=f"  {name} ", email="Neu.Person@Example.org", municipality=unna.pk)
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:signup_done")

    user = User.objects.get(email="neu.person@example.org")
    assert user.full_name == name
    assert user.is_active is False
    assert user.check_password(NEW_PASSWORD)
    volunteer = user.volunteer
    assert volunteer.district == district
    assert volunteer.municipality == unna
    assert volunteer.privacy_consent_at is not None
    assert volunteer.privacy_consent_version == PRIVACY_NOTICE_VERSION
    assert volunteer.email_confirmed_at is None
    assert volunteer.came_as_newcomer is False
    assert DistrictRole.objects.filter(
        user=user, district=district, role=DistrictRole.Role.VOLUNTEER
    ).exists()
    assert "_auth_user_id" not in client.session

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neu.person@example.org"]
    assert message.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse – Kreisintegration"
    assert f"Guten Tag {name}," in message.body
    assert "3 Tage gültig" in message.body
    match = re.search(r"(https?://\S+/ehrenamt/bestaetigen/([^/\s]+)/)", message.body)
    assert match, message.body
    link, token = match.groups()
    assert link.startswith(settings.SITE_URL)
    assert signup.user_for_confirmation_token(token) == user
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html
    assert name in html


def test_signup_done_page_asks_to_confirm(client, district):
    response = client.get(reverse("volunteers:signup_done"))
    assert response.status_code == 200
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in response.content.decode()


def test_signup_needs_the_privacy_checkbox(client, district):
    response = client.post(SIGNUP, signup_data(privacy=None))
    assert response.status_code == 200
    assert (
        "Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben." in response.content.decode()
    )
    assert not User.objects.filter(email="sengul.yildiz@example.org").exists()
    assert len(mail.outbox) == 0


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        (NEW_PASSWORD, NEW_PASSWORD + "x", "Die beiden Passwörter stimmen nicht überein."),
        ("12345678", "12345678", "Dieses Passwort ist zu üblich."),
        ("kurz", "kurz", "Dieses Passwort ist zu kurz."),
    ],
)
def test_signup_checks_passwords_with_djangos_validators(client, district, password1, password2, message):
    response = client.post(SIGNUP, signup_data(password1=password1, password2=password2))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="sengul.yildiz@example.org").exists()


def test_signup_refuses_a_municipality_of_another_district(client, district, unna):
    other = District.objects.create(
        name="Kreis Soest",
        slug="kreis-soest",
        ags_prefix="05974",
        ki_name="KI Soest",
        ki_email="ki@soest.example",
    )
    soest = Municipality.objects.create(district=other, name="Soest", slug="soest", ags="05974040")
    response = client.post(SIGNUP, signup_data(municipality=soest.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["municipality"]
    assert not User.objects.filter(email="sengul.yildiz@example.org").exists()


def test_filled_honeypot_pretends_success_but_creates_and_sends_nothing(
    client, district, django_capture_on_commit_callbacks
):
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, signup_data(website="https://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:signup_done")
    assert User.objects.count() == users_before
    assert Volunteer.objects.count() == 0
    assert len(mail.outbox) == 0


def test_signup_with_a_known_address_looks_the_same_and_only_notifies_the_owner(
    client, district, volunteer, contact_unna, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(SIGNUP, signup_data(email="ganz-neu@example.org"))
    mail.outbox.clear()
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(SIGNUP, signup_data(email="UNNA-Test@example.org", full_name="Jemand Anderes"))
    # Same answer as for a new address: nobody learns whether the address has an account.
    assert known.status_code == new.status_code == 302
    assert known["Location"] == new["Location"] == reverse("volunteers:signup_done")
    assert User.objects.count() == users_before
    contact_unna.refresh_from_db()
    assert contact_unna.full_name == "Şengül Yıldız"
    assert contact_unna.check_password(PASSWORD)
    assert not Volunteer.objects.filter(user=contact_unna).exists()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [contact_unna.email]
    assert message.subject == "Registrierung mit Ihrer E-Mail-Adresse – Kreisintegration"
    assert "versucht, sich mit Ihrer E-Mail-Adresse" in message.body
    assert reverse("accounts:login") in message.body
    assert reverse("accounts:password_reset") in message.body
    assert "/ehrenamt/bestaetigen/" not in message.body


def test_signing_up_again_before_confirming_sends_a_new_link(
    client, district, django_capture_on_commit_callbacks
):
    user = pending_signup(district, email="wartend@example.org")
    signup.cache.clear()  # the mail throttle of the first sign-up
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, signup_data(email="wartend@example.org"))
    assert response["Location"] == reverse("volunteers:signup_done")
    assert User.objects.filter(email="wartend@example.org").count() == 1
    assert len(mail.outbox) == 1
    assert "/ehrenamt/bestaetigen/" in mail.outbox[0].body
    user.refresh_from_db()
    assert user.full_name == "Ольга Петрова"  # nothing was overwritten


def test_repeated_signups_do_not_flood_a_mailbox(
    client, district, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(3):
            response = client.post(SIGNUP, signup_data(email=volunteer.email))
            assert response["Location"] == reverse("volunteers:signup_done")
    assert len(mail.outbox) == 1


def test_two_signups_for_one_address_in_the_same_moment_create_one_account(
    district, volunteer, monkeypatch, django_capture_on_commit_callbacks
):
    # The other request created the account between our look-up and our insert.
    monkeypatch.setattr(signup, "find_user_by_email", lambda email: None)
    with django_capture_on_commit_callbacks(execute=True):
        result = signup.sign_up_volunteer(
            email=volunteer.email, full_name="Jemand", password=NEW_PASSWORD, district=district
        )
    assert result.user is None
    assert User.objects.filter(email=volunteer.email).count() == 1
    assert Volunteer.objects.filter(user=volunteer).count() == 1


def test_signup_remembers_the_interface_language(client, district):
    client.post(reverse("set_language"), {"language": "en"})
    client.post(SIGNUP, signup_data())
    assert User.objects.get(email="sengul.yildiz@example.org").preferred_language == "en"


def test_logged_in_volunteer_is_sent_to_their_area(client, volunteer):
    client.force_login(volunteer)
    response = client.get(SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:my_courses")
    assert client.post(SIGNUP, signup_data())["Location"] == reverse("volunteers:my_courses")


def test_logged_in_contact_adds_a_volunteer_profile_to_their_account(client, district, contact_unna, unna):
    client.force_login(contact_unna)
    page = client.get(SIGNUP)
    assert page.status_code == 200
    assert "Ehrenamtsprofil anlegen" in page.content.decode()
    assert client.post(SIGNUP, {"municipality": unna.pk}).status_code == 200  # privacy not ticked
    response = client.post(SIGNUP, {"municipality": unna.pk, "privacy": "on"})
    assert response["Location"] == PROFILE
    volunteer = Volunteer.objects.get(user=contact_unna)
    assert volunteer.municipality == unna
    assert volunteer.privacy_consent_version == PRIVACY_NOTICE_VERSION
    assert volunteer.email_confirmed_at is not None
    assert DistrictRole.objects.filter(user=contact_unna, role=DistrictRole.Role.VOLUNTEER).exists()
    # The municipal role stays.
    assert Membership.objects.filter(user=contact_unna, municipality=unna).exists()


# --- confirmation ------------------------------------------------------------


def test_opening_the_confirmation_link_changes_nothing(client, district):
    user = pending_signup(district)
    response = client.get(confirm_url(user))
    assert response.status_code == 200
    assert "E-Mail-Adresse bestätigen" in response.content.decode()
    assert 'method="post"' in response.content.decode()
    user.refresh_from_db()
    assert user.is_active is False
    assert user.volunteer.email_confirmed_at is None
    assert "_auth_user_id" not in client.session


def test_confirming_activates_the_account_and_logs_in(client, district):
    user = pending_signup(district)
    response = client.post(confirm_url(user))
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:my_courses")
    user.refresh_from_db()
    assert user.is_active is True
    assert user.volunteer.email_confirmed_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)
    # The new volunteer can now also log in with the password.
    client.logout()
    login = client.post(reverse("accounts:login"), {"username": user.email, "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_confirming_twice_is_harmless(client, district):
    user = pending_signup(district)
    url = confirm_url(user)
    assert client.post(url).status_code == 302
    confirmed_at = User.objects.get(pk=user.pk).volunteer.email_confirmed_at
    # The same browser (now logged in) simply lands in its area again.
    assert client.post(url)["Location"] == reverse("volunteers:my_courses")
    # Another browser is told the address is confirmed and where to log in.
    client.logout()
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        html = response.content.decode()
        assert "bereits bestätigt" in html
        assert reverse("accounts:login") in html
    assert "_auth_user_id" not in client.session
    assert User.objects.get(pk=user.pk).volunteer.email_confirmed_at == confirmed_at


def test_expired_link_explains_and_offers_to_register_again(client, district):
    user = pending_signup(district)

    class FourDaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 4 * 24 * 3600)

    token = FourDaysAgo(salt=signup.CONFIRM_SALT).sign(str(user.pk))
    url = reverse("volunteers:confirm_email", kwargs={"token": token})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        html = response.content.decode()
        assert "abgelaufen" in html
        assert SIGNUP in html
    user.refresh_from_db()
    assert user.is_active is False


@pytest.mark.parametrize("token", ["kaputt", "1:abc:def", "Zm9v"])
def test_broken_link_explains_and_changes_nothing(client, district, token):
    user = pending_signup(district)
    url = reverse("volunteers:confirm_email", kwargs={"token": token})
    response = client.post(url)
    assert response.status_code == 200
    assert "ungültig" in response.content.decode()
    assert SIGNUP in response.content.decode()
    user.refresh_from_db()
    assert user.is_active is False


def test_token_of_another_purpose_is_refused(client, district):
    user = pending_signup(district)
    forged = signing.TimestampSigner(salt="something-else").sign(str(user.pk))
    response = client.post(reverse("volunteers:confirm_email", kwargs={"token": forged}))
    assert "ungültig" in response.content.decode()
    assert User.objects.get(pk=user.pk).is_active is False


def test_someone_logged_in_with_another_account_cannot_confirm(client, district, contact_unna):
    user = pending_signup(district)
    client.force_login(contact_unna)
    response = client.post(confirm_url(user))
    assert response.status_code == 200
    assert "anderen Konto angemeldet" in response.content.decode()
    assert User.objects.get(pk=user.pk).is_active is False
    assert client.session["_auth_user_id"] == str(contact_unna.pk)


def test_unconfirmed_signups_are_removed_after_thirty_days(district):
    old = pending_signup(district, email="alt@example.org")
    fresh = pending_signup(district, email="frisch@example.org")
    Volunteer.objects.filter(user=old).update(created_at=timezone.now() - timedelta(days=31))
    confirmed = make_volunteer(district, email="bestaetigt@example.org", full_name="Jürgen Böhm")
    Volunteer.objects.filter(pk=confirmed.pk).update(created_at=timezone.now() - timedelta(days=400))

    assert signup.delete_unconfirmed_signups() == 1
    assert not User.objects.filter(pk=old.pk).exists()
    assert not Volunteer.objects.filter(user_id=old.pk).exists()
    assert User.objects.filter(pk=fresh.pk).exists()
    assert User.objects.filter(pk=confirmed.user_id).exists()


# --- profile -----------------------------------------------------------------


def test_profile_needs_login(client, district):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_account_without_volunteer_profile_is_offered_the_signup(client, ki_staff):
    # The one permission shape: a missing role is a 403, whose page leads to the sign-up.
    client.force_login(ki_staff)
    response = client.get(PROFILE)
    assert response.status_code == 403
    assert f'href="{SIGNUP}"' in response.content.decode()
    assert "Ihr Konto hat kein solches Profil" in response.content.decode()


def test_profile_saves_name_municipality_contact_interests_and_languages(client, volunteer, district, unna):
    arabic, turkish, german = (
        language("ar", "Arabisch"),
        language("tr", "Türkisch"),
        language("de", "Deutsch"),
    )
    housing = FieldOfAction.objects.create(district=district, name="Wohnen", slug="wohnen")
    language_field = FieldOfAction.objects.create(district=district, name="Sprache & Bildung", slug="sprache")
    client.force_login(volunteer)
    page = client.get(PROFILE)
    assert page.status_code == 200
    assert "Wohnen" in page.content.decode()

    response = client.post(
        PROFILE,
        profile_data(
            volunteer,
            full_name="Nguyễn Thị Lan",
            municipality=unna.pk,
            phone="+49 2303 123456",
            availability="dienstags nachmittags",
            interests=[housing, language_field],
            languages=[(arabic, "native"), (turkish, "basic"), (german, "fluent")],
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    volunteer.refresh_from_db()
    profile = volunteer.volunteer
    assert volunteer.full_name == "Nguyễn Thị Lan"
    assert profile.municipality == unna
    assert profile.phone == "+49 2303 123456"
    assert profile.availability == "dienstags nachmittags"
    assert set(profile.interests.all()) == {housing, language_field}
    assert {(item.language.code, item.level) for item in profile.languages.all()} == {
        ("ar", "native"),
        ("tr", "basic"),
        ("de", "fluent"),
    }

    # The saved languages come back as rows that can be changed and removed.
    page = client.get(PROFILE)
    formset = page.context["formset"]
    assert formset.initial_form_count() == 3
    data = profile_data(volunteer, languages=[(arabic, "native"), (turkish, "good"), (german, "fluent")])
    data.update({"languages-INITIAL_FORMS": "3", "languages-2-DELETE": "on"})
    assert client.post(PROFILE, data).status_code == 302
    assert {(item.language.code, item.level) for item in profile.languages.all()} == {
        ("ar", "native"),
        ("tr", "good"),
    }
    assert profile.interests.count() == 0  # no box ticked this time


def test_profile_refuses_the_same_language_twice(client, volunteer):
    arabic = language("ar", "Arabisch")
    client.force_login(volunteer)
    response = client.post(
        PROFILE, profile_data(volunteer, languages=[(arabic, "native"), (arabic, "basic")])
    )
    assert response.status_code == 200
    assert "zweimal angegeben" in response.content.decode()
    assert VolunteerLanguage.objects.count() == 0


def test_profile_offers_only_interests_and_municipalities_of_the_own_district(client, volunteer, district):
    other = District.objects.create(
        name="Kreis Soest",
        slug="kreis-soest",
        ags_prefix="05974",
        ki_name="KI Soest",
        ki_email="ki@soest.example",
    )
    foreign_field = FieldOfAction.objects.create(district=other, name="Wohnen", slug="wohnen")
    foreign_town = Municipality.objects.create(district=other, name="Soest", slug="soest", ags="05974040")
    client.force_login(volunteer)
    response = client.post(
        PROFILE, profile_data(volunteer, interests=[foreign_field], municipality=foreign_town.pk)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "interests" in errors
    assert "municipality" in errors
    assert volunteer.volunteer.interests.count() == 0


def test_profile_needs_a_name(client, volunteer):
    client.force_login(volunteer)
    response = client.post(PROFILE, profile_data(volunteer, full_name="   "))
    assert response.status_code == 200
    assert "Bitte geben Sie Ihren Namen an." in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.full_name == "مريم حداد"


def test_newcomer_flag_is_not_stored_without_its_own_consent(client, volunteer):
    client.force_login(volunteer)
    response = client.post(PROFILE, profile_data(volunteer, came_as_newcomer="on"))
    assert response.status_code == 200
    assert "Bitte willigen Sie ein" in response.content.decode()
    profile = Volunteer.objects.get(user=volunteer)
    assert profile.came_as_newcomer is False
    assert profile.newcomer_consent_at is None


def test_newcomer_flag_with_consent_records_time_and_version(client, volunteer, district):
    course = make_course(district)
    registration = services.register_for_course(volunteer=volunteer.volunteer, course=course)
    assert registration.counts_as_newcomer is False
    client.force_login(volunteer)
    page = client.get(PROFILE).content.decode()
    assert "jederzeit widerrufen" in page
    assert "anonyme Statistiken" in page

    response = client.post(PROFILE, profile_data(volunteer, came_as_newcomer="on", newcomer_consent="on"))
    assert response.status_code == 302
    profile = Volunteer.objects.get(user=volunteer)
    assert profile.came_as_newcomer is True
    assert profile.newcomer_consent_at is not None
    assert profile.newcomer_consent_version == NEWCOMER_CONSENT_VERSION
    assert profile.counts_as_newcomer
    registration.refresh_from_db()
    assert registration.counts_as_newcomer is True

    # Saving again keeps the date the consent was first given.
    first = profile.newcomer_consent_at
    client.post(PROFILE, profile_data(volunteer, came_as_newcomer="on", newcomer_consent="on", phone="0171"))
    assert Volunteer.objects.get(user=volunteer).newcomer_consent_at == first


@pytest.mark.parametrize(
    "still_ticked",
    [{"came_as_newcomer": "on"}, {"newcomer_consent": "on"}, {}],
    ids=["consent-withdrawn", "flag-removed", "both-removed"],
)
def test_withdrawing_removes_the_flag_and_the_consent(client, district, still_ticked):
    profile = make_volunteer(
        district, came_as_newcomer=True, email="neu-da@example.org", full_name="Ahmad Al-Hassan"
    )
    course = make_course(district)
    open_registration = services.register_for_course(volunteer=profile, course=course)
    past = Registration.objects.create(
        course=make_course(district, title="Vergangen", starts_in=timedelta(days=-20)),
        volunteer=profile,
        status=R.ATTENDED,
        counts_as_newcomer=True,
    )
    assert open_registration.counts_as_newcomer is True
    client.force_login(profile.user)
    response = client.post(PROFILE, profile_data(profile.user, **still_ticked))
    if still_ticked == {"came_as_newcomer": "on"}:
        # Flag without consent is refused; nothing may stay half-withdrawn.
        assert response.status_code == 200
        response = client.post(PROFILE, profile_data(profile.user))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.came_as_newcomer is False
    assert profile.newcomer_consent_at is None
    assert profile.newcomer_consent_version == ""
    open_registration.refresh_from_db()
    assert open_registration.counts_as_newcomer is False
    # Withdrawal removes the dependent data everywhere: evidence produced from now on no longer
    # counts the person, also for completed courses.
    past.refresh_from_db()
    assert past.counts_as_newcomer is False


def test_profile_page_shows_only_the_own_profile(client, volunteer, district):
    other = make_volunteer(district, email="andere@example.org", full_name="Jürgen Böhm")
    Volunteer.objects.filter(pk=other.pk).update(phone="0231 999999")
    client.force_login(volunteer)
    html = client.get(PROFILE).content.decode()
    assert volunteer.email in html
    assert "Jürgen Böhm" not in html
    assert "0231 999999" not in html


# --- data export -------------------------------------------------------------


def export(client, user) -> dict:
    client.force_login(user)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".json" in response["Content-Disposition"]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    return json.loads(response.content.decode("utf-8"))


def test_data_export_is_a_download_of_the_own_data(client, rich_volunteer, trainer):
    data = export(client, rich_volunteer)
    assert data["user"]["email"] == "ehrenamt-test@example.org"
    assert data["user"]["full_name"] == "مريم حداد"
    assert data["user"]["last_login"] is not None
    assert [role["role"] for role in data["district_roles"]] == ["volunteer"]
    volunteer = data["volunteer"]
    assert volunteer["municipality"] == "Unna"
    assert volunteer["phone"] == "+49 2303 123456"
    assert volunteer["came_as_newcomer"] is True
    assert volunteer["newcomer_consent_version"] == NEWCOMER_CONSENT_VERSION
    assert volunteer["privacy_consent_version"] == PRIVACY_NOTICE_VERSION
    assert volunteer["languages"] == [
        {"language": "Arabisch", "language_code": "ar", "level": "native", "level_display": "Muttersprache"}
    ]
    assert volunteer["interests"] == ["Wohnen"]
    assert volunteer["qualifications"][0]["qualification"] == "Grundqualifizierung"
    by_title = {item["course"]["title"]: item for item in volunteer["registrations"]}
    assert by_title["Interkulturelle Kompetenz"]["status"] == "attended"
    assert by_title["Interkulturelle Kompetenz"]["certificate_code"] == "A1B2C3D4E5"
    assert [a["present"] for a in by_title["Interkulturelle Kompetenz"]["attendances"]] == [True, True]
    assert by_title["Flucht und Trauma"]["status"] == "waitlisted"
    assert by_title["Flucht und Trauma"]["waitlist_position"] == 1
    # Other people never appear by name: not the trainer, not the other participant.
    text = json.dumps(data, ensure_ascii=False)
    assert trainer.full_name not in text
    assert trainer.email not in text
    assert "Jürgen Böhm" not in text
    assert "platz@example.org" not in text


def test_data_export_for_an_account_without_volunteer_profile(client, contact_unna):
    data = export(client, contact_unna)
    assert data["user"]["email"] == contact_unna.email
    assert data["volunteer"] is None
    assert [item["municipality"] for item in data["memberships"]] == ["Unna"]


def test_data_export_needs_login(client, district):
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# Fields deliberately not in the export, with the reason. Everything else must be exported under its own
# name, so a new model field fails this test until it is exported or listed here.
NOT_EXPORTED = {
    User: {
        "id": "internal key",
        "password": "only a hash; useless to the person and a security risk",
        "logentry": "Django admin log of staff actions on records, not data about the person",
        "totpdevice": "summarised under 'two_factor' (exists, since when; never the secret)",
        "staticdevice": "summarised under 'two_factor' (number of recovery codes left; never the codes)",
    },
    Volunteer: {
        "id": "internal key",
        "user": "the account is exported as a whole under 'user'",
        "qualification_proofs": "engagement's top-level section 'qualification_proofs' (checked below)",
    },
    VolunteerLanguage: {"id": "internal key", "volunteer": "nested under the volunteer"},
    VolunteerQualification: {"id": "internal key", "volunteer": "nested under the volunteer"},
    Registration: {"id": "internal key", "volunteer": "nested under the volunteer"},
    Attendance: {"id": "internal key", "registration": "nested under the registration"},
    DistrictRole: {"id": "internal key", "user": "the person themself"},
    Membership: {"id": "internal key", "user": "the person themself"},
    ConsentRecord: {"id": "internal key", "user": "the person themself"},
}


def model_field_names(model) -> set[str]:
    """Own fields, many-to-many fields and reverse relations (which hold data about the row, too)."""
    return {field.name for field in model._meta.get_fields()}


def test_data_export_contains_every_field_of_every_model_about_the_person(client, rich_volunteer):
    data = export(client, rich_volunteer)
    volunteer = data["volunteer"]
    registration = next(item for item in volunteer["registrations"] if item["attendances"])
    sections = {
        # User: own fields, plus its reverse relations as top-level sections.
        User: set(data["user"]) | set(data),
        Volunteer: set(volunteer),
        VolunteerLanguage: set(volunteer["languages"][0]),
        VolunteerQualification: set(volunteer["qualifications"][0]),
        Registration: set(registration),
        Attendance: set(registration["attendances"][0]),
        DistrictRole: set(data["district_roles"][0]),
        ConsentRecord: set(data["consent_records"][0]),
    }
    assert "qualification_proofs" in data  # the section that engagement's exporter adds
    for model, exported in sections.items():
        fields = model_field_names(model)
        excluded = set(NOT_EXPORTED[model])
        assert excluded <= fields, f"{model.__name__}: stale exclusions {excluded - fields}"
        missing = fields - excluded - exported
        assert not missing, f"{model.__name__} fields not exported: {sorted(missing)}"


def test_membership_export_contains_every_field(client, contact_unna):
    data = export(client, contact_unna)
    fields = model_field_names(Membership) - set(NOT_EXPORTED[Membership])
    assert fields <= set(data["memberships"][0])


# --- deletion ----------------------------------------------------------------


def test_delete_page_explains_what_happens(client, rich_volunteer):
    client.force_login(rich_volunteer)
    response = client.get(DELETE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "nicht rückgängig" in html
    assert "nächste Person" in html
    assert "fünf Jahre" in html
    assert "1 offene Anmeldung" in html
    assert 'type="password"' in html


def test_delete_needs_the_password(client, rich_volunteer):
    client.force_login(rich_volunteer)
    response = client.post(DELETE, {"password": "falsch"})
    assert response.status_code == 200
    assert "Das Passwort ist nicht richtig." in response.content.decode()
    rich_volunteer.refresh_from_db()
    assert rich_volunteer.is_active
    assert rich_volunteer.volunteer.anonymised_at is None
    assert client.session["_auth_user_id"] == str(rich_volunteer.pk)


def test_guessing_the_password_on_the_delete_page_is_throttled(client, rich_volunteer, settings):
    client.force_login(rich_volunteer)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(DELETE, {"password": "falsch"}).status_code == 200
    assert client.post(DELETE, {"password": "falsch"}).status_code == 429
    # Even the right password is refused while the lock lasts.
    assert client.post(DELETE, {"password": PASSWORD}).status_code == 429
    rich_volunteer.refresh_from_db()
    assert rich_volunteer.is_active
    assert rich_volunteer.volunteer.anonymised_at is None


def rows_mentioning(*needles: str) -> list[str]:
    """Every row of every model whose text (including JSON) contains one of the needles."""
    found = []
    for model in apps.get_models():
        text_fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not text_fields:
            continue
        queryset = model._base_manager.all()
        condition = Q()
        for field in text_fields:
            if isinstance(field, models.JSONField):
                alias = f"{field.attname}_as_text"
                queryset = queryset.annotate(**{alias: Cast(field.attname, TextField())})
                lookup = alias
            else:
                lookup = field.attname
            for needle in needles:
                condition |= Q(**{f"{lookup}__icontains": needle})
        found += [
            f"{model._meta.label} #{pk}" for pk in queryset.filter(condition).values_list("pk", flat=True)
        ]
    return found


def test_deleting_anonymises_keeps_the_evidence_and_moves_the_waitlist_on(
    client, rich_volunteer, district, unna, django_capture_on_commit_callbacks
):
    user = rich_volunteer
    profile = user.volunteer
    old_email, old_name = user.email, user.full_name
    # A course where the leaving person holds a seat and somebody waits for it.
    seat_course = make_course(district, title="Asyl- und Aufenthaltsrecht", capacity=1)
    services.register_for_course(volunteer=profile, course=seat_course)
    waiting = make_volunteer(district, email="wartet@example.org", full_name="Ольга Петрова")
    waiting_registration = services.register_for_course(volunteer=waiting, course=seat_course)
    assert waiting_registration.status == R.WAITLISTED
    Invitation.objects.create(
        email=old_email,
        full_name=old_name,
        municipality=unna,
        token_hash="x" * 64,
        expires_at=timezone.now() - timedelta(days=1),
    )
    Membership.objects.create(user=user, municipality=unna)

    def counts():
        return {
            course_id: (
                Registration.objects.filter(course_id=course_id).count(),
                Attendance.objects.filter(registration__course_id=course_id).count(),
                Registration.objects.filter(course_id=course_id, counts_as_newcomer=True).count(),
            )
            for course_id in Registration.objects.values_list("course_id", flat=True).distinct()
        }

    before = counts()
    # The search below does find the person while the account exists.
    assert len(rows_mentioning(old_email)) >= 2  # account, invitation (and login records)
    client.force_login(user)
    client.post(DELETE, {"password": "falsch"})  # leaves a throttling record with the address
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 200
    assert "Ihr Konto ist gelöscht" in response.content.decode()
    assert "_auth_user_id" not in client.session

    # Funding evidence: every registration and attendance row is still there.
    assert counts() == before
    assert Registration.objects.get(course=seat_course, volunteer=profile).status == R.CANCELLED
    attended = Registration.objects.get(volunteer=profile, status=R.ATTENDED)
    assert attended.attendances.count() == 2

    # The list moves on; only the next person gets mail, the leaving person none.
    waiting_registration.refresh_from_db()
    assert waiting_registration.status == R.OFFERED
    assert [message.to for message in mail.outbox] == [["wartet@example.org"]]
    other_waitlist = Registration.objects.get(course__title="Flucht und Trauma", volunteer=profile)
    assert other_waitlist.status == R.CANCELLED

    user.refresh_from_db()
    assert user.is_active is False
    assert user.email.startswith("geloescht-") and user.email.endswith("@invalid")
    assert user.full_name == "Gelöschte Person"
    assert not user.has_usable_password()
    assert user.last_login is None
    assert user.preferred_language == "de"
    assert not DistrictRole.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()

    profile.refresh_from_db()
    assert profile.user is None
    assert profile.anonymised_at is not None
    assert profile.phone == profile.availability == ""
    assert profile.languages.count() == 0
    assert profile.interests.count() == 0
    assert profile.municipality == unna  # anonymous counts per municipality
    assert profile.came_as_newcomer is True  # consented: an anonymous count from now on
    assert profile.qualifications.count() == 1

    assert rows_mentioning(old_email, old_name, "+49 2303 123456", "dienstags nachmittags") == []


def test_deleting_drops_a_newcomer_flag_that_had_no_consent(client, district):
    profile = make_volunteer(
        district, came_as_newcomer=True, consent=False, email="ohne@example.org", full_name="Ahmad Al-Hassan"
    )
    client.force_login(profile.user)
    assert client.post(DELETE, {"password": PASSWORD}).status_code == 200
    profile.refresh_from_db()
    assert profile.anonymised_at is not None
    assert profile.came_as_newcomer is False
    assert profile.newcomer_consent_at is None


def test_a_deleted_account_cannot_log_in_or_be_revived(client, district):
    user = pending_signup(district, email="kurz@example.org")
    link = confirm_url(user)
    client.post(link)
    client.post(DELETE, {"password": NEW_PASSWORD})
    login = client.post(reverse("accounts:login"), {"username": "kurz@example.org", "password": NEW_PASSWORD})
    assert login.status_code == 200
    assert "_auth_user_id" not in client.session
    # The old confirmation link does not bring the account back.
    response = client.post(link)
    assert "ungültig" in response.content.decode()
    assert User.objects.get(pk=user.pk).is_active is False


def test_ki_staff_cannot_delete_their_own_account_here(client, ki_staff, district):
    make_volunteer(district, user=ki_staff)
    client.force_login(ki_staff)
    page = client.get(DELETE)
    assert page.status_code == 200
    assert "Verwaltung des Portals" in page.content.decode()
    assert client.post(DELETE, {"password": PASSWORD}).status_code == 403
    ki_staff.refresh_from_db()
    assert ki_staff.is_active


def test_account_without_volunteer_profile_is_not_deleted_here(client, contact_unna):
    client.force_login(contact_unna)
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 403
    assert "wenden Sie sich bitte an das Integrationszentrum" in response.content.decode()
    contact_unna.refresh_from_db()
    assert contact_unna.is_active


# --- privacy page ------------------------------------------------------------


def test_privacy_page_explains_volunteer_data(client, district):
    html = client.get(reverse("privacy")).content.decode()
    for text in [
        "Sprachen mit Niveau",
        "gesonderte Einwilligung",
        "bis zum Ende des 5. Jahres nach dem Jahr, in dem der Kurs endete",
        "anonymisiert",
        "Alle meine Daten herunterladen",
        "Konto löschen",
    ]:
        assert text in html
