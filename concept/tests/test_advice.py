"""Advice records: recording a meeting with follow-ups, the start-page block, scoping per municipality."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from concept import services_advice as services
from concept.models import AdviceMeeting, FollowUp
from concept.tests.factories import ConceptVersionFactory, GoalFactory

TODAY = timezone.localdate()


@pytest.fixture
def goal(district):
    return GoalFactory(
        version=ConceptVersionFactory(concept__district=district), title="Mehr Sprachkurse am Abend"
    )


@pytest.fixture
def meeting(ki_staff, unna, contact_unna, goal):
    return services.record_advice_meeting(
        by=ki_staff,
        municipality=unna,
        held_on=TODAY - datetime.timedelta(days=10),
        participants="M. Schäfer (KI), Ş. Yıldız (Integrationsbeauftragte Unna)",
        notes="Bedarf an Abendkursen besprochen.",
        topics=[goal],
        follow_ups=[
            services.FollowUpInput(
                "Raumliste an das KI schicken", contact_unna, TODAY - datetime.timedelta(days=1)
            ),
            services.FollowUpInput("Kursträger anfragen", ki_staff, TODAY + datetime.timedelta(days=14)),
        ],
    )


def test_meeting_is_recorded_with_topics_and_follow_ups(meeting, goal, contact_unna, ki_staff):
    assert list(meeting.topics.all()) == [goal]
    assert [(f.text, f.owner) for f in meeting.follow_ups.order_by("due_on")] == [
        ("Raumliste an das KI schicken", contact_unna),
        ("Kursträger anfragen", ki_staff),
    ]
    assert meeting.recorded_by == ki_staff and meeting.district_id == meeting.municipality.district_id


def test_incomplete_follow_up_and_missing_participants_save_nothing(ki_staff, unna):
    with pytest.raises(ValidationError) as error:
        services.record_advice_meeting(
            by=ki_staff,
            municipality=unna,
            held_on=TODAY,
            participants=" ",
            follow_ups=[services.FollowUpInput("Protokoll versenden", ki_staff, None)],
        )
    assert error.value.message_dict["participants"] == [
        "Bitte nennen Sie die Teilnehmenden (Namen und Funktion)."
    ]
    assert error.value.message_dict["follow_ups"] == [
        "Vereinbarung 1: Bitte geben Sie ein Fälligkeitsdatum an."
    ]
    assert not AdviceMeeting.objects.exists() and not FollowUp.objects.exists()


def test_owner_must_belong_to_the_district_or_the_municipality(ki_staff, unna, contact_luenen):
    with pytest.raises(ValidationError, match="wer zuständig ist"):
        services.record_advice_meeting(
            by=ki_staff,
            municipality=unna,
            held_on=TODAY,
            participants="M. Schäfer (KI)",
            follow_ups=[services.FollowUpInput("Fremde Aufgabe", contact_luenen, TODAY)],
        )
    assert not AdviceMeeting.objects.exists()


def test_only_ki_staff_record_meetings(contact_unna, unna):
    with pytest.raises(PermissionDenied):
        services.record_advice_meeting(by=contact_unna, municipality=unna, held_on=TODAY, participants="x")


def test_record_through_the_form(client, ki_staff, unna, contact_unna, goal):
    client.force_login(ki_staff)
    response = client.post(
        reverse("concept:advice_create", kwargs={"slug": "unna"}),
        {
            "held_on": TODAY.isoformat(),
            "participants": "M. Schäfer (KI)",
            "topics": [goal.pk],
            "follow_up_1_text": "Zahlen für 2025 nachtragen",
            "follow_up_1_owner": contact_unna.pk,
            "follow_up_1_due_on": (TODAY + datetime.timedelta(days=7)).isoformat(),
        },
    )
    meeting = AdviceMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "concept:advice_detail", kwargs={"pk": meeting.pk}
    )
    assert meeting.follow_ups.get().owner == contact_unna


def test_bad_form_input_shows_german_message_and_saves_nothing(client, ki_staff, unna):
    client.force_login(ki_staff)
    response = client.post(
        reverse("concept:advice_create", kwargs={"slug": "unna"}),
        {"held_on": (TODAY + datetime.timedelta(days=3)).isoformat(), "participants": "M. Schäfer (KI)"},
    )
    assert response.status_code == 200
    assert "Ein Gespräch in der Zukunft kann noch nicht erfasst werden." in response.content.decode()
    assert not AdviceMeeting.objects.exists()


def test_follow_ups_on_the_owners_start_page_flag_overdue_until_done(client, meeting, ki_staff, contact_unna):
    client.force_login(contact_unna)
    html = client.get(reverse("municipalities:home", kwargs={"slug": "unna"})).content.decode()
    assert "Raumliste an das KI schicken" in html and "überfällig" in html and "⚠" in html
    assert "Kursträger anfragen" not in html  # KI staff's follow-up, not hers

    client.force_login(ki_staff)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Kursträger anfragen" in html and "überfällig" not in html

    own = FollowUp.objects.get(owner=ki_staff)
    response = client.post(reverse("concept:follow_up_done", kwargs={"pk": own.pk}), {"next": "dashboard"})
    assert response["Location"] == reverse("dashboard")
    own.refresh_from_db()
    assert own.done_at is not None and own.done_by == ki_staff
    assert "Kursträger anfragen" not in client.get(reverse("dashboard")).content.decode()


def test_contact_cannot_close_someone_elses_follow_up(client, meeting, contact_unna, ki_staff):
    own = FollowUp.objects.get(owner=ki_staff)
    client.force_login(contact_unna)
    assert client.post(reverse("concept:follow_up_done", kwargs={"pk": own.pk})).status_code == 403
    own.refresh_from_db()
    assert own.done_at is None


def test_another_municipalitys_contact_gets_404_on_get_and_post(client, meeting, contact_luenen):
    client.force_login(contact_luenen)
    detail = reverse("concept:advice_detail", kwargs={"pk": meeting.pk})
    listing = reverse("concept:advice_list", kwargs={"slug": "unna"})
    for url in (detail, listing):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    follow_up = meeting.follow_ups.first()
    assert client.post(reverse("concept:follow_up_done", kwargs={"pk": follow_up.pk})).status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.done_at is None
    # Lünen's own list shows nothing of Unna's meeting.
    html = client.get(reverse("concept:advice_list", kwargs={"slug": "luenen"})).content.decode()
    assert "Abendkursen" not in html and "Raumliste" not in html


def test_contact_reads_own_municipalitys_records(client, meeting, contact_unna):
    client.force_login(contact_unna)
    html = client.get(reverse("concept:advice_detail", kwargs={"pk": meeting.pk})).content.decode()
    assert "Bedarf an Abendkursen besprochen." in html and "Mehr Sprachkurse am Abend" in html
    assert meeting.pk in [
        m.pk for m in client.get(reverse("concept:advice_list", kwargs={"slug": "unna"})).context["meetings"]
    ]
