"""Proofs of external qualifications: upload checked by content and size, visible to the volunteer
and the district's KI staff only, confirmed (the qualification counts, with its expiry) or rejected
with a reason, mailed, logged, exported and deleted with the account."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import AuditEvent
from municipalities.models import DistrictRole
from municipalities.tests.factories import make_district_role
from outbox.models import OutboxMail
from volunteers.models import Qualification, VolunteerQualification
from volunteers.own_data_document import is_labelled
from volunteers.selfservice.deletion import delete_volunteer_account
from volunteers.selfservice.export import export_own_data
from volunteers.tests.factories import make_volunteer

from .. import placements, qualification_proofs
from ..models import QualificationProof
from ..placements import PlacementData
from .factories import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def first_aid(district):
    return Qualification.objects.create(
        district=district, name="Erste Hilfe", slug="erste-hilfe", validity_months=24
    )


@pytest.fixture
def person(district):
    return make_volunteer(district, email="lina@example.org", full_name="Lina Haddad")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def upload(client, first_aid, name="Erste-Hilfe-Schein.pdf", content=PDF_BYTES, earned_on="2025-06-01"):
    return client.post(
        reverse("engagement:qualification_proofs"),
        {"qualification": first_aid.pk, "earned_on": earned_on, "file": SimpleUploadedFile(name, content)},
    )


def make_proof(volunteer, qualification, earned_on=date(2025, 6, 1)) -> QualificationProof:
    return qualification_proofs.upload_qualification_proof(
        by=volunteer.user,
        qualification=qualification,
        earned_on=earned_on,
        upload=SimpleUploadedFile("schein.pdf", PDF_BYTES),
    )


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("Erste-Hilfe-Schein.pdf", PDF_BYTES, "pdf"), ("schein.png", png_bytes(), "png")],
)
def test_volunteer_uploads_a_proof_stored_under_a_random_name(client, person, first_aid, name, content, kind):
    client.force_login(person.user)

    response = upload(client, first_aid, name=name, content=content)

    assert response.status_code == 302
    proof = QualificationProof.objects.get()
    assert (proof.volunteer, proof.kind, proof.original_name, proof.status) == (person, kind, name, "pending")
    assert proof.earned_on == date(2025, 6, 1)
    assert name not in proof.file.name and proof.file.name.startswith("engagement/qualification-proofs/")
    with default_storage.open(proof.file.name) as stored:
        assert stored.read() == content
    assert not VolunteerQualification.objects.exists()  # nothing counts before KI staff confirm


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("schein.pdf", b"<html><script>alert(1)</script></html>"),  # HTML named .pdf
        ("schein.png", PDF_BYTES),  # a PDF named .png
        ("schein.exe", PDF_BYTES),
        ("schein.pdf", PDF_BYTES[:-7]),  # cut off
    ],
)
def test_content_that_is_not_what_it_claims_is_refused_at_the_file_field(
    client, person, first_aid, name, content
):
    client.force_login(person.user)

    response = upload(client, first_aid, name=name, content=content)

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not QualificationProof.objects.exists()


def test_a_file_above_the_limit_is_refused_with_the_limit_named(client, person, first_aid, settings):
    settings.ENGAGEMENT_RECEIPT_MAX_BYTES = 1024 * 1024
    client.force_login(person.user)

    response = upload(client, first_aid, content=PDF_BYTES[:-6] + b" " * (1024 * 1024) + b"%%EOF\n")

    assert response.status_code == 200
    assert "höchstens 1 MB" in response.content.decode()
    assert not QualificationProof.objects.exists()


def test_future_date_and_another_districts_qualification_are_refused(person, first_aid, soest):
    other = Qualification.objects.create(district=soest, name="Juleica", slug="juleica")
    with pytest.raises(ValidationError) as refused:
        qualification_proofs.upload_qualification_proof(
            by=person.user,
            qualification=other,
            earned_on=timezone.localdate() + timedelta(days=1),
            upload=SimpleUploadedFile("schein.pdf", PDF_BYTES),
        )
    assert set(refused.value.message_dict) == {"qualification", "earned_on"}


def test_the_file_is_served_to_its_volunteer_and_ki_staff_and_nobody_else(
    client, district, person, first_aid, ki_staff, soest
):
    proof = make_proof(person, first_aid)
    url = reverse("engagement:qualification_proof_file", kwargs={"pk": proof.pk})
    for user in (person.user, ki_staff):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert f'filename="qualifikationsnachweis-{proof.pk}.pdf"' in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF_BYTES
    # Another volunteer of the same district, and KI staff of another district: not found.
    client.force_login(make_volunteer(district, email="andere@example.org").user)
    assert client.get(url).status_code == 404
    client.force_login(make_district_role(soest, DistrictRole.Role.KI_STAFF))
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("engagement:qualification_proof_review", kwargs={"pk": proof.pk})).status_code
        == 404
    )
    assert client.get("/media/" + proof.file.name).status_code == 404


def test_ki_staff_confirm_the_proof_and_it_counts_with_its_expiry(
    client, district, person, first_aid, ki_staff
):
    proof = make_proof(person, first_aid, earned_on=date(2025, 6, 1))
    client.force_login(ki_staff)
    review_url = reverse("engagement:qualification_proof_review", kwargs={"pk": proof.pk})
    page = client.get(review_url).content.decode()
    assert "Lina Haddad" in page and "31.05.2027" in page  # valid until

    response = client.post(review_url, {"decision": "confirm", "reason": ""})

    assert response.status_code == 302
    proof.refresh_from_db()
    assert (proof.status, proof.decided_by, proof.rejection_reason) == ("confirmed", ki_staff, "")
    held = VolunteerQualification.objects.get(volunteer=person, qualification=first_aid)
    assert (held.source, held.earned_on, held.valid_until) == (
        "external",
        date(2025, 6, 1),
        date(2027, 5, 31),
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVIEW_DECISION)
    assert (event.actor, event.object_id, event.district_id) == (ki_staff, str(proof.pk), district.pk)
    assert event.details == {"qualification_proof_decision": "confirmed"}
    mail = OutboxMail.objects.get(template="engagement_qualification_proof_decided")
    assert mail.recipients == ["lina@example.org"]
    assert mail.subject == "Nachweis bestätigt: Erste Hilfe"
    assert "gültig bis zum 31.05.2027" in mail.text_body
    # Decided once: a second decision is refused.
    response = client.post(review_url, {"decision": "reject", "reason": "doch nicht"}, follow=True)
    assert "schon entschieden" in response.content.decode()
    proof.refresh_from_db()
    assert proof.status == "confirmed"


def test_rejecting_needs_a_reason_which_the_volunteer_gets(client, person, first_aid, ki_staff):
    proof = make_proof(person, first_aid)
    client.force_login(ki_staff)
    review_url = reverse("engagement:qualification_proof_review", kwargs={"pk": proof.pk})

    response = client.post(review_url, {"decision": "reject", "reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]

    client.post(review_url, {"decision": "reject", "reason": "Die Bescheinigung ist nicht lesbar."})
    proof.refresh_from_db()
    assert (proof.status, proof.rejection_reason) == ("rejected", "Die Bescheinigung ist nicht lesbar.")
    assert not VolunteerQualification.objects.exists()
    mail = OutboxMail.objects.get(template="engagement_qualification_proof_decided")
    assert "Die Bescheinigung ist nicht lesbar." in mail.text_body
    client.force_login(person.user)
    assert (
        "Die Bescheinigung ist nicht lesbar."
        in client.get(reverse("engagement:qualification_proofs")).content.decode()
    )


def test_an_expired_qualification_does_not_fit_a_placement(district, unna, person, first_aid, ki_staff):
    placement = placements.publish_placement(
        by=ki_staff,
        data=PlacementData(
            municipality=unna, title="Kinderbetreuung beim Sprachkurs", description="Betreuung",
            schedule="dienstags", contact="02303 27-0", languages=[], qualifications=[first_aid],
        ),
    )  # fmt: skip
    today = timezone.localdate()
    held = VolunteerQualification.objects.create(
        volunteer=person, qualification=first_aid, earned_on=today - timedelta(days=700), valid_until=today
    )
    assert placements.matching_placements(person).get(pk=placement.pk).fits == 1  # valid through today
    held.valid_until = today - timedelta(days=1)
    held.save()
    assert placements.matching_placements(person).get(pk=placement.pk).fits == 0


def test_proofs_are_exported_and_deleted_with_the_account(
    person, first_aid, ki_staff, django_capture_on_commit_callbacks
):
    proof = make_proof(person, first_aid)
    qualification_proofs.decide_qualification_proof(
        by=ki_staff, proof=proof, confirm=False, reason="unleserlich"
    )
    [exported] = export_own_data(user=person.user)["qualification_proofs"]
    assert exported["qualification"] == "Erste Hilfe"
    assert exported["earned_on"] == "2025-06-01"
    assert exported["status"] == "rejected" and exported["rejection_reason"] == "unleserlich"
    assert all(is_labelled(key) for key in ["qualification_proofs", *exported])  # the readable form
    stored = proof.file.name

    with django_capture_on_commit_callbacks(execute=True):
        delete_volunteer_account(user=person.user)

    assert not QualificationProof.objects.exists()
    assert not default_storage.exists(stored)


def test_review_list_shows_only_the_own_districts_proofs(
    client, district, person, first_aid, ki_staff, soest
):
    make_proof(person, first_aid)
    elsewhere = soest
    other_qualification = Qualification.objects.create(district=elsewhere, name="Juleica", slug="juleica")
    make_proof(make_volunteer(elsewhere, full_name="Anderer Kreis"), other_qualification)
    client.force_login(ki_staff)
    page = client.get(reverse("engagement:qualification_proof_reviews")).content.decode()
    assert "Lina Haddad" in page and "Anderer Kreis" not in page
