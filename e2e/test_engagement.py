"""Small grants in the browser: an initiative registers (double opt-in), is confirmed, applies with a
cost plan and submits; KI staff record the advice meeting and approve; the initiative enters its bank
details and downloads the forwarding contract. Every page through axe."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from conftest import PASSWORD
from e2e.conftest import axe_violations, login, save_screenshot
from engagement.models import Application, Organisation, PaymentRequest, ProofOfUse
from engagement.tests.factories import (
    make_application,
    make_budget,
    make_contract,
    make_organisation,
    make_proof,
    member_of,
    successor_programme,
)
from events.models import Event
from events.tests.factories import berlin, make_event
from municipalities.services import ensure_default_reference_data

CONTACT_EMAIL = "senait@eritreische-gemeinde.example"


def label(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


@pytest.fixture
def grants(district, unna, luenen):
    ensure_default_reference_data(district=district)
    make_budget(district, year=date.today().year)
    return successor_programme()


def test_initiative_registers_applies_and_ki_approves_after_advice_meeting(
    new_context, live_server, grants, ki_staff, unna
):
    violations: list[str] = []
    initiative = new_context().new_page()

    # --- registration: form, mail, button ------------------------------------------------
    initiative.goto("/initiativen/registrieren/")
    violations += axe_violations(initiative)
    initiative.get_by_label(label("Name der Organisation")).fill("Eritreische Gemeinde Lünen")
    initiative.get_by_label(label("Rechtsform")).select_option("ev")
    initiative.get_by_label(label("Straße und Hausnummer")).fill("Kurt-Schumacher-Str. 3")
    initiative.get_by_label(label("Postleitzahl")).fill("44532")
    initiative.get_by_label(label("Ort")).fill("Lünen")
    initiative.get_by_label(label("Name der Ansprechperson")).fill("Senait Tesfaye")
    initiative.get_by_label(label("E-Mail-Adresse der Ansprechperson")).fill(CONTACT_EMAIL)
    initiative.get_by_label(label("Passwort")).fill(PASSWORD)
    initiative.get_by_label(label("Passwort wiederholen")).fill(PASSWORD)
    initiative.get_by_role("button", name="Registrieren").click()
    expect(initiative.get_by_role("heading", level=1)).to_have_text("Bitte bestätigen Sie die E-Mail-Adresse")
    violations += axe_violations(initiative)
    (confirmation,) = [message for message in mail.outbox if CONTACT_EMAIL in message.to]
    link = re.search(r"https?://\S+/initiativen/bestaetigen/\S+/", confirmation.body).group(0)
    initiative.goto(urlsplit(link).path)
    violations += axe_violations(initiative)
    assert Organisation.objects.get().status == Organisation.Status.UNCONFIRMED
    initiative.get_by_role("button", name="E-Mail-Adresse bestätigen").click()
    expect(initiative.get_by_role("heading", level=1)).to_have_text("Eritreische Gemeinde Lünen")
    expect(initiative.get_by_role("status").first).to_contain_text("prüft")
    violations += axe_violations(initiative)

    # --- KI staff confirm the organisation ---------------------------------------------------
    staff = new_context().new_page()
    login(staff, live_server, ki_staff.email, PASSWORD)
    staff.goto("/foerderung/initiativen/")
    violations += axe_violations(staff)
    staff.get_by_role("button", name="Bestätigen").click()
    expect(staff.get_by_role("status").first).to_contain_text("ist bestätigt")

    # --- the initiative applies ------------------------------------------------------------
    initiative.goto("/initiativen/mein-bereich/")
    initiative.get_by_role("link", name="Neuen Antrag stellen").click()
    violations += axe_violations(initiative)
    year = date.today().year
    initiative.get_by_label(label("Maßnahmenbereich")).select_option(
        label="4: Maßnahmen zur Förderung von Demokratiebildung"
    )
    initiative.get_by_label(label("Titel des Vorhabens")).fill("Demokratiewerkstatt für Jugendliche")
    initiative.get_by_label(label("Beschreibung")).fill(
        "Workshops mit Ehrenamtlichen aus Migrantenorganisationen."
    )
    initiative.get_by_role("checkbox", name="Lünen").check()
    initiative.get_by_label(label("Beginn")).fill(f"{year}-01-15")
    initiative.get_by_label(label("Ende")).fill(f"{year}-11-30")
    initiative.get_by_label(label("Erwartete Zahl der Ehrenamtlichen")).fill("5")
    initiative.get_by_label(label("Erwartete Zahl erreichter Neuzugewanderter")).fill("40")
    initiative.get_by_label(label("Beantragter Betrag (€)")).fill("1000.00")
    initiative.locator("#id_kosten-0-cost_type").select_option(label="Honorare für Referent*innen")
    initiative.locator("#id_kosten-0-amount").fill("600.00")
    initiative.locator("#id_kosten-1-cost_type").select_option(label="Miete und Raumkosten")
    initiative.locator("#id_kosten-1-amount").fill("500.00")
    initiative.get_by_role("button", name="Entwurf speichern").click()
    # the totals do not add up: a German message next to the amount, nothing saved
    expect(initiative.get_by_role("alert").first).to_contain_text(
        "muss der Summe des Kostenplans (1.100,00 €) entsprechen"
    )
    violations += axe_violations(initiative)
    assert not Application.objects.exists()
    initiative.locator("#id_kosten-1-amount").fill("400.00")
    initiative.get_by_role("button", name="Entwurf speichern").click()
    expect(initiative.get_by_role("heading", level=1)).to_have_text("Demokratiewerkstatt für Jugendliche")
    violations += axe_violations(initiative)
    initiative.get_by_role("button", name="Antrag einreichen").click()
    expect(initiative.get_by_role("status").first).to_contain_text("Der Antrag ist eingereicht.")
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED

    # --- KI: advice meeting, then approval ----------------------------------------------------
    staff.goto("/foerderung/antraege/")
    violations += axe_violations(staff)
    staff.get_by_role("link", name="Demokratiewerkstatt für Jugendliche").click()
    staff.get_by_role("link", name="Beratungsgespräch erfassen").click()
    violations += axe_violations(staff)
    staff.get_by_label(label("Notizen")).fill("Zielgruppe und Honorare besprochen.")
    staff.get_by_role("button", name="Speichern").click()
    staff.get_by_role("link", name="Entscheiden").click()
    violations += axe_violations(staff)
    staff.get_by_role("radio", name="bewilligen").check()
    staff.get_by_label(label("Bewilligter Betrag (€)")).fill("900.00")
    staff.get_by_label(label("Begründung oder Hinweis an die Initiative")).fill("Miete anteilig gekürzt.")
    staff.get_by_role("button", name="Entscheidung speichern").click()
    expect(staff.get_by_role("status").first).to_contain_text("Die Entscheidung ist gespeichert")
    staff.goto("/foerderung/budget/")
    expect(staff.get_by_role("table", name=re.compile("je Maßnahmenbereich"))).to_contain_text("900,00 €")
    violations += axe_violations(staff)
    save_screenshot(staff, "ki_staff/foerderung/budget/")

    application.refresh_from_db()
    assert (application.status, str(application.approved_amount)) == (Application.Status.APPROVED, "900.00")
    decided = [
        message for message in mail.outbox if CONTACT_EMAIL in message.to and "bewilligt" in message.subject
    ]
    assert len(decided) == 1 and "900,00 €" in decided[0].body
    initiative.goto(f"/initiativen/antraege/{application.pk}/")
    expect(initiative.locator("main")).to_contain_text("Miete anteilig gekürzt.")

    # --- bank details at contract stage, then the contract as PDF ------------------------------------
    initiative.get_by_role("link", name="Bankverbindung angeben").click()
    violations += axe_violations(initiative)
    initiative.get_by_label(label("Kontoinhaber*in")).fill("Eritreische Gemeinde Lünen e. V.")
    initiative.get_by_label(label("IBAN")).fill("DE89 3704 0044 0532 0130 01")
    initiative.get_by_role("button", name="Vertrag erstellen").click()
    expect(initiative.get_by_role("alert").first).to_contain_text("Die Prüfziffer der IBAN stimmt nicht.")
    initiative.get_by_label(label("IBAN")).fill("DE89 3704 0044 0532 0130 00")
    initiative.get_by_role("button", name="Vertrag erstellen").click()
    expect(initiative.locator("main")).to_contain_text("DE89 •••• •••• 3000")
    violations += axe_violations(initiative)
    with initiative.expect_download() as download_info:
        initiative.get_by_role("link", name="Weiterleitungsvertrag herunterladen (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"weiterleitungsvertrag-{application.pk}.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    # --- proof of use with two receipts; KI accepts; the export lists the receipts ------------------
    initiative.get_by_role("link", name="Verwendungsnachweis").click()
    initiative.get_by_role("link", name="Verwendungsnachweis anlegen").click()
    violations += axe_violations(initiative)
    initiative.locator("#id_report").fill(
        "Sechs Workshops; zwei Teilnehmende leiten inzwischen selbst Gruppen."
    )
    initiative.locator("#id_volunteers_reached").fill("5")
    initiative.locator("#id_newcomers_reached").fill("38")
    initiative.locator("#id_newcomers_became_volunteers").fill("2")
    for index, (cost_type, payee, amount) in enumerate(
        [
            ("Honorare für Referent*innen", "Leyla Yıldız", "600.00"),
            ("Miete und Raumkosten", "Gemeindehaus Lünen", "250.00"),
        ]
    ):
        initiative.locator(f"#id_belege-{index}-paid_on").fill(f"{year}-03-1{index}")
        initiative.locator(f"#id_belege-{index}-cost_type").select_option(label=cost_type)
        initiative.locator(f"#id_belege-{index}-payee").fill(payee)
        initiative.locator(f"#id_belege-{index}-purpose").fill("Workshop")
        initiative.locator(f"#id_belege-{index}-amount").fill(amount)
    initiative.get_by_role("button", name="Entwurf speichern").click()
    expect(initiative.locator("#rueckzahlung")).to_have_text("0,00 €")
    expect(initiative.locator("main")).to_contain_text("850,00 €")
    violations += axe_violations(initiative)
    initiative.get_by_role("button", name="Verwendungsnachweis einreichen").click()
    expect(initiative.get_by_role("status").first).to_contain_text("Der Verwendungsnachweis ist eingereicht.")

    staff.goto("/foerderung/verwendungsnachweise/")
    violations += axe_violations(staff)
    staff.get_by_role("link", name="Demokratiewerkstatt für Jugendliche").click()
    staff.get_by_role("radio", name="anerkennen").check()
    violations += axe_violations(staff)
    staff.get_by_role("button", name="Prüfergebnis speichern").click()
    expect(staff.get_by_role("status").first).to_contain_text("Das Prüfergebnis ist gespeichert")
    staff.goto("/foerderung/budget/")
    with staff.expect_download() as download_info:
        staff.get_by_role("link", name=re.compile("als Tabelle")).click()
    receipts = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).worksheets[2]
    amounts = sorted(row[6] for row in receipts.iter_rows(min_row=2, max_row=3, values_only=True))
    assert amounts == [250, 600]
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


def test_volunteer_with_arabic_sees_the_matching_placement_first_and_expresses_interest(
    new_context, live_server, grants, volunteer, unna, luenen
):
    from engagement.models.placements import Placement, PlacementInterest
    from engagement.tests.factories import make_organisation
    from municipalities.models import Language
    from volunteers.models import VolunteerLanguage

    arabic = Language.objects.get(code="ar")
    VolunteerLanguage.objects.create(volunteer=volunteer.volunteer, language=arabic)
    organisation = make_organisation(
        unna.district, name="Syrischer Kulturverein Unna", full_name="Rami Haddad"
    )
    common = {
        "district": unna.district,
        "organisation": organisation,
        "description": "Begleitung.",
        "contact": "02303 1",
    }
    Placement.objects.create(municipality=luenen, title="Fahrdienst zur Tafel", schedule="freitags", **common)
    matching = Placement.objects.create(
        municipality=unna, title="Sprachmittlung beim Kinderarzt", schedule="nach Absprache", **common
    )
    matching.languages.set([arabic])
    page = new_context().new_page()
    login(page, live_server, volunteer.email, PASSWORD)

    page.goto("/ehrenamt/einsatzstellen/")
    first = page.locator("article").first
    expect(first.get_by_role("heading")).to_have_text("Sprachmittlung beim Kinderarzt")
    expect(first).to_contain_text("passt zu Ihren Sprachen")
    violations = axe_violations(page)
    first.get_by_role("link", name="Sprachmittlung beim Kinderarzt").click()
    page.get_by_role("checkbox", name=re.compile("Arabisch")).check()
    page.get_by_role("checkbox", name=re.compile("E-Mail-Adresse und Telefonnummer")).check()
    violations += axe_violations(page)
    page.get_by_role("button", name="Interesse bekunden").click()
    expect(page.get_by_role("status").first).to_contain_text("Ihr Interesse ist gespeichert")

    interest = PlacementInterest.objects.get(placement=matching)
    assert interest.shares_contact and list(interest.shared_languages.values_list("code", flat=True)) == [
        "ar"
    ]
    assert violations == []


def test_volunteer_uploads_a_certificate_and_ki_staff_confirm_it(
    new_context, live_server, grants, volunteer, ki_staff, settings, tmp_path
):
    """The proof pages of both sides through axe and at 320 px; the expired qualification is marked."""
    from datetime import timedelta

    from django.utils import timezone

    from engagement.tests.factories import PDF_BYTES
    from volunteers.models import Qualification, VolunteerQualification

    settings.MEDIA_ROOT = tmp_path / "media"
    first_aid = Qualification.objects.create(
        district=volunteer.volunteer.district, name="Erste Hilfe", slug="erste-hilfe", validity_months=24
    )
    child_protection = Qualification.objects.create(
        district=volunteer.volunteer.district, name="Kinderschutz", slug="kinderschutz", validity_months=36
    )
    today = timezone.localdate()
    VolunteerQualification.objects.create(
        volunteer=volunteer.volunteer, qualification=child_protection,
        earned_on=today - timedelta(days=1200), valid_until=today - timedelta(days=5),
    )  # fmt: skip
    page = new_context().new_page()
    login(page, live_server, volunteer.email, PASSWORD)

    page.goto("/ehrenamt/qualifikationen/")
    expect(page.locator("main")).to_contain_text("abgelaufen am")
    violations = axe_violations(page)
    page.get_by_label(label("Qualifikation")).select_option(label="Erste Hilfe")
    page.get_by_label(label("ausgestellt am")).fill("2025-06-01")
    page.get_by_label(label("Bescheinigung")).set_input_files(
        {"name": "Erste-Hilfe-Schein.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Hochladen").click()
    expect(page.get_by_role("status").first).to_contain_text("Der Nachweis ist hochgeladen")
    expect(page.get_by_role("cell", name="wartet auf Prüfung")).to_be_visible()
    violations += axe_violations(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0

    staff = new_context().new_page()
    login(staff, live_server, ki_staff.email, PASSWORD)
    staff.goto("/foerderung/qualifikationsnachweise/")
    violations += axe_violations(staff)
    staff.get_by_role("link", name=volunteer.full_name).click()
    expect(staff.locator("main")).to_contain_text("31.05.2027")
    violations += axe_violations(staff)
    staff.get_by_role("radio", name="bestätigen").check()
    staff.get_by_role("button", name="Entscheidung speichern").click()
    expect(staff.get_by_role("status").first).to_contain_text("Die Entscheidung ist gespeichert")
    staff.set_viewport_size({"width": 320, "height": 640})
    assert staff.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0

    held = VolunteerQualification.objects.get(volunteer=volunteer.volunteer, qualification=first_aid)
    assert (held.source, held.valid_until) == ("external", date(2027, 5, 31))
    page.reload()
    expect(page.locator("main")).to_contain_text("gültig bis 31.05.2027")
    assert violations == []


def test_events_repayment_and_reports_pdf_pages_are_accessible(
    new_context, live_server, grants, ki_staff, unna, contact_unna
):
    """The initiative links a calendar event to its proof; KI staff see it, record a repayment (a
    wrong amount first, with its message), see it on the budget page and download the reports PDF."""
    year = date.today().year
    organisation = make_organisation(unna.district)
    application = make_contract(
        make_application(
            organisation, title="Nähcafé für Frauen", status=Application.Status.APPROVED, municipalities=[unna],
            starts_on=date(year, 1, 1), ends_on=date(year, 12, 31),
        )
    ).application  # fmt: skip
    PaymentRequest.objects.create(
        application=application,
        amount=Decimal("1000"),
        status=PaymentRequest.Status.PAID,
        paid_on=date(year, 1, 2),
    )
    make_event(by=contact_unna, municipality=unna, title="Offenes Nähcafé", start=berlin(year, 1, 10, 15),
               status=Event.Status.APPROVED)  # fmt: skip
    proof = make_proof(application, status=ProofOfUse.Status.DRAFT)
    violations: list[str] = []

    initiative = new_context().new_page()
    login(initiative, live_server, member_of(organisation).email, PASSWORD)
    initiative.goto(f"/initiativen/antraege/{application.pk}/verwendungsnachweis/bearbeiten/")
    initiative.get_by_role("checkbox", name=re.compile("Offenes Nähcafé")).check()
    violations += axe_violations(initiative)
    save_screenshot(initiative, "organisation/verwendungsnachweis-veranstaltungen")
    initiative.get_by_role("button", name="Entwurf speichern").click()
    expect(initiative.locator("#veranstaltungen")).to_contain_text("Offenes Nähcafé (Unna)")
    ProofOfUse.objects.filter(pk=proof.pk).update(
        status=ProofOfUse.Status.ACCEPTED, reviewed_at=timezone.now()
    )

    staff = new_context().new_page()
    login(staff, live_server, ki_staff.email, PASSWORD)
    staff.goto(f"/initiativen/antraege/{application.pk}/verwendungsnachweis/")
    expect(staff.locator("#veranstaltungen")).to_contain_text("Offenes Nähcafé (Unna)")
    violations += axe_violations(staff)
    staff.get_by_role("link", name="Rückzahlung erfassen").click()
    expect(staff.locator("#offen")).to_have_text("429,50 €")
    violations += axe_violations(staff)
    save_screenshot(staff, "ki_staff/rueckzahlung")
    staff.get_by_label(label("Zurückgezahlter Betrag (€)")).fill("500")
    staff.get_by_label(label("Eingegangen am")).fill((date.today() - timedelta(days=1)).isoformat())
    staff.get_by_role("button", name="Rückzahlung speichern").click()
    expect(staff.locator("main")).to_contain_text("höchstens 429,50 €")
    violations += axe_violations(staff)
    staff.get_by_label(label("Zurückgezahlter Betrag (€)")).fill("429,50")
    staff.get_by_role("button", name="Rückzahlung speichern").click()
    expect(staff.get_by_role("status").first).to_contain_text("Die Rückzahlung ist erfasst")
    staff.goto(f"/foerderung/budget/?jahr={year}")
    expect(staff.locator("main")).to_contain_text("429,50 €")
    violations += axe_violations(staff)
    with staff.expect_download() as download_info:
        staff.get_by_role("link", name=re.compile("Sachberichte .* als PDF")).click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")


def test_initiative_records_a_newcomer_with_consent_and_the_withdrawal(
    new_context, live_server, grants, district
):
    """The proof of use's section and the page to record a newcomer with the signed consent, through axe;
    also at 320 px."""
    from engagement.models import InitiativeNewcomer, ProofOfUse
    from engagement.tests.factories import (
        make_application,
        make_contract,
        make_organisation,
        make_proof,
        member_of,
    )

    organisation = make_organisation(
        district, name="Afghanischer Frauenverein Kamen", full_name="Mariam Sadat"
    )
    application = make_application(organisation, status=Application.Status.APPROVED, advice=True)
    make_contract(application)
    make_proof(application, status=ProofOfUse.Status.DRAFT)
    page = new_context().new_page()
    login(page, live_server, member_of(organisation).email, PASSWORD)

    page.goto(f"/initiativen/antraege/{application.pk}/verwendungsnachweis/")
    violations = axe_violations(page)
    page.get_by_role("link", name="Person mit Einwilligung eintragen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Person mit Einwilligung eintragen")
    violations += axe_violations(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    save_screenshot(page, "engagement-newcomer-320")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label(label("Name der Person")).fill("Zahra Hosseini")
    page.get_by_label(label("Einwilligung unterschrieben am")).fill(f"{date.today().year}-01-02")
    page.get_by_role("button", name="Eintragen").click()
    expect(page.locator("#form-errors")).to_be_visible()  # the signed consent is not confirmed yet
    violations += axe_violations(page)
    page.get_by_role("checkbox", name=re.compile("Einwilligungstext oben unterschrieben")).check()
    page.get_by_role("button", name="Eintragen").click()
    expect(page.get_by_role("status").first).to_contain_text("mit ihrer Einwilligung eingetragen")
    expect(page.get_by_role("main")).to_contain_text("Zahra Hosseini")
    violations += axe_violations(page)
    page.get_by_role("button", name=re.compile(r"Widerruf eintragen.*Zahra Hosseini")).click()
    expect(page.get_by_role("status").first).to_contain_text("nicht mehr gezählt")
    expect(page.get_by_role("main")).not_to_contain_text("Zahra Hosseini")
    violations += axe_violations(page)
    assert InitiativeNewcomer.objects.get().withdrawn_at is not None
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)
