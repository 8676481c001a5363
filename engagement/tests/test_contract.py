"""Forwarding contract: bank details with the IBAN checksum, masked afterwards, the PDF for A and KI only."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kreisintegration.tests.pdf_checks import assert_accessible_pdf
from outbox.models import OutboxMail

from .. import services
from ..iban import mask_iban, validate_iban
from ..models import Application, ContractTemplate, ForwardingContract
from .factories import make_application, make_contract, make_organisation, member_of

pytestmark = pytest.mark.django_db

VALID_IBAN = "DE89 3704 0044 0532 0130 00"


@pytest.mark.parametrize(
    "iban", [VALID_IBAN, "de89370400440532013000", "NL91ABNA0417164300", "AT611904300234573201"]
)
def test_valid_ibans_pass_the_checksum(iban):
    assert validate_iban(iban) == iban.replace(" ", "").upper()


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("DE89 3704 0044 0532 0130 01", "Die Prüfziffer der IBAN stimmt nicht."),
        ("DE88 3704 0044 0532 0130 00", "Die Prüfziffer der IBAN stimmt nicht."),
        ("DE89 3704 0044 0532 0130", "Eine IBAN aus DE hat 22 Zeichen."),
        ("3704 0044 0532 0130 00", "Bitte geben Sie eine IBAN ein"),
    ],
)
def test_wrong_ibans_are_refused_with_a_german_message(iban, message):
    with pytest.raises(ValidationError) as error:
        validate_iban(iban)
    assert message in error.value.messages[0]


def test_iban_is_masked_to_its_last_four_characters():
    assert mask_iban(VALID_IBAN) == "DE89 •••• •••• 3000"


def test_contract_is_made_from_the_district_template_after_approval(district):
    organisation = make_organisation(district)
    ContractTemplate.objects.create(
        district=district, terms="Eigene Bedingungen des Kreises.", proof_due_days=60
    )
    application = make_application(organisation, status=Application.Status.APPROVED, advice=True)
    contract = services.conclude_forwarding_contract(
        by=member_of(organisation),
        application=application,
        account_holder=" Begegnungscafé Bönen e. V. ",
        iban=VALID_IBAN,
    )
    assert contract.iban == "DE89370400440532013000"
    assert contract.terms == "Eigene Bedingungen des Kreises."
    assert (contract.proof_due_on - application.ends_on).days == 60
    assert OutboxMail.objects.filter(template="engagement_contract_concluded").count() == 1


def test_contract_is_refused_before_approval_and_with_a_wrong_iban(district):
    organisation = make_organisation(district)
    submitted = make_application(organisation)
    with pytest.raises(ValidationError, match="erst nach der Bewilligung"):
        services.conclude_forwarding_contract(
            by=member_of(organisation), application=submitted, account_holder="X", iban=VALID_IBAN
        )
    approved = make_application(organisation, title="Bewilligt", status=Application.Status.APPROVED)
    with pytest.raises(ValidationError) as error:
        services.conclude_forwarding_contract(
            by=member_of(organisation),
            application=approved,
            account_holder="X",
            iban="DE00370400440532013000",
        )
    assert "iban" in error.value.message_dict
    assert not ForwardingContract.objects.exists()


def test_detail_page_shows_the_iban_masked_and_the_pdf_is_tagged(client, district, ki_staff):
    organisation = make_organisation(district)
    contract = make_contract(make_application(organisation, status=Application.Status.APPROVED, advice=True))
    client.force_login(member_of(organisation))
    page = client.get(contract.application.get_absolute_url()).content.decode()
    assert "DE89 •••• •••• 3000" in page and "DE89370400440532013000" not in page

    client.force_login(ki_staff)
    response = client.get(reverse("engagement:contract_pdf", kwargs={"pk": contract.application.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert_accessible_pdf(response.content, title="Weiterleitungsvertrag: Sprachcafé mit Kinderbetreuung")


def test_another_organisation_gets_404_for_the_contract_pdf_and_the_bank_details_form(client, district):
    own = make_organisation(district)
    other = make_organisation(district, name="Frauentreff Lünen", full_name="Olena Kovalenko")
    contract = make_contract(make_application(own, status=Application.Status.APPROVED, advice=True))
    client.force_login(member_of(other))
    pk = contract.application.pk
    assert client.get(reverse("engagement:contract_pdf", kwargs={"pk": pk})).status_code == 404
    assert client.post(reverse("engagement:contract_create", kwargs={"pk": pk})).status_code == 404


def test_bank_details_form_refuses_a_wrong_checksum_and_then_makes_the_contract(client, district):
    organisation = make_organisation(district)
    application = make_application(organisation, status=Application.Status.APPROVED, advice=True)
    client.force_login(member_of(organisation))
    url = reverse("engagement:contract_create", kwargs={"pk": application.pk})
    response = client.post(
        url, {"account_holder": "Begegnungscafé Bönen e. V.", "iban": "DE89 3704 0044 0532 0130 01"}
    )
    assert "Die Prüfziffer der IBAN stimmt nicht." in response.content.decode()
    response = client.post(url, {"account_holder": "Begegnungscafé Bönen e. V.", "iban": VALID_IBAN})
    assert response.status_code == 302
    assert ForwardingContract.objects.get().application == application


def test_own_data_export_contains_the_bank_details_of_the_organisations_contracts(client, district):
    organisation = make_organisation(district)
    make_contract(make_application(organisation, status=Application.Status.APPROVED))
    client.force_login(member_of(organisation))
    data = json.loads(client.get(reverse("volunteers:data_export")).content)
    [contract] = data["organisation_memberships"][0]["forwarding_contracts"]
    assert contract["iban"] == "DE89370400440532013000"
