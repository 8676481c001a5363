"""Consultation rules: opening, mails, comments, positions, deadline, reminders, adoption."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from concept import services_consultation as services
from concept.models import ConceptVersion, MunicipalityPosition, ReadReceipt
from concept.tasks import send_consultation_reminders
from concept.tests.factories import ConceptVersionFactory, GoalFactory, GoalIndicatorFactory
from municipalities.tests.factories import MunicipalityFactory, make_contact
from outbox.models import OutboxMail

Status = ConceptVersion.Status
Position = MunicipalityPosition.Position
TODAY = timezone.localdate()


@pytest.fixture
def version(district):
    version = ConceptVersionFactory(
        concept__district=district, title="Integrationskonzept Kreis Unna 2026–2030"
    )
    GoalIndicatorFactory(goal=GoalFactory(version=version, title="Mehr Kita-Kinder mit Sprachförderung"))
    return version


@pytest.fixture
def consulting(version, ki_staff, unna, luenen, contact_unna, contact_luenen):
    return services.open_consultation(
        by=ki_staff, version=version, deadline=TODAY + datetime.timedelta(days=30)
    )


def consultation_mails(version):
    return OutboxMail.objects.filter(template="concept_consultation_opened").order_by("pk")


def test_opening_tells_every_municipalitys_contacts_with_link_and_deadline(consulting, unna, luenen):
    mails = list(consultation_mails(consulting))
    assert sorted(mail.recipients[0] for mail in mails) == [
        "luenen-test@example.org",
        "unna-test@example.org",
    ]
    deadline = consulting.consultation_deadline.strftime("%d.%m.%Y")
    unna_mail = next(mail for mail in mails if mail.recipients == ["unna-test@example.org"])
    assert unna_mail.subject == (
        f"Beteiligung zum Integrationskonzept „Integrationskonzept Kreis Unna 2026–2030“ – Stellungnahme bis {deadline}"
    )
    link = reverse("concept:consultation_municipality", kwargs={"pk": consulting.pk, "slug": "unna"})
    assert link in unna_mail.text_body and link in unna_mail.html_body
    assert f"Frist für Ihre Stellungnahme: {deadline}" in unna_mail.text_body
    assert "Einvernehmen von Unna" in unna_mail.text_body
    assert unna_mail.district_id == unna.district_id
    consulting.refresh_from_db()
    assert consulting.status == Status.CONSULTATION and consulting.consultation_opened_at is not None


def test_deadline_must_lie_in_the_future(version, ki_staff, unna):
    with pytest.raises(ValidationError) as error:
        services.open_consultation(by=ki_staff, version=version, deadline=TODAY)
    assert "Die Frist muss in der Zukunft liegen." in error.value.messages
    version.refresh_from_db()
    assert version.status == Status.DRAFT
    assert not OutboxMail.objects.exists()


def test_only_a_draft_is_opened_and_only_by_the_districts_staff(consulting, ki_staff, contact_unna):
    with pytest.raises(ValidationError, match="Nur ein Entwurf"):
        services.open_consultation(
            by=ki_staff, version=consulting, deadline=TODAY + datetime.timedelta(days=9)
        )
    other = ConceptVersionFactory(
        concept__district__name="Kreis Soest",
        concept__district__slug="kreis-soest",
        concept__district__ags_prefix="05974",
    )
    with pytest.raises(PermissionDenied):
        services.open_consultation(by=ki_staff, version=other, deadline=TODAY + datetime.timedelta(days=9))
    with pytest.raises(PermissionDenied):
        services.open_consultation(
            by=contact_unna, version=other, deadline=TODAY + datetime.timedelta(days=9)
        )


def test_position_is_unique_per_municipality_and_version(consulting, unna, contact_unna):
    colleague = make_contact(unna, email="kollegin@example.org", full_name="Zeynep Kaya")
    services.declare_position(
        by=contact_unna, version=consulting, municipality=unna, position=Position.AGREED
    )
    with pytest.raises(ValidationError, match="bereits Stellung genommen"):
        services.declare_position(
            by=colleague, version=consulting, municipality=unna, position=Position.OBJECTION, reasons="Nein"
        )
    assert list(MunicipalityPosition.objects.values_list("position", flat=True)) == [Position.AGREED]


@pytest.mark.parametrize("position", [Position.AGREED_WITH_REMARKS, Position.OBJECTION])
def test_reasons_are_required_for_remarks_and_objection(consulting, unna, contact_unna, position):
    with pytest.raises(ValidationError) as error:
        services.declare_position(
            by=contact_unna, version=consulting, municipality=unna, position=position, reasons="   "
        )
    assert error.value.message_dict["reasons"] == [
        "Bitte begründen Sie einen Widerspruch oder nennen Sie Ihre Anmerkungen."
    ]
    assert not MunicipalityPosition.objects.exists()


def test_contact_speaks_only_for_their_own_municipality(consulting, luenen, contact_unna):
    with pytest.raises(PermissionDenied):
        services.declare_position(
            by=contact_unna, version=consulting, municipality=luenen, position=Position.AGREED
        )
    with pytest.raises(PermissionDenied):
        services.add_comment(by=contact_unna, version=consulting, municipality=luenen, text="Fremd")
    with pytest.raises(PermissionDenied):
        services.mark_draft_read(by=contact_unna, version=consulting, municipality=luenen)
    assert not MunicipalityPosition.objects.exists()


def test_nothing_is_accepted_outside_the_consultation(version, unna, contact_unna):
    with pytest.raises(ValidationError, match="keine Beteiligung"):
        services.declare_position(
            by=contact_unna, version=version, municipality=unna, position=Position.AGREED
        )
    with pytest.raises(ValidationError, match="keine Beteiligung"):
        services.add_comment(by=contact_unna, version=version, municipality=unna, text="Zu früh")
    assert not MunicipalityPosition.objects.exists()


def test_nothing_is_accepted_after_the_deadline(consulting, unna, contact_unna):
    ConceptVersion.objects.filter(pk=consulting.pk).update(
        consultation_deadline=TODAY - datetime.timedelta(days=1)
    )
    consulting.refresh_from_db()
    with pytest.raises(ValidationError, match="Frist für Stellungnahmen ist am"):
        services.declare_position(
            by=contact_unna, version=consulting, municipality=unna, position=Position.AGREED
        )
    with pytest.raises(ValidationError, match="abgelaufen"):
        services.add_comment(by=contact_unna, version=consulting, municipality=unna, text="Zu spät")
    assert not MunicipalityPosition.objects.exists()


def test_comment_on_a_goal_and_the_answer(consulting, unna, contact_unna, ki_staff):
    goal = consulting.goals.get()
    comment = services.add_comment(
        by=contact_unna, version=consulting, municipality=unna, goal=goal, text="Bitte Zielwert 20 %"
    )
    answer = services.answer_comment(by=ki_staff, comment=comment, text="Wir prüfen das.")
    assert comment.goal == goal and answer.comment == comment
    with pytest.raises(ValidationError):
        services.add_comment(by=contact_unna, version=consulting, municipality=unna, text="  ")
    with pytest.raises(PermissionDenied):
        services.answer_comment(by=contact_unna, comment=comment, text="Selbst beantwortet")


def test_comment_on_a_goal_of_another_version_is_refused(consulting, unna, contact_unna):
    foreign_goal = GoalFactory(version=ConceptVersionFactory(concept=consulting.concept))
    with pytest.raises(ValidationError) as error:
        services.add_comment(
            by=contact_unna, version=consulting, municipality=unna, goal=foreign_goal, text="x"
        )
    assert error.value.message_dict["goal"] == ["Das Ziel gehört zu einer anderen Fassung."]


def test_read_receipt_once_per_person(consulting, unna, contact_unna):
    services.mark_draft_read(by=contact_unna, version=consulting, municipality=unna)
    services.mark_draft_read(by=contact_unna, version=consulting, municipality=unna)
    assert ReadReceipt.objects.filter(version=consulting, municipality=unna).count() == 1


def reminder_mails():
    return OutboxMail.objects.filter(template="concept_consultation_reminder")


def test_reminder_a_week_before_goes_once_to_municipalities_without_position(
    consulting, unna, luenen, contact_unna, district
):
    kamen = MunicipalityFactory(district=district, name="Kamen", slug="kamen", ags="05978020")
    make_contact(kamen, email="kamen@example.org", full_name="Ana María López")
    services.declare_position(
        by=contact_unna, version=consulting, municipality=unna, position=Position.AGREED
    )
    deadline = consulting.consultation_deadline

    assert services.send_consultation_reminders(today=deadline - datetime.timedelta(days=8)) == 0
    assert services.send_consultation_reminders(today=deadline - datetime.timedelta(days=7)) == 2
    assert services.send_consultation_reminders(today=deadline - datetime.timedelta(days=7)) == 0
    assert services.send_consultation_reminders(today=deadline - datetime.timedelta(days=6)) == 0

    mails = list(reminder_mails())
    assert sorted(mail.recipients[0] for mail in mails) == ["kamen@example.org", "luenen-test@example.org"]
    luenen_mail = next(mail for mail in mails if mail.recipients == ["luenen-test@example.org"])
    assert luenen_mail.subject.startswith("Erinnerung: Stellungnahme zu „Integrationskonzept Kreis Unna")
    assert f"Die Frist endet am {deadline:%d.%m.%Y}." in luenen_mail.text_body
    assert reverse("concept:consultation_municipality", kwargs={"pk": consulting.pk, "slug": "luenen"}) in (
        luenen_mail.text_body
    )


def test_beat_task_run_twice_sends_one_mail_per_municipality(consulting, luenen, unna):
    ConceptVersion.objects.filter(pk=consulting.pk).update(
        consultation_deadline=TODAY + datetime.timedelta(days=5)
    )
    assert send_consultation_reminders.delay().get() == 2
    assert send_consultation_reminders.delay().get() == 0
    assert reminder_mails().count() == 2
    consulting.refresh_from_db()
    assert consulting.consultation_reminder_sent_at is not None


def test_adoption_refused_while_goals_lack_a_target_naming_them(version, ki_staff):
    GoalFactory(version=version, title="Mehr Ehrenamtliche mit Einwanderungsgeschichte")
    without_year = GoalFactory(version=version, title="Weniger Schulabgänge ohne Abschluss")
    GoalIndicatorFactory(goal=without_year, target_year=None)
    with pytest.raises(ValidationError) as error:
        services.adopt_version(
            by=ki_staff, version=version, adopted_on=TODAY, body="Kreistag", drucksache="DS 2026/117"
        )
    message = error.value.messages[0]
    assert "„Mehr Ehrenamtliche mit Einwanderungsgeschichte“" in message
    assert "„Weniger Schulabgänge ohne Abschluss“" in message
    assert "Mehr Kita-Kinder" not in message
    version.refresh_from_db()
    assert version.status == Status.DRAFT and version.adopted_on is None


def test_adoption_records_body_date_drucksache_and_supersedes_the_previous(
    consulting, ki_staff, unna, contact_unna
):
    previous = ConceptVersionFactory(
        concept=consulting.concept, status=Status.ADOPTED, adopted_on=datetime.date(2021, 3, 1), number=99
    )
    adopted = services.adopt_version(
        by=ki_staff, version=consulting, adopted_on=TODAY, body=" Kreistag ", drucksache="DS 2026/117"
    )
    assert (adopted.status, adopted.adopted_by_body, adopted.drucksache) == (
        Status.ADOPTED,
        "Kreistag",
        "DS 2026/117",
    )
    assert adopted.is_frozen
    previous.refresh_from_db()
    assert previous.status == Status.SUPERSEDED and previous.superseded_on == TODAY
    with pytest.raises(ValidationError, match="keine Beteiligung"):
        services.add_comment(by=contact_unna, version=adopted, municipality=unna, text="Nachträglich")


def test_adoption_needs_body_and_drucksache(version, ki_staff):
    with pytest.raises(ValidationError) as error:
        services.adopt_version(by=ki_staff, version=version, adopted_on=TODAY, body=" ", drucksache="")
    assert set(error.value.message_dict) == {"body", "drucksache"}


def test_status_changes_and_positions_are_in_the_districts_audit_log(
    consulting, unna, contact_unna, ki_staff
):
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import ModelChange

    services.declare_position(
        by=contact_unna, version=consulting, municipality=unna, position=Position.AGREED
    )
    version_changes = ModelChange.objects.filter(
        content_type=ContentType.objects.get_for_model(ConceptVersion)
    )
    assert version_changes.filter(district_id=unna.district_id, changes__has_key="status").exists()
    position_type = ContentType.objects.get_for_model(MunicipalityPosition)
    assert ModelChange.objects.filter(content_type=position_type, district_id=unna.district_id).count() == 1


def test_own_data_export_and_account_deletion_cover_comments_and_positions(consulting, unna, contact_unna):
    from volunteers.selfservice.deletion import delete_volunteer_account
    from volunteers.selfservice.export import export_own_data

    services.add_comment(by=contact_unna, version=consulting, municipality=unna, text="Mehr Abendkurse")
    services.declare_position(
        by=contact_unna,
        version=consulting,
        municipality=unna,
        position=Position.OBJECTION,
        reasons="Zu knapp",
    )
    part = export_own_data(user=contact_unna)["concept_consultation"]
    assert [c["text"] for c in part["consultation_comments"]] == ["Mehr Abendkurse"]
    assert [(p["position"], p["reasons"]) for p in part["positions_declared"]] == [("objection", "Zu knapp")]

    delete_volunteer_account(user=contact_unna)
    contact_unna.refresh_from_db()
    comment = consulting.comments.select_related("author").get()
    assert comment.author.full_name != "Şengül Yıldız" and "unna-test" not in comment.author.email
