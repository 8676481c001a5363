"""Volunteer placements: publishing, matching, interest with chosen languages, consent, placing, scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from engagement.tests.placement_helpers import language, publish
from municipalities.models import DistrictRole, Municipality
from municipalities.tests.factories import DistrictFactory, MunicipalityFactory, make_district_role
from outbox.models import OutboxMail
from volunteers.models import Qualification, VolunteerLanguage, VolunteerQualification
from volunteers.selfservice.deletion import delete_volunteer_account
from volunteers.tests.factories import make_volunteer

from .. import placements
from ..models.placements import Placement, PlacementInterest
from .factories import make_organisation, member_of

pytestmark = pytest.mark.django_db


def speaks(volunteer, *codes):
    for code in codes:
        VolunteerLanguage.objects.create(volunteer=volunteer, language=language(code))
    return volunteer


@pytest.fixture
def organisation(district):
    return make_organisation(district)


def test_organisation_and_ki_staff_publish_placements_in_their_district(
    district, unna, organisation, ki_staff
):
    by_organisation = publish(member_of(organisation), unna)
    by_ki = publish(ki_staff, unna, title="Begleitung zum Ausländeramt")
    assert (by_organisation.organisation, by_organisation.district) == (organisation, district)
    assert (by_ki.organisation, by_ki.district) == (None, district)
    other = MunicipalityFactory(
        district=DistrictFactory(name="Kreis Soest", slug="soest", ags_prefix="05974"),
        name="Soest",
        ags="05974040",
    )
    with pytest.raises(ValidationError) as error:
        publish(member_of(organisation), other)
    assert "Kommune des Kreises" in error.value.message_dict["municipality"][0]


def test_unconfirmed_organisation_and_other_people_cannot_publish(district, unna, volunteer):
    from ..models import Organisation

    pending = make_organisation(
        district, name="Neu e. V.", full_name="Aylin Koç", status=Organisation.Status.PENDING
    )
    with pytest.raises(ValidationError):
        publish(member_of(pending), unna)
    with pytest.raises(PermissionDenied):
        publish(volunteer, unna)
    assert not Placement.objects.exists()


def test_matching_placements_come_first_for_arabic_speaker_in_unna(
    district, unna, luenen, organisation, ki_staff
):
    speaker = speaks(make_volunteer(district, municipality=unna, full_name="Yousef Haddad"), "ar")
    child_protection = Qualification.objects.create(
        district=district, name="Kinderschutz", slug="kinderschutz"
    )
    far = publish(ki_staff, luenen, title="Fahrdienst")
    needs_certificate = publish(
        ki_staff, unna, title="Hausaufgabenhilfe", languages=["ar"], qualifications=[child_protection]
    )
    arabic_in_luenen = publish(member_of(organisation), luenen, title="Arabisch in Lünen", languages=["ar"])
    arabic_in_unna = publish(member_of(organisation), unna, title="Arabisch in Unna", languages=["ar", "tr"])

    order = list(placements.matching_placements(speaker))

    assert order == [arabic_in_unna, arabic_in_luenen, far, needs_certificate]
    assert order[0].language_matches == 1 and order[0].in_home_municipality == 1
    VolunteerQualification.objects.create(volunteer=speaker, qualification=child_protection)
    # with the certificate the tutoring fits too: in Unna and in Arabic, after the newer one in Unna
    assert list(placements.matching_placements(speaker)) == [
        arabic_in_unna, needs_certificate, arabic_in_luenen, far,
    ]  # fmt: skip


def test_interest_shares_only_chosen_languages_and_contact_only_with_consent(district, unna, organisation):
    placement = publish(member_of(organisation), unna, languages=["ar"])
    speaker = speaks(make_volunteer(district, full_name="Ahmad Al-Hassan"), "ar", "fa")

    interest = placements.express_interest(
        by=speaker.user, placement=placement, shared_languages=[language("ar")], share_contact=False
    )
    assert list(interest.shared_languages.values_list("code", flat=True)) == ["ar"]
    assert interest.contact_consent_at is None
    mail = OutboxMail.objects.get()
    assert mail.recipients == [member_of(organisation).email] and "Ahmad" not in mail.text_body
    with pytest.raises(ValidationError):
        placements.express_interest(
            by=speaker.user, placement=placement, shared_languages=[language("uk")], share_contact=False
        )
    with pytest.raises(ValidationError):  # not yet allowed to see the contact: cannot place
        placements.mark_placed(by=member_of(organisation), interest=interest)

    interest = placements.express_interest(
        by=speaker.user, placement=placement, shared_languages=[language("ar")], share_contact=True
    )
    assert interest.contact_consent_at is not None and interest.contact_consent_version
    assert OutboxMail.objects.count() == 1  # changing one's answer mails nobody again
    placed = placements.mark_placed(by=member_of(organisation), interest=interest)
    assert placed.status == PlacementInterest.Status.PLACED and placed.placed_at


def test_publisher_page_shows_name_and_languages_and_contact_only_after_consent(
    client, district, unna, organisation
):
    placement = publish(member_of(organisation), unna)
    quiet = speaks(make_volunteer(district, full_name="Nguyễn Thị Lan", email="lan@example.org"), "vi")
    open_ = speaks(make_volunteer(district, full_name="Şengül Yıldız", email="senguel@example.org"), "tr")
    placements.express_interest(
        by=quiet.user, placement=placement, shared_languages=[language("vi")], share_contact=False
    )
    placements.express_interest(
        by=open_.user, placement=placement, shared_languages=[language("tr")], share_contact=True
    )
    client.force_login(member_of(organisation))

    page = client.get(reverse("engagement:placement_manage", kwargs={"pk": placement.pk})).content.decode()

    assert "Nguyễn Thị Lan" in page and "Vietnamesisch" in page and "lan@example.org" not in page
    assert "Şengül Yıldız" in page and "senguel@example.org" in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEWED_VOLUNTEER_CONTACT).count() == 1


def test_another_organisation_and_another_district_get_404(client, district, unna, organisation):
    placement = publish(member_of(organisation), unna)
    volunteer = make_volunteer(district, full_name="Olena Kovalenko")
    interest = placements.express_interest(
        by=volunteer.user, placement=placement, shared_languages=[], share_contact=True
    )
    other = make_organisation(district, name="Ukrainischer Verein Schwerte", full_name="Iryna Bondar")
    soest = DistrictFactory(name="Kreis Soest", slug="soest", ags_prefix="05974")
    for user in (member_of(other), make_district_role(soest, DistrictRole.Role.KI_STAFF)):
        client.force_login(user)
        for name in ("placement_manage", "placement_update"):
            assert client.get(reverse(f"engagement:{name}", kwargs={"pk": placement.pk})).status_code == 404
        assert (
            client.post(reverse("engagement:placement_close", kwargs={"pk": placement.pk})).status_code == 404
        )
        assert (
            client.post(reverse("engagement:interest_placed", kwargs={"pk": interest.pk})).status_code == 404
        )
    far_volunteer = make_volunteer(soest, full_name="Lukas Brandt")
    client.force_login(far_volunteer.user)
    assert client.get(reverse("engagement:placement_detail", kwargs={"pk": placement.pk})).status_code == 404
    placement.refresh_from_db()
    interest.refresh_from_db()
    assert (
        placement.status == Placement.Status.PUBLISHED
        and interest.status == PlacementInterest.Status.INTERESTED
    )


def test_volunteer_expresses_interest_through_the_page_and_withdraws(client, district, unna, organisation):
    placement = publish(member_of(organisation), unna, languages=["ar"])
    speaker = speaks(make_volunteer(district, municipality=unna, full_name="مريم حداد"), "ar")
    client.force_login(speaker.user)

    listing = client.get(reverse("engagement:placements")).content.decode()
    assert placement.title in listing and "passt zu Ihren Sprachen" in listing
    url = placement.get_absolute_url()
    response = client.post(url, {"shared_languages": [language("ar").pk], "share_contact": "on"}, follow=True)
    assert "Ihr Interesse ist gespeichert" in response.content.decode()
    interest = PlacementInterest.objects.get()
    assert interest.shares_contact

    client.post(reverse("engagement:interest_withdraw", kwargs={"pk": placement.pk}))
    interest.refresh_from_db()
    assert interest.status == PlacementInterest.Status.WITHDRAWN and not interest.shares_contact


def test_closed_placement_takes_no_more_interest(district, unna, organisation):
    placement = publish(member_of(organisation), unna)
    placements.close_placement(by=member_of(organisation), placement=placement)
    volunteer = make_volunteer(district, full_name="Karim Mansour")
    with pytest.raises(ValidationError):
        placements.express_interest(
            by=volunteer.user, placement=placement, shared_languages=[], share_contact=True
        )


def test_own_data_export_and_deletion_cover_interests_and_placements(client, district, unna, organisation):
    placement = publish(member_of(organisation), unna)
    speaker = speaks(make_volunteer(district, full_name="Farid Ahmadi", email="farid@example.org"), "fa")
    placements.express_interest(
        by=speaker.user, placement=placement, shared_languages=[language("fa")], share_contact=True
    )
    client.force_login(speaker.user)

    data = client.get(reverse("volunteers:data_export")).json()

    [interest] = data["placement_interests"]
    assert set(interest) >= {
        "placement", "offered_by", "shared_languages", "status", "contact_consent_at",
        "contact_consent_version", "created_at", "placed_at",
    }  # fmt: skip
    assert interest["shared_languages"] == ["Persisch (Farsi/Dari)"]
    client.force_login(member_of(organisation))
    assert (
        client.get(reverse("volunteers:data_export")).json()["placements_created"][0]["contact"]
        == "0231 445566"
    )

    delete_volunteer_account(user=speaker.user)

    row = PlacementInterest.objects.get()
    assert (row.status, row.contact_consent_at, row.shared_languages.count()) == ("withdrawn", None, 0)
    page = client.get(reverse("engagement:placement_manage", kwargs={"pk": placement.pk})).content.decode()
    assert "Farid" not in page and "farid@example.org" not in page
    assert Municipality.objects.filter(pk=unna.pk).exists()
