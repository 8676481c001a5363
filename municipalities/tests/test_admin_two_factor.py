"""KI staff reset a colleague's or trainer's second factor (lost phone) in the admin."""

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from municipalities.demo import ki_staff_group
from municipalities.models import DistrictRole
from municipalities.tests.factories import DistrictFactory, make_district_role


def test_ki_staff_reset_the_second_factor_of_their_district_only(client, ki_staff, trainer, district):
    ki_staff.is_staff = True
    ki_staff.save()
    ki_staff.groups.add(ki_staff_group())
    other_district = DistrictFactory(name="Kreis Soest", slug="soest", ags_prefix="05974")
    stranger = make_district_role(other_district, DistrictRole.Role.TRAINER, email="soest@example.org")
    for user in (trainer, stranger):
        TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    client.force_login(ki_staff)
    rows = DistrictRole.objects.filter(user__in=[trainer, stranger])
    response = client.post(
        reverse("admin:municipalities_districtrole_changelist"),
        {"action": "reset_two_factor", "_selected_action": [row.pk for row in rows]},
        follow=True,
    )
    assert response.status_code == 200
    assert "von 1 Person wurde zurückgesetzt" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=trainer).exists()
    assert TOTPDevice.objects.filter(user=stranger).exists()  # another district: not in the queryset
