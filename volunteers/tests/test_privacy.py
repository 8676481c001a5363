"""Consent records, withdrawal, and retention (anonymising old course participants and inactive volunteers)."""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts import consents
from accounts.models import ConsentRecord, User
from municipalities.models import District, DistrictRole, Membership
from overview.figures import compute_figures
from volunteers import figures as volunteer_figures
from volunteers import retention, tasks
from volunteers.models import (
    NEWCOMER_CONSENT_VERSION,
    PRIVACY_NOTICE_VERSION,
    Attendance,
    Course,
    CourseSession,
    Qualification,
    Registration,
    RetainedNewcomerCount,
    Volunteer,
    VolunteerQualification,
)
from volunteers.selfservice import signup
from volunteers.selfservice.deletion import DELETED_NAME, delete_volunteer_account
from volunteers.selfservice.profile import save_volunteer_profile
from volunteers.tests.factories import make_course, make_volunteer

R = Registration.Status
PROFILE = reverse("volunteers:profile")
WITHDRAW_NEWCOMER = reverse("volunteers:withdraw_consent", kwargs={"kind": "neuzugewandert"})
WITHDRAW_PRIVACY = reverse("volunteers:withdraw_consent", kwargs={"kind": "datenschutzhinweise"})
ZONE = timezone.get_default_timezone()


def newcomer(district, **fields) -> Volunteer:
    return make_volunteer(district, came_as_newcomer=True, **fields)


# --- consent records -----------------------------------------------------------------


