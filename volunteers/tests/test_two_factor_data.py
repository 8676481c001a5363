"""The second factor in the own-data export and in account deletion (GDPR)."""

import json

from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from volunteers.selfservice.deletion import delete_volunteer_account


def test_export_says_that_a_second_factor_exists_but_never_the_secret(client, volunteer):
    device = TOTPDevice.objects.create(user=volunteer, name="Authenticator-App", confirmed=True)
    codes = twofactor.new_recovery_codes(user=volunteer)
    client.force_login(volunteer)
    raw = client.get(reverse("volunteers:data_export")).content.decode()
    data = json.loads(raw)
    assert data["two_factor"]["authenticator_app"]["name"] == "Authenticator-App"
    assert data["two_factor"]["authenticator_app"]["set_up_at"]
    assert data["two_factor"]["recovery_codes_left"] == 10
    assert device.key not in raw
    assert twofactor.secret_in_groups(device).replace(" ", "") not in raw
    assert not any(code in raw for code in codes)


def test_export_without_second_factor(client, volunteer):
    client.force_login(volunteer)
    data = json.loads(client.get(reverse("volunteers:data_export")).content)
    assert data["two_factor"] == {"authenticator_app": None, "recovery_codes_left": 0}


def test_account_deletion_removes_the_second_factor(volunteer):
    TOTPDevice.objects.create(user=volunteer, name="Authenticator-App", confirmed=True)
    twofactor.new_recovery_codes(user=volunteer)
    delete_volunteer_account(user=volunteer)
    assert not TOTPDevice.objects.filter(user=volunteer).exists()
    assert not StaticDevice.objects.filter(user=volunteer).exists()
