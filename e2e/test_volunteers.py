"""KOMM-AN courses in the browser: from the first visit to the certificate, and every page through axe.

A newcomer finds a course that is full, signs up as a volunteer (double opt-in), joins the
waiting list, gets the seat another volunteer gives up, attends both sessions (recorded by
the trainer with the keyboard) and downloads the certificate.
"""

import io
import re
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

import pypdf
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from conftest import PASSWORD
from e2e.conftest import PASSWORD_LABEL, axe_violations, horizontal_overflow, login, save_screenshot, visit
from municipalities.models import FieldOfAction, FundingProgramme, Language
from municipalities.services import ensure_default_reference_data
from volunteers import services
from volunteers.models import Course, CourseSession, Qualification, Registration, VolunteerLanguage
from volunteers.selfservice import signup
from volunteers.tests.factories import make_course, make_volunteer

R = Registration.Status

NEWCOMER_NAME = "Şengül Yıldız"
NEWCOMER_EMAIL = "sengul.yildiz@example.org"
NEWCOMER_PASSWORD = "Bosporus-Brücke-2026!"
STORY_TITLE = "Flucht und Trauma – Grundlagen für Ehrenamtliche"
QUALIFICATION = "Grundqualifizierung Ehrenamt"


def label(text: str) -> re.Pattern:
    """A form label as crispy-forms renders it: the text, maybe followed by the required-field "*"."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def sessions_into_past(course: Course) -> list[CourseSession]:
    """Let the course take place: weekly sessions at 18:00, the last one yesterday.

    The registration window moves along, as it would have been for such a course.
    """
    sessions = list(course.sessions.order_by("start"))
    yesterday = timezone.localtime() - timedelta(days=1)
    last_start = yesterday.replace(hour=18, minute=0, second=0, microsecond=0)
    for number, session in enumerate(reversed(sessions)):
        start = last_start - timedelta(weeks=number)
        CourseSession.objects.filter(pk=session.pk).update(start=start, end=start + timedelta(hours=3))
    first_start = last_start - timedelta(weeks=len(sessions) - 1)
    Course.objects.filter(pk=course.pk).update(
        registration_opens=first_start - timedelta(days=30),
        registration_closes=first_start - timedelta(days=1),
    )
    return list(course.sessions.order_by("start"))


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def reference(district, unna, luenen):
    ensure_default_reference_data(district=district)
    return SimpleNamespace(
        german=Language.objects.get(code="de"),
        arabic=Language.objects.get(code="ar"),
        programme=FundingProgramme.objects.get(code="ehrenamt-integration-praevention"),
        qualification=Qualification.objects.create(
            district=district, name=QUALIFICATION, slug="grundqualifizierung-ehrenamt"
        ),
    )


# --- the story -------------------------------------------------------------------------


def sign_up(visitor: Page) -> None:
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Als Ehrenamtliche*r registrieren")
    visitor.get_by_label(label("Ihr Name")).fill(NEWCOMER_NAME)
    visitor.get_by_label(label("E-Mail-Adresse")).fill(NEWCOMER_EMAIL)
    visitor.get_by_label(PASSWORD_LABEL).fill(NEWCOMER_PASSWORD)
    visitor.get_by_label(label("Passwort wiederholen")).fill(NEWCOMER_PASSWORD)
    visitor.get_by_label(label("Wohnort (Kommune)")).select_option(label="Unna")
    visitor.get_by_label(label("Ich habe die Datenschutzhinweise (Fassung 2026-1) gelesen.")).check()
    save_screenshot(visitor, "signup_filled")
    visitor.get_by_role("button", name="Registrieren").click()


def record_attendance_with_keyboard(trainer: Page, session: CourseSession, *, via_arrows: bool) -> None:
    """Tab into the participant's radio group and choose „anwesend“ without the mouse."""
    day = f"{timezone.localtime(session.start):%d.%m.%Y}"
    trainer.get_by_role("link", name=f"Anwesenheit {day} erfassen").click()
    expect(trainer.get_by_role("heading", level=1)).to_have_text(f"Anwesenheit am {day}")
    group = trainer.get_by_role("group", name=NEWCOMER_NAME)
    present = group.get_by_role("radio", name="anwesend", exact=True)
    absent = group.get_by_role("radio", name="nicht anwesend", exact=True)
    expect(present).not_to_be_checked()
    expect(absent).not_to_be_checked()

    trainer.get_by_role("link", name="Zurück zur Teilnehmendenliste").focus()
    trainer.keyboard.press("Tab")
    expect(present).to_be_focused()
    if via_arrows:
        # Arrow keys move through the group and select what they land on.
        trainer.keyboard.press("ArrowRight")
        expect(absent).to_be_focused()
        expect(absent).to_be_checked()
        trainer.keyboard.press("ArrowLeft")
    else:
        trainer.keyboard.press("Space")
    expect(present).to_be_focused()
    expect(present).to_be_checked()
    expect(absent).not_to_be_checked()
    trainer.keyboard.press("Tab")
    save_button = trainer.get_by_role("button", name="Anwesenheit speichern")
    expect(save_button).to_be_focused()
    trainer.keyboard.press("Enter")
    expect(trainer).to_have_url(re.compile(rf"/kurse/{session.course_id}/teilnehmende/$"))
    expect(trainer.get_by_role("status")).to_contain_text("Anwesenheit für 1 Person gespeichert.")