def test_signup_records_the_privacy_notice_consent_with_version(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = signup.sign_up_volunteer(
            email="sengul@example.org",
            full_name="Şengül Yıldız",
            password="x-Ü9!lang-genug",
            district=district,
        )
    record = ConsentRecord.objects.get(user=result.user)
    assert record.kind == ConsentRecord.Kind.PRIVACY_NOTICE
    assert record.text_version == PRIVACY_NOTICE_VERSION
    assert record.source == ConsentRecord.Source.SIGNUP
    assert record.given_at == result.user.volunteer.privacy_consent_at
    assert record.is_current


def test_record_consent_is_idempotent_and_a_new_version_supersedes(volunteer):
    first = consents.current_consent(user=volunteer, kind=consents.Kind.PRIVACY_NOTICE)
    again = consents.record_consent(
        user=volunteer, kind=consents.Kind.PRIVACY_NOTICE, version=PRIVACY_NOTICE_VERSION
    )
    assert again.pk == first.pk
    newer = consents.record_consent(user=volunteer, kind=consents.Kind.PRIVACY_NOTICE, version="2099-1")
    first.refresh_from_db()
    assert first.superseded_at is not None and first.withdrawn_at is None
    assert consents.current_consent(user=volunteer, kind=consents.Kind.PRIVACY_NOTICE) == newer


def test_giving_the_newcomer_consent_in_the_profile_writes_a_record(client, volunteer):
    client.force_login(volunteer)
    response = client.post(
        PROFILE,
        {
            "full_name": volunteer.full_name,
            "municipality": "",
            "phone": "",
            "availability": "",
            "came_as_newcomer": "on",
            "newcomer_consent": "on",
            "languages-TOTAL_FORMS": "0",
            "languages-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    record = consents.current_consent(user=volunteer, kind=consents.Kind.NEWCOMER_STATUS)
    assert record.text_version == NEWCOMER_CONSENT_VERSION
    assert record.given_at == Volunteer.objects.get(user=volunteer).newcomer_consent_at


def test_profile_lists_my_consents_with_version_and_withdraw_links(client, district):
    profile = newcomer(district, email="neu@example.org", full_name="Ahmad Al-Hassan")
    client.force_login(profile.user)
    html = client.get(PROFILE).content.decode()
    assert "Meine Einwilligungen" in html
    assert f"(Einwilligungstext Fassung {NEWCOMER_CONSENT_VERSION})" in html
    assert WITHDRAW_NEWCOMER in html and WITHDRAW_PRIVACY in html
    assert html.count("<td>2026-1</td>") == 2


def test_withdrawing_the_newcomer_consent_removes_the_flag_everywhere(client, district):
    profile = newcomer(district, email="neu@example.org", full_name="Ahmad Al-Hassan")
    open_registration = Registration.objects.create(
        course=make_course(district), volunteer=profile, status=R.REGISTERED, counts_as_newcomer=True
    )
    past = Registration.objects.create(
        course=make_course(
            district, title="Vergangen", starts_in=timedelta(days=-30), status=Course.Status.COMPLETED
        ),
        volunteer=profile,
        status=R.ATTENDED,
        counts_as_newcomer=True,
    )
    client.force_login(profile.user)
    page = client.get(WITHDRAW_NEWCOMER)
    assert page.status_code == 200
    assert "nicht zurückgeholt werden" in page.content.decode()
    assert Volunteer.objects.get(pk=profile.pk).came_as_newcomer  # GET changes nothing

    response = client.post(WITHDRAW_NEWCOMER)
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.came_as_newcomer, profile.newcomer_consent_at, profile.newcomer_consent_version) == (
        False,
        None,
        "",
    )
    assert not Registration.objects.filter(
        pk__in=[open_registration.pk, past.pk], counts_as_newcomer=True
    ).exists()
    record = ConsentRecord.objects.get(user=profile.user, kind=ConsentRecord.Kind.NEWCOMER_STATUS)
    assert record.withdrawn_at is not None
    # Evidence generated from now on does not count the person.
    assert volunteer_figures.course_evidence(past.course).newcomers == 0
    # A second POST is harmless.
    assert client.post(WITHDRAW_NEWCOMER).status_code == 302
    assert ConsentRecord.objects.filter(user=profile.user).count() == 2


def test_unticking_in_the_profile_also_closes_the_record(client, district):
    profile = newcomer(district, email="neu@example.org", full_name="Ahmad Al-Hassan")
    save_volunteer_profile(
        user=profile.user,
        full_name="Ahmad Al-Hassan",
        municipality=None,
        phone="",
        availability="",
        interests=[],
        languages=[],
        came_as_newcomer=False,
        newcomer_consent=False,
    )
    assert consents.current_consent(user=profile.user, kind=consents.Kind.NEWCOMER_STATUS) is None
    assert ConsentRecord.objects.get(user=profile.user, kind="newcomer_status").withdrawn_at is not None


def test_withdrawing_the_privacy_notice_leads_to_account_deletion_and_deletes_nothing_itself(
    client, volunteer
):
    client.force_login(volunteer)
    page = client.get(WITHDRAW_PRIVACY)
    assert page.status_code == 200
    assert "Konto wird gelöscht" in page.content.decode()
    response = client.post(WITHDRAW_PRIVACY)
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:delete_account")
    volunteer.refresh_from_db()
    assert volunteer.is_active
    assert consents.current_consent(user=volunteer, kind=consents.Kind.PRIVACY_NOTICE) is not None


def test_unknown_consent_kind_is_not_found(client, volunteer):
    client.force_login(volunteer)
    url = reverse("volunteers:withdraw_consent", kwargs={"kind": "foto"})
    assert client.get(url).status_code == 404


def test_deleting_the_account_keeps_the_consent_records_without_the_person(district):
    profile = newcomer(district, email="neu@example.org", full_name="Ahmad Al-Hassan")
    user = profile.user
    delete_volunteer_account(user=user)
    records = {record.kind: record for record in ConsentRecord.objects.filter(user=user)}
    user.refresh_from_db()
    assert user.full_name == DELETED_NAME and user.email.endswith("@invalid")
    assert records["privacy_notice"].withdrawn_at is not None
    # The anonymous newcomer count stays (as before) and so does the evidence of its consent.
    assert records["newcomer_status"].is_current


def test_data_migration_creates_records_from_profile_fields(district):
    migration = importlib.import_module("volunteers.migrations.0003_consent_records_from_profiles")
    profile = newcomer(district, email="alt@example.org", full_name="Ольга Петрова")
    ConsentRecord.objects.filter(user=profile.user).delete()
    migration.create_records(apps, None)
    migration.create_records(apps, None)  # running twice adds nothing
    records = ConsentRecord.objects.filter(user=profile.user)
    assert {(r.kind, r.text_version, r.given_at, r.source) for r in records} == {
        ("privacy_notice", "2026-1", profile.privacy_consent_at, "migration"),
        ("newcomer_status", "2026-1", profile.newcomer_consent_at, "migration"),
    }


def test_export_contains_the_consent_records(client, volunteer):
    client.force_login(volunteer)
    data = client.get(reverse("volunteers:data_export")).json()
    assert data["consent_records"][0]["kind"] == "privacy_notice"
    assert data["consent_records"][0]["text_version"] == PRIVACY_NOTICE_VERSION


# --- retention: course participants ----------------------------------------------------


def old_course(district, *, year: int, title: str, qualification=None, trainer=None) -> Course:
    start = datetime(year, 3, 3, 18, tzinfo=ZONE)
    course = Course.objects.create(
        district=district,
        title=title,
        topic="Rolle und Grenzen des Ehrenamts",
        capacity=10,
        registration_closes=start - timedelta(days=2),
        teaching_units=Decimal("8"),
        status=Course.Status.COMPLETED,
        qualification=qualification,
    )
    for week in range(2):
        begin = start + timedelta(days=7 * week)
        CourseSession.objects.create(course=course, start=begin, end=begin + timedelta(hours=3))
    if trainer:
        course.trainers.add(trainer)
    return course


def take_part(course, volunteer, *, status=R.ATTENDED, present=(True, True)) -> Registration:
    registration = Registration.objects.create(
        course=course, volunteer=volunteer, status=status, counts_as_newcomer=volunteer.counts_as_newcomer
    )
    for session, here in zip(course.sessions.order_by("start"), present, strict=False):
        Attendance.objects.create(registration=registration, session=session, present=here)
    if status == R.ATTENDED and course.qualification_id:
        VolunteerQualification.objects.get_or_create(
            volunteer=volunteer, qualification=course.qualification, defaults={"course": course}
        )
    return registration


@pytest.fixture
def history(district, unna, luenen, trainer):
    """Courses from 2019 to 2022; people who took part in several of them."""
    qualification = Qualification.objects.create(district=district, name="Grundqualifizierung", slug="grund")
    amira = newcomer(district, municipality=unna, email="amira@example.org", full_name="Amira Haddad")
    yonas = newcomer(district, municipality=luenen, email="yonas@example.org", full_name="Yonas Tesfaye")
    marie = make_volunteer(district, municipality=unna, email="marie@example.org", full_name="Marie Schulte")
    Volunteer.objects.filter(pk__in=[amira.pk, yonas.pk, marie.pk]).update(
        created_at=datetime(2018, 5, 1, tzinfo=ZONE)
    )
    for profile in (amira, yonas, marie):
        profile.refresh_from_db()
    c2019 = old_course(
        district, year=2019, title="Grundkurs 2019", qualification=qualification, trainer=trainer
    )
    c2019b = old_course(district, year=2019, title="Aufbaukurs 2019")
    c2020 = old_course(district, year=2020, title="Grundkurs 2020", qualification=qualification)
    c2021 = old_course(district, year=2021, title="Grundkurs 2021")
    take_part(c2019, amira)
    take_part(c2019b, amira, present=(True, False))
    take_part(c2019, marie, status=R.NO_SHOW, present=(False, False))
    take_part(c2020, yonas)
    take_part(c2020, marie)
    take_part(c2021, yonas)
    take_part(c2021, amira)
    Registration.objects.create(course=c2020, volunteer=marie, status=R.CANCELLED)
    return {"courses": [c2019, c2019b, c2020, c2021], "people": [amira, yonas, marie], "trainer": trainer}


def all_figures(district) -> dict:
    districts = District.objects.filter(pk=district.pk)
    result = {}
    for year in range(2018, 2027):
        komm_an = volunteer_figures.komm_an_figures(districts=districts, year=year)
        overview = compute_figures(district=district, year=year)
        overview.pop("generated_at")
        result[year] = {
            "totals": komm_an.totals,
            "qualified": komm_an.qualified,
            "without_municipality": komm_an.qualified_without_municipality,
            "newcomers": komm_an.newcomers,
            "municipalities": [(m.slug, m.qualified, m.newly_qualified) for m in komm_an.municipalities],
            "qualifications": [
                (q.slug, q.holders_count, q.new_holders_count) for q in komm_an.qualifications
            ],
            "evidence": [
                (c.pk, c.participant_count, c.newcomer_count, c.volunteer_count, c.present_count)
                for c in volunteer_figures.evidence_courses(districts=districts, year=year)
            ],
            "overview": overview,
        }
    return result


def test_figures_are_the_same_before_and_after_anonymising_old_participants(district, history):
    c2019, c2019b, c2020, c2021 = history["courses"]
    before = all_figures(district)
    assert before[2019]["newcomers"]["active"] == 1 and before[2020]["newcomers"]["active"] == 1
    assert before[2019]["totals"]["participants"] == 3

    now = datetime(2026, 1, 2, 4, tzinfo=ZONE)
    report = retention.apply_retention(now=now)

    assert {row[0] for row in report.courses} == {c2019.pk, c2019b.pk, c2020.pk}
    assert report.registrations == 6  # the cancelled registration of 2020 too
    assert all_figures(district) == before
    assert RetainedNewcomerCount.objects.get(district=district, year=2019).active_newcomers == 1
    # Nobody is linked to the old courses any more; the 2021 course is kept.
    for course in (c2019, c2019b, c2020):
        assert not course.registrations.filter(volunteer__user__isnull=False).exists()
    assert c2021.registrations.filter(volunteer__user__isnull=False).count() == 2
    # Each old registration got its own anonymous profile: old courses of one person are not linkable.
    placeholders = Volunteer.objects.filter(registrations__course__in=[c2019, c2019b, c2020])
    assert placeholders.count() == 6 and placeholders.distinct().count() == 6
    assert not placeholders.filter(anonymised_at__isnull=True).exists()
    # The people keep their accounts, profiles and qualifications.
    amira = Volunteer.objects.get(pk=history["people"][0].pk)
    assert amira.user.is_active and amira.came_as_newcomer
    assert amira.qualifications.count() == 1
    assert list(amira.registrations.values_list("course", flat=True)) == [c2021.pk]


def test_anonymising_twice_changes_nothing(district, history):
    now = datetime(2026, 1, 2, 4, tzinfo=ZONE)
    retention.apply_retention(now=now)
    after_first = all_figures(district)
    second = retention.apply_retention(now=now)
    assert second.courses == [] and second.registrations == 0
    assert all_figures(district) == after_first
    assert RetainedNewcomerCount.objects.get(district=district, year=2019).active_newcomers == 1


def test_retention_period_ends_on_31_december_of_the_fifth_year(district, history):
    c2019, c2019b, c2020, _c2021 = history["courses"]
    on_new_years_eve = datetime(2025, 12, 31, 23, 30, tzinfo=ZONE)
    assert {c.pk for c in retention.courses_due(now=on_new_years_eve)} == {c2019.pk, c2019b.pk}
    on_new_year = datetime(2026, 1, 1, 0, 30, tzinfo=ZONE)
    assert {c.pk for c in retention.courses_due(now=on_new_year)} == {c2019.pk, c2019b.pk, c2020.pk}


def test_participant_list_of_an_anonymised_course_shows_anonymised(client, district, history, ki_staff):
    c2019 = history["courses"][0]
    retention.apply_retention(now=datetime(2026, 1, 2, tzinfo=ZONE))
    client.force_login(ki_staff)
    html = client.get(reverse("volunteers:participants", kwargs={"pk": c2019.pk})).content.decode()
    assert "anonymisiert" in html
    assert "Amira" not in html and "Marie" not in html


def test_participant_export_of_an_anonymised_course_names_nobody(client, district, history, ki_staff):
    c2019 = history["courses"][0]
    retention.apply_retention(now=datetime(2026, 1, 2, tzinfo=ZONE))
    client.force_login(ki_staff)
    response = client.get(reverse("volunteers:participants_export", kwargs={"pk": c2019.pk, "fmt": "csv"}))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert text.count("anonymisiert") == 2
    assert "amira@example.org" not in text and "Marie" not in text


def test_dry_run_changes_nothing_and_lists_what_would_be_done(district, history):
    c2019 = history["courses"][0]
    links = list(Registration.objects.values_list("pk", "volunteer_id"))
    report = retention.apply_retention(now=datetime(2026, 1, 2, tzinfo=ZONE), dry_run=True)
    assert report.registrations == 6
    # Amira (2019) and Yonas (2020) would drop out of "active newcomers" without the kept count.
    assert report.retained_newcomers == {(district.pk, 2019): 1, (district.pk, 2020): 1}
    assert list(Registration.objects.values_list("pk", "volunteer_id")) == links
    assert not RetainedNewcomerCount.objects.exists()
    assert any(f"course {c2019.pk} (2019)" in line for line in report.lines())


def test_command_dry_run_and_real_run(district, history, capsys, settings):
    # The command works on "now": with a retention of 1 year, the 2021 course is due as well.
    settings.PARTICIPANT_RETENTION_YEARS = 1
    call_command("anonymise_expired", "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run: nothing was changed." in out
    assert "4 course(s), 8 registration(s) would be anonymised." in out
    assert "Grundkurs 2021" in out and "Amira" not in out
    assert Registration.objects.filter(volunteer__user__isnull=False).count() == 8

    call_command("anonymise_expired")
    out = capsys.readouterr().out
    assert "4 course(s), 8 registration(s) were anonymised." in out
    assert not Registration.objects.filter(volunteer__user__isnull=False).exists()


def test_beat_runs_the_retention_task_daily(district, history, settings):
    settings.PARTICIPANT_RETENTION_YEARS = 1
    entry = settings.CELERY_BEAT_SCHEDULE["volunteers-apply-retention"]
    assert entry["task"] == "volunteers.apply_retention"
    result = tasks.apply_retention.delay().get()
    assert result["registrations"] == 8
    assert tasks.apply_retention.delay().get()["registrations"] == 0


# --- retention: inactive volunteers ----------------------------------------------------


def make_inactive(profile: Volunteer, *, months: int = 25) -> None:
    long_ago = timezone.now() - timedelta(days=31 * months)
    Volunteer.objects.filter(pk=profile.pk).update(created_at=long_ago, email_confirmed_at=long_ago)
    User.objects.filter(pk=profile.user_id).update(last_login=long_ago)


def test_inactive_volunteer_is_warned_then_anonymised_after_the_grace_period(
    district, django_capture_on_commit_callbacks
):
    profile = make_volunteer(district, email="still@example.org", full_name="Nguyễn Thị Lan")
    active = make_volunteer(district, email="aktiv@example.org", full_name="Marie Schulte")
    make_inactive(profile)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        report = retention.apply_retention(now=now)
    assert report.warned == [profile.pk]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["still@example.org"]
    assert "Wenn Sie Ihr Konto behalten möchten, melden Sie sich einfach an" in message.body
    assert settings.SITE_URL + reverse("accounts:login") in message.body
    profile.refresh_from_db()
    assert profile.inactivity_warning_sent_at == now

    # The next days: no second mail, nothing deleted before the grace period ends.
    with django_capture_on_commit_callbacks(execute=True):
        report = retention.apply_retention(now=now + timedelta(days=29))
    assert report.warned == [] and report.anonymised_volunteers == []
    assert len(mail.outbox) == 1

    report = retention.apply_retention(now=now + timedelta(days=30))
    assert report.anonymised_volunteers == [profile.pk]
    profile.refresh_from_db()
    assert profile.user is None and profile.anonymised_at is not None
    assert not User.objects.filter(email="still@example.org").exists()
    assert Volunteer.objects.get(pk=active.pk).user.is_active


def test_a_login_after_the_warning_keeps_the_account(client, district, django_capture_on_commit_callbacks):
    profile = make_volunteer(district, email="still@example.org", full_name="Nguyễn Thị Lan")
    make_inactive(profile)
    now = timezone.now()
    retention.apply_retention(now=now - timedelta(days=5))
    profile.refresh_from_db()
    assert profile.inactivity_warning_sent_at is not None
    User.objects.filter(pk=profile.user_id).update(last_login=now - timedelta(days=1))

    report = retention.apply_retention(now=now + timedelta(days=40))
    assert report.warnings_reset == [profile.pk]
    assert report.anonymised_volunteers == []
    profile.refresh_from_db()
    assert profile.user.is_active and profile.inactivity_warning_sent_at is None


def test_a_future_course_registration_counts_as_activity(district):
    profile = make_volunteer(district, email="still@example.org", full_name="Nguyễn Thị Lan")
    make_inactive(profile)
    Registration.objects.create(course=make_course(district), volunteer=profile, status=R.REGISTERED)
    Registration.objects.filter(volunteer=profile).update(created_at=timezone.now() - timedelta(days=900))
    assert retention.apply_retention(dry_run=True).warned == []


def test_staff_contacts_and_trainers_are_never_warned(district, ki_staff, contact_unna, trainer):
    people = []
    for user in (ki_staff, contact_unna, trainer):
        people.append(make_volunteer(district, user=user))
    course_trainer = make_volunteer(district, email="kursleitung@example.org", full_name="Hamid Karimi")
    make_course(district, trainers=[course_trainer.user], starts_in=timedelta(days=-2000))
    people.append(course_trainer)
    for profile in people:
        make_inactive(profile)
    assert Membership.objects.filter(user=contact_unna).exists()
    assert DistrictRole.objects.filter(user=trainer, role=DistrictRole.Role.TRAINER).exists()
    report = retention.apply_retention(dry_run=True)
    assert report.warned == []


def test_dry_run_does_not_warn_or_mail(district, django_capture_on_commit_callbacks):
    profile = make_volunteer(district, email="still@example.org", full_name="Nguyễn Thị Lan")
    make_inactive(profile)
    with django_capture_on_commit_callbacks(execute=True):
        report = retention.apply_retention(dry_run=True)
    assert report.warned == [profile.pk]
    assert mail.outbox == []
    profile.refresh_from_db()
    assert profile.inactivity_warning_sent_at is None


# --- Datenschutz page ------------------------------------------------------------------


def test_privacy_page_describes_the_real_processing_and_settings(client, district, settings):
    settings.PARTICIPANT_RETENTION_YEARS = 6
    settings.VOLUNTEER_INACTIVITY_MONTHS = 18
    settings.VOLUNTEER_INACTIVITY_WARNING_DAYS = 21
    html = client.get(reverse("privacy")).content.decode()
    assert district.ki_email in html
    assert f"Fassung {PRIVACY_NOTICE_VERSION}" in html
    for text in (
        "bis zum Ende des 6. Jahres",
        "18 Monate lang nicht angemeldet",
        "innerhalb von 21 Tagen",
        "Art. 6 Abs. 1 lit. a DSGVO",
        "§ 3 DSG NRW",
        "keine besondere Kategorie nach Art. 9 DSGVO",
        "Meine Einwilligungen",
        "LDI NRW",
        "30 Tage nach Versand",
        "keine Fotos",
    ):
        assert text in html, text
