"""Demo data for small grants: budgets, a confirmed initiative with one application per state, and
an initiative waiting for the KI's confirmation (``manage.py seed_demo``; idempotent)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from municipalities.demo import DEMO_PASSWORD
from municipalities.models import CostType, District, FundingProgramme, Language, Municipality
from municipalities.services import SUCCESSOR_PROGRAMME_CODE, ensure_default_funding_programmes

from .models import (
    AdviceMeeting,
    AnnualBudget,
    Application,
    ContractTemplate,
    CostItem,
    ForwardingContract,
    InitiativeNewcomer,
    Organisation,
    OrganisationMember,
    PaymentRequest,
    Placement,
    ProofOfUse,
    Receipt,
)
from .models.newcomers import INITIATIVE_NEWCOMER_CONSENT_VERSION

DEMO_ORGANISATION_EMAIL = "initiative@example.org"
DEMO_ORGANISATION_PERSON = "Ayşe Demir"
# Printed by seed_demo with the other apps' demo logins.
PENDING_ORGANISATION_EMAIL = "verein-werne@example.org"
PENDING_ORGANISATION_PERSON = "Nadia Murad"
DEMO_LOGINS = [
    (DEMO_ORGANISATION_EMAIL, f"{DEMO_ORGANISATION_PERSON} (Initiative)"),
    (PENDING_ORGANISATION_EMAIL, f"{PENDING_ORGANISATION_PERSON} (Initiative, noch nicht bestätigt)"),
]

# Placements (Einsatzstellen): by the initiative or by the KI itself, in a municipality, with the
# languages they need (the demo volunteer in Unna speaks Arabic and sees the first two first).
PLACEMENTS = [
    (
        "ki",
        "unna",
        "Sprachmittlung bei Elterngesprächen in Kitas",
        "Sie begleiten Eltern zu Gesprächen in der Kita und übersetzen zwischen Eltern und Fachkräften.",
        "Kitas in der Innenstadt",
        "nach Absprache, etwa zweimal im Monat vormittags",
        ["ar"],
    ),
    (
        "initiative",
        "boenen",
        "Mithilfe im Begegnungscafé",
        "Kaffee ausschenken, Gäste begrüßen und Gespräche auf Deutsch üben: ohne Vorkenntnisse möglich.",
        "Begegnungscafé, Bahnhofstraße",
        "dienstags 15–18 Uhr, wöchentlich",
        ["ar", "tr"],
    ),
    (
        "ki",
        "schwerte",
        "Lernpatenschaft für Schulkinder aus der Ukraine",
        "Sie helfen einem Kind einmal in der Woche bei den Hausaufgaben und beim Deutschlernen.",
        "Stadtbücherei Schwerte",
        "einmal wöchentlich am Nachmittag",
        ["uk", "ru"],
    ),
]

APPLICATIONS = [
    # title, measure area, status, requested, approved, comment, advice meeting
    ("Sprachcafé mit Kinderbetreuung", "2", Application.Status.APPROVED, "1200.00", "1000.00", "Verpflegung gekürzt.", True),
    ("Patenschaften für Familien aus der Ukraine", "2", Application.Status.SUBMITTED, "800.00", None, "", True),
    ("Demokratiewerkstatt für Jugendliche", "4", Application.Status.CHANGES_REQUESTED, "1500.00", None,
     "Bitte die Honorare nach Terminen aufschlüsseln.", True),
    ("Ausflug ins Bergbaumuseum", "2", Application.Status.REJECTED, "600.00", None,
     "Reine Freizeitfahrt ohne Bezug zu den Maßnahmenbereichen.", True),
    ("Nähwerkstatt für Frauen", "1", Application.Status.DRAFT, "450.00", None, "", False),
]  # fmt: skip


def _user(email: str, full_name: str, *, with_users: bool) -> User | None:
    user = User.objects.filter(email=email).first()
    if user is None and with_users:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
    return user


def _organisation(district, user, *, name, town, postcode, municipality, status) -> Organisation:
    now = timezone.now()
    organisation = Organisation.objects.create(
        district=district,
        name=name,
        legal_form=Organisation.LegalForm.REGISTERED_ASSOCIATION,
        street="Bahnhofstraße 12",
        postcode=postcode,
        town=town,
        municipality=municipality,
        status=status,
        email_confirmed_at=now,
        confirmed_at=now if status == Organisation.Status.CONFIRMED else None,
    )
    OrganisationMember.objects.create(
        organisation=organisation, user=user, is_contact=True, phone="02383 91234"
    )
    return organisation


def seed(*, with_users: bool, stdout=None) -> None:
    district = District.objects.filter(slug="kreis-unna").first()
    if district is None:
        return
    ensure_default_funding_programmes()
    programme = FundingProgramme.objects.get(code=SUCCESSOR_PROGRAMME_CODE)
    year = min(max(timezone.localdate().year, programme.valid_from.year), programme.valid_to.year)
    for budget_year in (year, min(year + 1, programme.valid_to.year)):
        AnnualBudget.objects.get_or_create(
            programme=programme,
            district=district,
            year=budget_year,
            defaults={"amount": Decimal("58000.00"), "cap_per_applicant": Decimal("2000.00")},
        )
    user = _user(DEMO_ORGANISATION_EMAIL, DEMO_ORGANISATION_PERSON, with_users=with_users)
    if user is None or OrganisationMember.objects.filter(user=user).exists():
        if stdout:
            stdout.write("  Initiativen: übersprungen (Demo-Konto fehlt oder ist schon angelegt)")
        return
    boenen = Municipality.objects.filter(district=district, slug="boenen").first()
    organisation = _organisation(
        district, user, name="Begegnungscafé Bönen e. V.", town="Bönen", postcode="59199",
        municipality=boenen, status=Organisation.Status.CONFIRMED,
    )  # fmt: skip
    pending_user = _user(PENDING_ORGANISATION_EMAIL, PENDING_ORGANISATION_PERSON, with_users=with_users)
    _organisation(
        district, pending_user, name="Jesidischer Kulturverein Werne", town="Werne", postcode="59368",
        municipality=Municipality.objects.filter(district=district, slug="werne").first(),
        status=Organisation.Status.PENDING,
    )  # fmt: skip
    ki = User.objects.filter(email="ki@example.org").first()
    material = CostType.objects.get(programme=programme, code="material")
    fees = CostType.objects.get(programme=programme, code="honorare")
    now = timezone.now()
    for title, area, status, requested, approved, comment, advice in APPLICATIONS:
        requested = Decimal(requested)
        application = Application.objects.create(
            organisation=organisation,
            programme=programme,
            measure_area=programme.building_blocks.get(code=area),
            title=title,
            description="Ein Vorhaben der Initiative mit Ehrenamtlichen und Neuzugewanderten aus Bönen.",
            starts_on=date(year, 3, 1),
            ends_on=date(year, 11, 30),
            expected_volunteers=6,
            expected_newcomers=25,
            requested_amount=requested,
            status=status,
            submitted_at=None if status == Application.Status.DRAFT else now,
            approved_amount=Decimal(approved) if approved else None,
            decision_comment=comment,
            decided_at=now if status in (Application.Status.APPROVED, Application.Status.REJECTED,
                                         Application.Status.CHANGES_REQUESTED) else None,
            decided_by=ki if status not in (Application.Status.DRAFT, Application.Status.SUBMITTED) else None,
            created_by=user,
        )  # fmt: skip
        if boenen:
            application.municipalities.set([boenen])
        half = (requested / 2).quantize(Decimal("0.01"))
        CostItem.objects.create(
            application=application, cost_type=fees, description="Referentin", amount=half
        )
        CostItem.objects.create(application=application, cost_type=material, amount=requested - half)
        if status == Application.Status.APPROVED:
            # The approved grant has its contract and a first paid instalment.
            template, _created = ContractTemplate.objects.get_or_create(district=district)
            ForwardingContract.objects.create(
                application=application, account_holder=organisation.name, iban="DE89370400440532013000",
                terms=template.terms, reporting_duties=template.reporting_duties,
                proof_due_on=application.ends_on + timedelta(days=template.proof_due_days), created_by=user,
            )  # fmt: skip
            PaymentRequest.objects.create(
                application=application, amount=Decimal("500.00"), status=PaymentRequest.Status.PAID,
                requested_by=user, approved_at=now, approved_by=ki, paid_on=date(year, 3, 15),
            )  # fmt: skip
            # ... and a submitted proof of use that the KI can review (400 € spent of 500 € paid).
            proof = ProofOfUse.objects.create(
                application=application, status=ProofOfUse.Status.SUBMITTED, submitted_at=now,
                report="Zehn Treffen mit Kinderbetreuung; drei Teilnehmerinnen helfen inzwischen selbst mit.",
                volunteers_reached=7, newcomers_reached=28, newcomers_became_volunteers=3,
            )  # fmt: skip
            Receipt.objects.bulk_create([
                Receipt(proof=proof, paid_on=date(year, 4, 2), cost_type=fees, payee="Leyla Yıldız",
                        purpose="Honorar für den Workshop", amount=Decimal("250.00")),
                Receipt(proof=proof, paid_on=date(year, 5, 7), cost_type=material, payee="Schreibwaren Nowak",
                        purpose="Spiele und Bastelmaterial", amount=Decimal("150.00")),
            ])  # fmt: skip
            # Two of the three newcomers who became active signed the consent to be counted.
            for name in ("Zahra Hosseini", "Oksana Melnyk"):
                InitiativeNewcomer.objects.create(
                    proof=proof, full_name=name, consent_on=date(year, 5, 20),
                    consent_version=INITIATIVE_NEWCOMER_CONSENT_VERSION, recorded_by=user,
                )  # fmt: skip
        if advice:
            AdviceMeeting.objects.create(
                application=application, held_on=date(year, 2, 15), notes="Vorhaben und Kostenplan besprochen.",
                recorded_by=ki,
            )  # fmt: skip
    _placements(district, organisation=organisation, by_organisation=user, by_ki=ki)
    if stdout:
        stdout.write(
            f"  Initiativen: 2, Förderanträge: {len(APPLICATIONS)}, Einsatzstellen: {len(PLACEMENTS)} "
            f"({DEMO_ORGANISATION_EMAIL})"
        )


def _placements(district, *, organisation, by_organisation, by_ki) -> None:
    for publisher, slug, title, description, place, schedule, languages in PLACEMENTS:
        municipality = Municipality.objects.filter(district=district, slug=slug).first()
        if municipality is None:
            continue
        by_the_initiative = publisher == "initiative"
        placement = Placement.objects.create(
            district=district,
            organisation=organisation if by_the_initiative else None,
            municipality=municipality,
            title=title,
            description=description,
            place=place,
            schedule=schedule,
            contact=by_organisation.email if by_the_initiative else district.ki_email,
            created_by=by_organisation if by_the_initiative else by_ki,
        )
        placement.languages.set(Language.objects.filter(code__in=languages))
