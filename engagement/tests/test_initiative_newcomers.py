"""Newcomers active in funded initiatives count in "newcomers who became volunteers" only with their
consent: recorded by name with the signed consent in the proof of use, gone from the count after a
withdrawal, and their names in the data export, the account deletion and the retention job."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import ModelChange
from overview.engagement_figures import engagement_figures
from volunteers.selfservice.deletion import delete_volunteer_account
from volunteers.tests.factories import make_volunteer

from .. import services
from ..models import Application, InitiativeNewcomer, ProofOfUse
from ..models.newcomers import INITIATIVE_NEWCOMER_CONSENT_VERSION
from ..selectors import consented_initiative_newcomers
from ..services import retention
from .factories import YEAR, make_application, make_contract, make_organisation, make_proof, member_of

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
CONSENT_DAY = date(YEAR, 6, 1)


@pytest.fixture
def organisation(district):
    return make_organisation(district)


@pytest.fixture
def grant(organisation):
    application = make_application(organisation, status=Application.Status.APPROVED, advice=True)
    make_contract(application)
    make_proof(application, status=ProofOfUse.Status.DRAFT)  # reports 3 newcomers as a number
    return application


def record(grant, name="Hamid Rahimi"):
    return services.record_initiative_newcomer(
        by=member_of(grant.organisation), application=grant, full_name=name, consent_on=CONSENT_DAY
    )


def accept(grant):
    ProofOfUse.objects.filter(application=grant).update(status=ProofOfUse.Status.ACCEPTED)


def counted(district) -> int:
    return engagement_figures(district=district, year=YEAR)["newcomer_volunteers"]


def test_without_consented_persons_the_reported_number_alone_does_not_count(district, grant):
    accept(grant)
    assert grant.proof.newcomers_became_volunteers == 3
    assert counted(district) == 0


def test_persons_with_consent_count_once_the_proof_is_accepted(district, grant):
    hamid = record(grant)
    record(grant, name="Oksana Melnyk")
    assert (hamid.consent_on, hamid.consent_version) == (CONSENT_DAY, INITIATIVE_NEWCOMER_CONSENT_VERSION)
    assert counted(district) == 0  # the proof is still a draft
    accept(grant)
    assert counted(district) == 2
    assert consented_initiative_newcomers(Application.objects.filter(pk=grant.pk)) == 2
    assert engagement_figures(district=district, year=YEAR - 1)["newcomer_volunteers"] == 0


def test_withdrawal_erases_the_name_and_takes_the_person_out_of_the_count(district, grant, ki_staff):
    hamid = record(grant)
    oksana = record(grant, name="Oksana Melnyk")
    accept(grant)

    services.withdraw_initiative_newcomer(by=ki_staff, newcomer=hamid)  # the person asked the KI
    hamid.refresh_from_db()
    assert hamid.full_name == "" and hamid.withdrawn_at is not None
    assert counted(district) == 1

    services.withdraw_initiative_newcomer(by=member_of(grant.organisation), newcomer=oksana)
    assert counted(district) == 0
    with pytest.raises(ValidationError):
        services.withdraw_initiative_newcomer(by=ki_staff, newcomer=oksana)
    # the audit history says that a withdrawal happened, never whose name it was
    history = json.dumps(
        list(
            ModelChange.objects.filter(content_type__model="initiativenewcomer").values(
                "changes", "object_repr"
            )
        )
    )
    assert "withdrawn_at" in history and "Hamid" not in history and "Oksana" not in history


def test_only_the_organisation_records_and_only_while_the_proof_is_editable(district, grant, ki_staff):
    other = make_organisation(district, name="Ukrainischer Verein Schwerte", full_name="Olena Kovalenko")
    with pytest.raises(PermissionDenied):
        services.record_initiative_newcomer(
            by=member_of(other), application=grant, full_name="X", consent_on=CONSENT_DAY
        )
    with pytest.raises(PermissionDenied):
        services.record_initiative_newcomer(
            by=ki_staff, application=grant, full_name="X", consent_on=CONSENT_DAY
        )
    with pytest.raises(ValidationError) as error:
        services.record_initiative_newcomer(
            by=member_of(grant.organisation), application=grant, full_name=" ", consent_on=date(2999, 1, 1)
        )
    assert set(error.value.message_dict) == {"full_name", "consent_on"}
    hamid = record(grant)
    with pytest.raises(PermissionDenied):
        services.withdraw_initiative_newcomer(by=member_of(other), newcomer=hamid)
    accept(grant)
    with pytest.raises(ValidationError):
        record(grant, name="Oksana Melnyk")
    assert InitiativeNewcomer.objects.count() == 1


def test_organisation_records_a_person_only_with_the_signed_consent_on_the_page(client, district, grant):
    client.force_login(member_of(grant.organisation))
    url = reverse("engagement:initiative_newcomer_add", args=[grant.pk])
    page = client.get(url).content.decode()
    assert "Ich bin selbst als Neuzugewanderte*r nach Deutschland gekommen" in page
    assert INITIATIVE_NEWCOMER_CONSENT_VERSION in page

    response = client.post(url, {"full_name": "Hamid Rahimi", "consent_on": CONSENT_DAY.isoformat()})
    assert response.status_code == 200 and not InitiativeNewcomer.objects.exists()

    response = client.post(
        url, {"full_name": "Hamid Rahimi", "consent_on": CONSENT_DAY.isoformat(), "consent_signed": "on"}
    )
    assert response.status_code == 302
    detail = client.get(reverse("engagement:proof_detail", args=[grant.pk])).content.decode()
    assert "Hamid Rahimi" in detail and "Widerruf eintragen" in detail


def test_ki_staff_record_a_withdrawal_on_the_proof_page(client, district, grant, ki_staff):
    hamid = record(grant)
    client.force_login(ki_staff)
    response = client.post(
        reverse("engagement:initiative_newcomer_withdraw", args=[grant.pk, hamid.pk]), follow=True
    )
    page = response.content.decode()
    assert "die Person wird nicht mehr gezählt" in page
    assert "Hamid Rahimi" not in page
    assert InitiativeNewcomer.objects.get().withdrawn_at is not None


def test_recorded_names_are_in_the_recorders_data_export_and_the_deletion_keeps_the_records(
    client, district, grant
):
    user = member_of(grant.organisation)
    record(grant)
    client.force_login(user)
    data = json.loads(client.get(reverse("volunteers:data_export")).content)
    [item] = data["initiative_newcomers_recorded"]
    assert item["full_name"] == "Hamid Rahimi"
    assert (item["consent_on"], item["consent_version"]) == (
        CONSENT_DAY.isoformat(),
        INITIATIVE_NEWCOMER_CONSENT_VERSION,
    )
    assert item["withdrawn_at"] is None

    make_volunteer(district, user=user)  # the account deletion is the volunteer's own
    delete_volunteer_account(user=user)
    row = InitiativeNewcomer.objects.get()
    assert row.recorded_by is None and row.full_name == "Hamid Rahimi"  # the organisation's record


def test_retention_erases_the_names_and_keeps_the_count(district, grant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    record(grant)
    accept(grant)
    assert counted(district) == 1
    assert retention.anonymise_expired_grants(now=datetime(YEAR + 11, 1, 1, 4, 0, tzinfo=BERLIN)) == 1
    row = InitiativeNewcomer.objects.get()
    assert (row.full_name, row.recorded_by) == ("", None)
    assert counted(district) == 1
