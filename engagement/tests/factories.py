"""Test data for engagement: organisations with a contact person, budgets, applications."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from municipalities.models import CostType, District, FundingProgramme, Municipality
from municipalities.services import SUCCESSOR_PROGRAMME_CODE, ensure_default_funding_programmes
from municipalities.tests.factories import UserFactory

from ..models import (
    AdviceMeeting,
    AnnualBudget,
    Application,
    CostItem,
    ForwardingContract,
    Organisation,
    OrganisationMember,
    ProofOfUse,
    Receipt,
    ReceiptFile,
)

YEAR = 2026


def successor_programme() -> FundingProgramme:
    ensure_default_funding_programmes()
    return FundingProgramme.objects.get(code=SUCCESSOR_PROGRAMME_CODE)


def make_budget(district: District, *, amount="58000", year=YEAR, cap=None) -> AnnualBudget:
    return AnnualBudget.objects.create(
        programme=successor_programme(),
        district=district,
        year=year,
        amount=Decimal(amount),
        cap_per_applicant=Decimal(cap) if cap is not None else None,
    )


def make_organisation(
    district: District,
    *,
    name="Begegnungscafé Bönen e. V.",
    email=None,
    full_name="Ayşe Demir",
    status=Organisation.Status.CONFIRMED,
    municipality: Municipality | None = None,
) -> Organisation:
    user = UserFactory(full_name=full_name, **({"email": email} if email else {}))
    now = timezone.now()
    organisation = Organisation.objects.create(
        district=district,
        name=name,
        legal_form=Organisation.LegalForm.REGISTERED_ASSOCIATION,
        street="Bahnhofstraße 12",
        postcode="59199",
        town="Bönen",
        municipality=municipality,
        status=status,
        email_confirmed_at=None if status == Organisation.Status.UNCONFIRMED else now,
        confirmed_at=now if status == Organisation.Status.CONFIRMED else None,
    )
    OrganisationMember.objects.create(
        organisation=organisation, user=user, is_contact=True, phone="02383 12345"
    )
    return organisation


def member_of(organisation: Organisation):
    return organisation.members.select_related("user").first().user


def cost_type(code: str) -> CostType:
    return CostType.objects.get(programme=successor_programme(), code=code)


def make_application(
    organisation: Organisation,
    *,
    title="Sprachcafé mit Kinderbetreuung",
    amount="1200.00",
    status=Application.Status.SUBMITTED,
    area_code="2",
    starts_on=date(YEAR, 3, 1),
    ends_on=date(YEAR, 11, 30),
    advice=False,
    municipalities=(),
) -> Application:
    programme = successor_programme()
    application = Application.objects.create(
        organisation=organisation,
        programme=programme,
        measure_area=programme.building_blocks.get(code=area_code),
        title=title,
        description="Wöchentliches Treffen für Neuzugewanderte und Nachbarinnen.",
        starts_on=starts_on,
        ends_on=ends_on,
        expected_volunteers=6,
        expected_newcomers=25,
        requested_amount=Decimal(amount),
        status=status,
        submitted_at=timezone.now() if status != Application.Status.DRAFT else None,
        approved_amount=Decimal(amount) if status == Application.Status.APPROVED else None,
        created_by=member_of(organisation),
    )
    application.municipalities.set(municipalities)
    CostItem.objects.create(application=application, cost_type=cost_type("material"), amount=Decimal(amount))
    if advice:
        AdviceMeeting.objects.create(
            application=application, held_on=date(YEAR, 2, 10), notes="Kostenplan besprochen."
        )
    return application


def make_contract(application: Application, *, iban="DE89370400440532013000") -> ForwardingContract:
    return ForwardingContract.objects.create(
        application=application,
        account_holder=application.organisation.name,
        iban=iban,
        terms="Mittel nur für das bewilligte Vorhaben.",
        reporting_duties="Sachbericht und Belegliste.",
        proof_due_on=date(YEAR, 12, 31),
    )


def make_proof(
    application: Application,
    *,
    status=ProofOfUse.Status.SUBMITTED,
    receipts=(("material", "450.00"), ("verpflegung", "120.50")),
) -> ProofOfUse:
    """A proof of use with a report and receipts (cost type code, amount) inside the funded period."""
    proof = ProofOfUse.objects.create(
        application=application,
        report="Zwölf Treffen mit Kinderbetreuung; drei Teilnehmerinnen helfen inzwischen selbst mit.",
        volunteers_reached=7,
        newcomers_reached=31,
        newcomers_became_volunteers=3,
        status=status,
        submitted_at=timezone.now() if status != ProofOfUse.Status.DRAFT else None,
    )
    for number, (code, amount) in enumerate(receipts, start=1):
        Receipt.objects.create(
            proof=proof,
            paid_on=application.starts_on,
            cost_type=cost_type(code),
            payee=f"Schreibwaren Yıldız {number}",
            purpose="Material für die Treffen",
            amount=Decimal(amount),
        )
    return proof


# A minimal PDF (header, one empty page, end marker): what the upload check accepts as PDF.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def make_receipt_file(proof: ProofOfUse, *, content=PDF_BYTES, name="Rechnung Yıldız.pdf") -> ReceiptFile:
    receipt_file = ReceiptFile(
        proof=proof,
        kind=ReceiptFile.Kind.PDF,
        original_name=name,
        description="Rechnung Material",
        size=len(content),
        uploaded_by=member_of(proof.application.organisation),
    )
    receipt_file.file.save("beleg", ContentFile(content), save=True)
    return receipt_file