def test_newcomer_signs_up_waits_for_freed_seat_attends_and_downloads_certificate(
    page, new_context, live_server, district, unna, reference, volunteer, trainer
):
    course = make_course(
        district,
        title=STORY_TITLE,
        topic="Flucht und Trauma",
        capacity=1,
        sessions=2,
        trainers=[trainer],
        municipality=unna,
        location_name="Kreishaus Unna, Raum 1.12",
        language=reference.german,
        qualification=reference.qualification,
        funding_programme=reference.programme,
    )
    seat_holder = services.register_for_course(volunteer=volunteer.volunteer, course=course)
    assert seat_holder.status == R.REGISTERED
    mail.outbox.clear()

    # --- a visitor finds the full course and signs up ---------------------------------
    visitor = page
    visitor.goto("/kurse/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Kurse für Ehrenamtliche")
    card = visitor.get_by_role("article", name=STORY_TITLE)
    expect(card).to_contain_text("ausgebucht – Warteliste: 0 Personen")
    card.get_by_role("link", name=STORY_TITLE).click()
    expect(visitor).to_have_url(re.compile(rf"/kurse/{course.pk}/$"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(STORY_TITLE)
    visitor.get_by_role("link", name="Noch kein Konto? Als Ehrenamtliche*r registrieren").click()
    expect(visitor).to_have_url(re.compile(r"/ehrenamt/registrieren/$"))
    sign_up(visitor)

    expect(visitor).to_have_url(re.compile(r"/ehrenamt/registrieren/gesendet/$"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Bitte bestätigen Sie Ihre E-Mail-Adresse")
    account = User.objects.get(email=NEWCOMER_EMAIL)
    assert account.full_name == NEWCOMER_NAME
    assert not account.is_active
    assert account.volunteer.municipality == unna
    assert account.volunteer.privacy_consent_at is not None
    (confirmation,) = mails_to(NEWCOMER_EMAIL)
    assert confirmation.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse – Kreisintegration"
    link = re.search(r"https?://\S+/ehrenamt/bestaetigen/\S+/", confirmation.body).group(0)

    # --- the link shows a button; only pressing it confirms and logs in -----------------
    visitor.goto(urlsplit(link).path)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("E-Mail-Adresse bestätigen")
    account.refresh_from_db()
    assert not account.is_active, "opening the link alone must not confirm (mail scanners open links)"
    visitor.get_by_role("button", name="E-Mail-Adresse bestätigen").click()
    expect(visitor).to_have_url(re.compile(r"/ehrenamt/$"))
    expect(visitor.get_by_role("status")).to_contain_text(
        "Ihre E-Mail-Adresse ist bestätigt und Sie sind angemeldet."
    )
    expect(visitor.get_by_role("button", name="Abmelden")).to_be_visible()
    account.refresh_from_db()
    assert account.is_active
    assert account.volunteer.email_confirmed_at is not None

    # --- she joins the waiting list ---------------------------------------------------
    newcomer = visitor
    newcomer.get_by_role("link", name="Zum Kursangebot").click()
    newcomer.get_by_role("article", name=STORY_TITLE).get_by_role("link", name=STORY_TITLE).click()
    registration_box = newcomer.get_by_role("region", name="Anmeldung")
    expect(registration_box).to_contain_text("Der Kurs ist ausgebucht.")
    registration_box.get_by_role("button", name="Auf die Warteliste").click()
    expect(newcomer).to_have_url(re.compile(rf"/kurse/{course.pk}/$"))
    expect(newcomer.get_by_role("status")).to_contain_text("Sie stehen auf Platz 1 der Warteliste.")
    expect(registration_box).to_contain_text("Ihr Stand: auf der Warteliste")
    expect(registration_box).to_contain_text("Sie stehen auf Platz 1 der Warteliste.")
    expect(registration_box.get_by_role("link", name="Von der Warteliste abmelden")).to_be_visible()
    waiting = Registration.objects.get(volunteer__user=account, course=course)
    assert (waiting.status, waiting.waitlist_position) == (R.WAITLISTED, 1)
    assert [m.subject for m in mails_to(NEWCOMER_EMAIL)][-1] == f"Warteliste: {STORY_TITLE}"
    newcomer.goto("/ehrenamt/")
    expect(newcomer.get_by_role("row", name=STORY_TITLE)).to_contain_text("Warteliste, Platz 1")
    save_screenshot(newcomer, "my_courses_waitlisted")

    # --- the other volunteer gives her seat up in her own browser ---------------------
    other = new_context().new_page()
    login(other, live_server, volunteer.email, PASSWORD)
    other.goto("/ehrenamt/")
    other.get_by_role("row", name=STORY_TITLE).get_by_role("link", name="Vom Kurs abmelden").click()
    # The confirmation page names the consequence; only its button gives the seat up.
    expect(other.get_by_role("heading", level=1)).to_have_text("Vom Kurs abmelden")
    expect(other.get_by_role("main")).to_contain_text(
        "Ihr Platz geht an die nächste Person auf der Warteliste."
    )
    seat_holder.refresh_from_db()
    assert seat_holder.status == R.REGISTERED
    other.get_by_role("button", name="Vom Kurs abmelden").click()
    expect(other.get_by_role("status")).to_contain_text(f"Sie sind von „{STORY_TITLE}“ abgemeldet.")
    seat_holder.refresh_from_db()
    assert seat_holder.status == R.CANCELLED

    (offer,) = [
        m for m in mails_to(NEWCOMER_EMAIL) if m.subject == f"Ein Platz ist frei geworden: {STORY_TITLE}"
    ]
    assert "Platz annehmen" in offer.body
    waiting.refresh_from_db()
    assert waiting.status == R.OFFERED

    # --- she takes the seat -----------------------------------------------------------
    newcomer.goto("/ehrenamt/")
    offers = newcomer.get_by_role("region", name="Ein Platz ist für Sie frei geworden")
    expect(offers).to_contain_text(STORY_TITLE)
    save_screenshot(newcomer, "my_courses_offer")
    offers.get_by_role("button", name="Platz annehmen").click()
    expect(newcomer).to_have_url(re.compile(r"/ehrenamt/$"))
    expect(newcomer.get_by_role("status")).to_contain_text(
        f"Der Platz gehört Ihnen: Sie sind für „{STORY_TITLE}“ angemeldet."
    )
    expect(newcomer.get_by_role("region", name="Ein Platz ist für Sie frei geworden")).to_have_count(0)
    expect(newcomer.get_by_role("row", name=STORY_TITLE)).to_contain_text("angemeldet")
    waiting.refresh_from_db()
    assert waiting.status == R.REGISTERED
    assert [m.subject for m in mails_to(NEWCOMER_EMAIL)][-1] == f"Anmeldung bestätigt: {STORY_TITLE}"

    # --- the course takes place; the trainer records attendance and completes it --------
    sessions = sessions_into_past(course)
    coach = new_context().new_page()
    login(coach, live_server, trainer.email, PASSWORD)
    coach.goto("/mein-bereich/")
    coach.get_by_role("link", name=f"Teilnehmende und Anwesenheit: {STORY_TITLE}").click()
    expect(coach).to_have_url(re.compile(rf"/kurse/{course.pk}/teilnehmende/$"))
    participants = coach.get_by_role(
        "table", name="Teilnehmende (angemeldet, teilgenommen, nicht erschienen)"
    )
    expect(participants.get_by_role("row")).to_have_count(1 + 1)
    expect(participants.get_by_role("row", name=NEWCOMER_NAME)).to_contain_text("0 von 2")

    record_attendance_with_keyboard(coach, sessions[0], via_arrows=False)
    record_attendance_with_keyboard(coach, sessions[1], via_arrows=True)
    expect(participants.get_by_role("row", name=NEWCOMER_NAME)).to_contain_text("2 von 2")
    assert sorted(a.present for a in waiting.attendances.all()) == [True, True]

    coach.get_by_role("link", name="Kurs abschließen").click()
    expect(coach.get_by_role("heading", level=1)).to_have_text("Kurs abschließen")
    coach.get_by_role("button", name="Kurs jetzt abschließen").click()
    expect(coach.get_by_role("status")).to_contain_text("Der Kurs ist abgeschlossen")
    expect(coach.locator("p.ki-lead")).to_contain_text("Status: abgeschlossen")
    expect(participants.get_by_role("row", name=NEWCOMER_NAME)).to_contain_text("teilgenommen")
    expect(coach.get_by_role("link", name="Kurs abschließen")).to_have_count(0)
    waiting.refresh_from_db()
    assert waiting.status == R.ATTENDED
    assert waiting.certificate_code

    # --- she downloads the certificate ------------------------------------------------
    newcomer.goto("/ehrenamt/")
    expect(newcomer.get_by_role("region", name="Meine Qualifikationen")).to_contain_text(QUALIFICATION)
    row = newcomer.get_by_role("row", name=STORY_TITLE)
    expect(row).to_contain_text("teilgenommen")
    certificate_link = row.get_by_role("link", name=f"Teilnahmebescheinigung (PDF) – {STORY_TITLE}")
    href = certificate_link.get_attribute("href")
    assert href == f"/ehrenamt/anmeldungen/{waiting.pk}/bescheinigung.pdf"
    with newcomer.expect_download() as download_info:
        certificate_link.click()
    download = download_info.value
    assert download.suggested_filename == f"teilnahmebescheinigung-{waiting.certificate_code.lower()}.pdf"
    with open(download.path(), "rb") as downloaded:
        text = pdf_text(downloaded.read())
    assert NEWCOMER_NAME in text
    assert STORY_TITLE in text
    assert waiting.certificate_code in text

    response = newcomer.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert NEWCOMER_NAME in pdf_text(response.body())

    # Someone else's browser gets no certificate for her registration.
    response = other.request.get(href)
    assert response.status == 404


# --- accessibility of every volunteer page ---------------------------------------------


@pytest.fixture
def course_pages_data(district, unna, luenen, reference, volunteer, trainer):
    """Courses in every state, and volunteers in every registration state.

    ``volunteer`` (مريم حداد) holds a seat in the open course and attended the completed one;
    Ahmad has a seat offered to him, Olga waits on the list, Jürgen gave his seat up.
    """
    maryam = volunteer.volunteer
    maryam.municipality = luenen
    maryam.phone = "+49 2306 1234567"
    maryam.availability = "dienstags nachmittags, am Wochenende"
    maryam.save()
    maryam.interests.set(FieldOfAction.objects.filter(district=district)[:2])
    VolunteerLanguage.objects.create(volunteer=maryam, language=reference.arabic, level="native")
    VolunteerLanguage.objects.create(volunteer=maryam, language=reference.german, level="fluent")
    ahmad = make_volunteer(
        district,
        municipality=unna,
        came_as_newcomer=True,
        full_name="Ahmad Al-Hassan",
        email="ahmad@example.org",
    )
    olga = make_volunteer(district, municipality=unna, full_name="Ольга Петрова", email="olga@example.org")
    juergen = make_volunteer(
        district, municipality=luenen, full_name="Jürgen Böhm", email="juergen@example.org"
    )

    common = {
        "trainers": [trainer],
        "language": reference.german,
        "funding_programme": reference.programme,
        "building_block": reference.programme.building_blocks.get(code="1"),
        "qualification": reference.qualification,
    }
    open_course = make_course(
        district,
        title="Sprachmittlung im Alltag – الترجمة في الحياة اليومية",
        topic="Sprachmittlung",
        capacity=2,
        sessions=3,
        municipality=unna,
        location_name="Begegnungszentrum Unna",
        address="Bahnhofstraße 12, 59423 Unna",
        online_url="https://meet.example.org/sprachmittlung-im-alltag-grundkurs-fuer-ehrenamtliche",
        target_audience="Ehrenamtliche, die mehrere Sprachen sprechen",
        description="Rollen, Grenzen und Schweigepflicht beim Dolmetschen.\nمرحبا بالجميع – alle sind willkommen.",
        **common,
    )
    services.register_for_course(volunteer=maryam, course=open_course)
    services.register_for_course(volunteer=juergen, course=open_course)
    offered = services.register_for_course(volunteer=ahmad, course=open_course)
    services.register_for_course(volunteer=olga, course=open_course)
    services.cancel_registration(by=juergen.user, registration=Registration.objects.get(volunteer=juergen))
    offered.refresh_from_db()
    assert offered.status == R.OFFERED

    free_course = make_course(
        district,
        title="Interkulturelle Kommunikation",
        topic="Kommunikation",
        capacity=12,
        municipality=luenen,
        starts_in=timedelta(days=21),
        **common,
    )
    make_course(district, title="Entwurf: Erste Hilfe für die Seele", status=Course.Status.DRAFT)

    running = make_course(
        district,
        title="Asyl- und Aufenthaltsrecht kompakt",
        capacity=10,
        sessions=2,
        municipality=unna,
        **common,
    )
    completed = make_course(
        district,
        title="Grundqualifizierung Ehrenamt in der Flüchtlingshilfe",
        topic="Grundqualifizierung",
        capacity=10,
        sessions=2,
        municipality=luenen,
        **common,
    )
    for course in (running, completed):
        for person in (maryam, ahmad, olga):
            services.register_for_course(volunteer=person, course=course)
    running_sessions = sessions_into_past(running)
    for registration in running.registrations.all():
        services.record_attendance(
            by=trainer, session=running_sessions[0], registration=registration, present=True
        )
    completed_sessions = sessions_into_past(completed)
    for registration in completed.registrations.select_related("volunteer"):
        for session in completed_sessions:
            services.record_attendance(
                by=trainer,
                session=session,
                registration=registration,
                present=registration.volunteer != olga or session == completed_sessions[0],
            )
    services.complete_course(by=trainer, course=completed)
    certificate = Registration.objects.get(course=completed, volunteer=maryam)
    assert certificate.status == R.ATTENDED and certificate.certificate_code

    return SimpleNamespace(
        maryam=volunteer,
        ahmad=ahmad.user,
        olga=olga.user,
        open=open_course.pk,
        free=free_course.pk,
        running=running.pk,
        running_session=running_sessions[1].pk,
        future_session=open_course.sessions.order_by("start").first().pk,
        completed=completed.pk,
        completed_session=completed_sessions[0].pk,
        seat=Registration.objects.get(course=open_course, volunteer=maryam).pk,
        code=certificate.certificate_code,
        year=timezone.localtime(completed_sessions[0].start).year,
        first_day=timezone.localdate() + timedelta(days=1),
    )


def scan(page: Page, live_server, paths, data, *, prefix: str) -> list[str]:
    """Visit each path (formatted with ``data``), check its status and heading, collect axe findings."""
    violations = []
    for entry in paths:
        template, status = entry if isinstance(entry, tuple) else (entry, 200)
        visit(page, live_server, template.format(**vars(data)), status)
        expect(page.locator("h1")).to_be_visible()
        violations += axe_violations(page)
        save_screenshot(page, f"{prefix}{template}")
    return violations


def assert_none(violations: list[str]) -> None:
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


VISITOR_PAGES = [
    "/kurse/",
    "/kurse/?" + urlencode({"topic": "Sprachmittlung", "municipality": "unna", "language": "de"}),
    "/kurse/?starts_from={first_day}&starts_until=2099-12-31",
    "/kurse/?past=on",
    # A broken filter answers 400 and explains itself instead of showing courses.
    ("/kurse/?starts_from=morgen", 400),
    "/kurse/{open}/",
    "/kurse/{free}/",
    "/kurse/{completed}/",
    "/ehrenamt/registrieren/",
    "/ehrenamt/registrieren/gesendet/",
    "/bescheinigung/pruefen/{code}/",
    ("/bescheinigung/pruefen/GEFAELSCHT/", 404),
]


def test_public_course_and_sign_up_pages_are_accessible(page, live_server, district, course_pages_data):
    data = course_pages_data
    violations = scan(page, live_server, VISITOR_PAGES, data, prefix="visitor")

    visit(page, live_server, "/kurse/?" + urlencode({"topic": "Sprachmittlung", "municipality": "unna"}))
    expect(page.get_by_role("status")).to_have_text("1 Kurs gefunden.")
    visit(page, live_server, "/kurse/?past=on")
    expect(
        page.get_by_role("article", name=re.compile("Grundqualifizierung Ehrenamt in der"))
    ).to_contain_text("abgeschlossen")

    # The sign-up form after a failed attempt: error summary with links to the fields.
    visit(page, live_server, "/ehrenamt/registrieren/")
    page.get_by_label(label("Ihr Name")).fill("   ")
    page.get_by_label(label("E-Mail-Adresse")).fill("keine-adresse")
    page.get_by_label(PASSWORD_LABEL).fill("kurz")
    page.get_by_label(label("Passwort wiederholen")).fill("anders")
    page.get_by_role("button", name="Registrieren").click()
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Bitte prüfen Sie Ihre Angaben")
    expect(
        errors.get_by_role("link", name="Ich habe die Datenschutzhinweise (Fassung 2026-1) gelesen.")
    ).to_be_visible()
    violations += axe_violations(page)
    save_screenshot(page, "visitor_signup_errors")

    # The confirmation page of a fresh sign-up, and a broken link.
    pending = signup.sign_up_volunteer(
        email="neu@example.org", full_name="Ana Souza", password="Zuckerhut-2026!", district=district
    ).user
    visit(page, live_server, signup.confirmation_path(pending))
    expect(page.get_by_role("button", name="E-Mail-Adresse bestätigen")).to_be_visible()
    violations += axe_violations(page)
    save_screenshot(page, "visitor_confirm")
    visit(page, live_server, "/ehrenamt/bestaetigen/kaputt/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dieser Bestätigungslink funktioniert nicht")
    violations += axe_violations(page)
    assert_none(violations)


VOLUNTEER_PAGES = [
    "/mein-bereich/",
    "/ehrenamt/",
    "/kurse/{open}/",
    "/kurse/{completed}/",
    "/ehrenamt/profil/",
    "/ehrenamt/konto-loeschen/",
    "/ehrenamt/einwilligungen/neuzugewandert/widerrufen/",
    "/ehrenamt/einwilligungen/datenschutzhinweise/widerrufen/",
    "/ehrenamt/anmeldungen/{seat}/abmelden/",  # the confirmation page
]


def test_volunteer_pages_are_accessible(page, new_context, live_server, course_pages_data):
    data = course_pages_data
    login(page, live_server, data.maryam.email, PASSWORD)
    violations = scan(page, live_server, VOLUNTEER_PAGES, data, prefix="volunteer")
    visit(page, live_server, "/kurse/{open}/".format(**vars(data)))
    expect(page.get_by_role("region", name="Anmeldung")).to_contain_text("Ihr Stand: angemeldet")
    visit(page, live_server, "/ehrenamt/")
    expect(page.get_by_role("region", name="Meine Qualifikationen")).to_contain_text(QUALIFICATION)
    expect(page.get_by_role("link", name=data.code)).to_be_visible()

    # The profile after a failed attempt: the name is required.
    visit(page, live_server, "/ehrenamt/profil/")
    page.get_by_label(label("Ihr Name")).fill("")
    page.get_by_role("button", name="Profil speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte geben Sie Ihren Namen an.")
    violations += axe_violations(page)
    save_screenshot(page, "volunteer_profile_errors")

    # Olga waits; Ahmad has a seat offered.
    for person, expected in ((data.olga, "Platz 1 der Warteliste"), (data.ahmad, "Platz annehmen")):
        other = new_context().new_page()
        login(other, live_server, person.email, PASSWORD)
        visit(other, live_server, "/kurse/{open}/".format(**vars(data)))
        expect(other.get_by_role("region", name="Anmeldung")).to_contain_text(expected)
        violations += axe_violations(other)
        save_screenshot(other, f"{person.email}_course")
        visit(other, live_server, "/ehrenamt/")
        violations += axe_violations(other)
        save_screenshot(other, f"{person.email}_my_courses")
    assert_none(violations)


TRAINER_PAGES = [
    "/mein-bereich/",
    "/kurse/{open}/teilnehmende/",
    "/kurse/{running}/teilnehmende/",
    "/kurse/{completed}/teilnehmende/",
    "/kurse/{running}/termine/{running_session}/anwesenheit/",
    "/kurse/{open}/termine/{future_session}/anwesenheit/",
    "/kurse/{completed}/termine/{completed_session}/anwesenheit/",
    "/kurse/{running}/abschliessen/",  # the confirmation page
    "/kurse/{open}/abschliessen/",  # not yet possible: the reason instead of the button
]


def test_trainer_pages_are_accessible(page, live_server, course_pages_data, trainer):
    login(page, live_server, trainer.email, PASSWORD)
    violations = scan(page, live_server, TRAINER_PAGES, course_pages_data, prefix="trainer")
    visit(
        page,
        live_server,
        "/kurse/{running}/termine/{running_session}/anwesenheit/".format(**vars(course_pages_data)),
    )
    expect(page.get_by_role("group")).to_have_count(3)
    assert_none(violations)


KI_STAFF_PAGES = [
    "/kurse/verwaltung/",
    "/kurse/verwaltung/?status=published",
    "/kurse/verwaltung/neu/",
    "/kurse/{open}/bearbeiten/",
    "/kurse/{completed}/bearbeiten/",
    "/foerdernachweis/",
    "/foerdernachweis/?programme=ehrenamt-integration-praevention&year={year}",
    "/komm-an/kennzahlen/",
    "/komm-an/kennzahlen/?year={year}",
    "/ehrenamtliche/",
    "/ehrenamtliche/?language=ar&municipality=luenen",
]


def test_course_administration_pages_are_accessible(page, live_server, course_pages_data, ki_staff):
    login(page, live_server, ki_staff.email, PASSWORD)
    violations = scan(page, live_server, KI_STAFF_PAGES, course_pages_data, prefix="ki_staff")

    visit(page, live_server, "/ehrenamtliche/?language=ar&municipality=luenen")
    results = page.get_by_role("table", name="1 Ehrenamtliche*r gefunden")
    expect(results.get_by_role("row", name=re.compile("مريم حداد"))).to_contain_text("Arabisch")
    visit(
        page,
        live_server,
        "/foerdernachweis/?programme=ehrenamt-integration-praevention&year={year}".format(
            **vars(course_pages_data)
        ),
    )
    expect(page.get_by_role("row", name=re.compile("Grundqualifizierung Ehrenamt in der"))).to_be_visible()

    # The course form after a failed attempt.
    visit(page, live_server, "/kurse/verwaltung/neu/")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie Ihre Angaben")
    violations += axe_violations(page)
    save_screenshot(page, "ki_staff_course_form_errors")
    assert_none(violations)


def test_course_pages_reflow_at_320_px_without_horizontal_scrolling(
    page, new_context, live_server, course_pages_data, trainer, ki_staff
):
    """WCAG 1.4.10: at 320 CSS pixels only data tables may scroll, inside their own box."""
    data = course_pages_data
    too_wide, violations = [], []

    def check(person_page, path):
        visit(person_page, live_server, path.format(**vars(data)))
        expect(person_page.locator("h1")).to_be_visible()
        overflow = horizontal_overflow(person_page)
        if overflow > 0:
            too_wide.append(f"{path} (+{overflow} px)")
        # Tables that scroll in their own box must be reachable by keyboard (scrollable-region-focusable).
        violations.extend(axe_violations(person_page))
        save_screenshot(person_page, f"320px{path}")

    visitor = page
    visitor.set_viewport_size({"width": 320, "height": 640})
    for path in ("/kurse/", "/kurse/{open}/"):
        check(visitor, path)
    for user, paths in (
        (data.maryam, ["/ehrenamt/"]),
        (data.ahmad, ["/ehrenamt/"]),
        (
            trainer,
            ["/kurse/{running}/termine/{running_session}/anwesenheit/", "/kurse/{running}/teilnehmende/"],
        ),
        (ki_staff, ["/kurse/verwaltung/"]),
    ):
        person = new_context().new_page()
        person.set_viewport_size({"width": 320, "height": 640})
        login(person, live_server, user.email, PASSWORD)
        for path in paths:
            check(person, path)
    assert not too_wide, "Pages wider than the screen: " + ", ".join(too_wide)
    assert_none(violations)
