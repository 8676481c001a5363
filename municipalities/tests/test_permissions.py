from django.urls import reverse

from municipalities import permissions
from municipalities.models import DistrictRole, Membership
from municipalities.tests.factories import DistrictFactory, MunicipalityFactory, make_district_role


def test_contact_manages_only_own_municipality(contact_unna, unna, luenen):
    assert list(permissions.municipalities_managed_by(contact_unna)) == [unna]
    assert permissions.may_manage_municipality(contact_unna, unna)
    assert not permissions.may_manage_municipality(contact_unna, luenen)
    assert not permissions.may_administer_municipality(contact_unna, unna)


def test_ki_staff_is_scoped_to_their_district(ki_staff, unna, luenen):
    soest = MunicipalityFactory(
        district__name="Kreis Soest", district__ags_prefix="05974", name="Soest", ags="05974040"
    )
    assert set(permissions.municipalities_managed_by(ki_staff)) == {unna, luenen}
    assert not permissions.may_manage_municipality(ki_staff, soest)
    staff_soest = make_district_role(soest.district, DistrictRole.Role.KI_STAFF)
    assert not permissions.may_administer_municipality(staff_soest, unna)


def test_contact_of_two_municipalities_manages_both(contact_unna, unna, luenen):
    Membership.objects.create(user=contact_unna, municipality=luenen)
    permissions.forget_roles(contact_unna)
    assert set(permissions.municipalities_managed_by(contact_unna)) == {unna, luenen}


def test_public_municipality_page_hides_contacts_from_visitors(client, contact_unna, unna):
    page = client.get(reverse("municipalities:detail", kwargs={"slug": unna.slug})).content.decode()
    assert contact_unna.email not in page
    client.force_login(contact_unna)
    page = client.get(reverse("municipalities:detail", kwargs={"slug": unna.slug})).content.decode()
    assert contact_unna.email in page


def test_other_contact_cannot_see_or_remove_unna_contacts(client, contact_unna, contact_luenen, unna):
    client.force_login(contact_luenen)
    membership = Membership.objects.get(user=contact_unna)
    assert client.get(reverse("municipalities:home", kwargs={"slug": unna.slug})).status_code == 403
    url = reverse("municipalities:membership_remove", kwargs={"slug": unna.slug, "pk": membership.pk})
    assert client.post(url).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
    page = client.get(reverse("municipalities:detail", kwargs={"slug": unna.slug})).content.decode()
    assert contact_unna.email not in page


def test_membership_of_other_municipality_cannot_be_removed_through_own_url(
    client, ki_staff, contact_unna, contact_luenen, unna
):
    """The pk must belong to the municipality in the URL, even for KI staff."""
    client.force_login(ki_staff)
    membership = Membership.objects.get(user=contact_luenen)
    url = reverse("municipalities:membership_remove", kwargs={"slug": unna.slug, "pk": membership.pk})
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_role_lookup_is_one_query_and_cached(django_assert_num_queries, ki_staff):
    with django_assert_num_queries(1):
        permissions.roles_of(ki_staff)
        permissions.roles_of(ki_staff)
        permissions.is_ki_staff(ki_staff)


def test_district_overview_query_count_does_not_grow(
    client, ki_staff, district, django_assert_max_num_queries
):
    for number in range(12):
        MunicipalityFactory(
            district=district, name=f"Ort {number}", slug=f"ort-{number}", ags=f"059781{number:02d}"
        )
    client.force_login(ki_staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("municipalities:district"))
    assert response.status_code == 200
    assert len(response.context["municipalities"]) == 12


def test_one_role_query_keeps_district_roles_and_contact_memberships_apart(
    django_assert_num_queries, ki_staff, district, unna
):
    other = DistrictFactory(name="Kreis Soest", ags_prefix="05974")
    DistrictRole.objects.create(user=ki_staff, district=other, role=DistrictRole.Role.TRAINER)
    Membership.objects.create(user=ki_staff, municipality=unna, role=Membership.Role.CONTACT)
    with django_assert_num_queries(1):
        roles = permissions.roles_of(ki_staff)
    assert roles.staff_district_ids == {district.pk}
    assert roles.trainer_district_ids == {other.pk}
    assert roles.volunteer_district_ids == frozenset()
    # Municipality ids never leak into the district roles, nor district ids into the contacts.
    assert roles.contact_municipality_ids == {unna.pk}
