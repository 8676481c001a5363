"""Receipt files of a proof of use: checked by content and size, stored under random names outside
any public URL, served only to the organisation and the district's KI staff, removable while the
proof is editable, part of the uploader's own data."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import AuditEvent

from .. import services
from ..models import Application, ProofOfUse, ReceiptFile
from .factories import (
    PDF_BYTES,
    make_application,
    make_contract,
    make_organisation,
    make_proof,
    make_receipt_file,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def contracted(district):
    organisation = make_organisation(district)
    return make_contract(
        make_application(organisation, status=Application.Status.APPROVED, advice=True)
    ).application


def image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format=image_format)
    return buffer.getvalue()


def upload_url(application) -> str:
    return reverse("engagement:receipt_file_upload", kwargs={"pk": application.pk})


def post_file(client, application, name, content, description="Rechnung Schreibwaren"):
    return client.post(
        upload_url(application), {"file": SimpleUploadedFile(name, content), "description": description}
    )


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Rechnung März.pdf", PDF_BYTES, ReceiptFile.Kind.PDF),
        ("quittung.JPG", image_bytes("JPEG"), ReceiptFile.Kind.JPEG),
        ("kassenbon.png", image_bytes("PNG"), ReceiptFile.Kind.PNG),
    ],
)
def test_member_uploads_a_receipt_that_is_stored_under_a_random_name(client, contracted, name, content, kind):
    client.force_login(member_of(contracted.organisation))

    response = post_file(client, contracted, name, content)

    assert response.status_code == 302
    receipt_file = ReceiptFile.objects.get()
    assert (receipt_file.kind, receipt_file.original_name, receipt_file.size) == (kind, name, len(content))
    assert receipt_file.proof.status == ProofOfUse.Status.DRAFT  # a draft proof was started
    assert name not in receipt_file.file.name and receipt_file.file.name.startswith("engagement/receipts/")
    with default_storage.open(receipt_file.file.name) as stored:
        assert stored.read() == content
    page = client.get(reverse("engagement:proof_detail", kwargs={"pk": contracted.pk})).content.decode()
    assert name in page and "Entfernen" in page


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rechnung.pdf", b"<html><script>alert(1)</script></html>"),  # a web page named .pdf
        ("rechnung.pdf", image_bytes("PNG")),  # a PNG named .pdf
        ("foto.png", image_bytes("JPEG")),  # a JPEG named .png
        ("rechnung.pdf", b"%PDF-1.4 cut off in the middle"),  # no end marker
        ("bild.gif", image_bytes("GIF")),  # another image format
        ("rechnung.exe", PDF_BYTES),  # a right content under a wrong suffix
        ("leer.pdf", b""),
    ],
)
def test_files_that_are_not_really_pdf_jpeg_or_png_are_refused(client, contracted, name, content):
    client.force_login(member_of(contracted.organisation))

    response = post_file(client, contracted, name, content)

    assert response.status_code == 200
    assert response.context["form"].errors["file"]  # the message stands at the file field
    assert not ReceiptFile.objects.exists()


def test_a_file_above_the_limit_is_refused_with_the_limit_named(client, contracted, settings):
    settings.ENGAGEMENT_RECEIPT_MAX_BYTES = 1024 * 1024
    client.force_login(member_of(contracted.organisation))

    response = post_file(client, contracted, "gross.pdf", PDF_BYTES[:-6] + b" " * (1024 * 1024) + b"%%EOF\n")

    assert response.status_code == 200
    assert "höchstens 1 MB" in response.content.decode()
    assert not ReceiptFile.objects.exists()


def test_organisation_and_ki_staff_download_the_file_and_the_public_media_path_does_not_serve_it(
    client, contracted, ki_staff
):
    proof = make_proof(contracted)
    receipt_file = make_receipt_file(proof)
    url = reverse("engagement:receipt_file", kwargs={"pk": contracted.pk, "file_pk": receipt_file.pk})
    for user in (member_of(contracted.organisation), ki_staff):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert f'filename="beleg-{contracted.pk}-{receipt_file.pk}.pdf"' in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF_BYTES
    assert client.get("/media/" + receipt_file.file.name).status_code == 404


def test_another_organisations_file_is_not_found_even_through_the_own_application(
    client, contracted, district
):
    other = make_contract(
        make_application(
            make_organisation(district, name="Ukrainischer Verein Schwerte"),
            status=Application.Status.APPROVED,
        )
    ).application
    foreign = make_receipt_file(make_proof(other))
    client.force_login(member_of(contracted.organisation))
    make_proof(contracted, status=ProofOfUse.Status.DRAFT)

    own_application_foreign_file = reverse(
        "engagement:receipt_file", kwargs={"pk": contracted.pk, "file_pk": foreign.pk}
    )
    assert client.get(own_application_foreign_file).status_code == 404
    delete = reverse("engagement:receipt_file_delete", kwargs={"pk": contracted.pk, "file_pk": foreign.pk})
    assert client.post(delete).status_code == 404
    assert ReceiptFile.objects.filter(pk=foreign.pk).exists()


def test_member_removes_a_file_while_the_proof_is_editable(
    client, contracted, django_capture_on_commit_callbacks
):
    receipt_file = make_receipt_file(make_proof(contracted, status=ProofOfUse.Status.DRAFT))
    stored = receipt_file.file.name
    client.force_login(member_of(contracted.organisation))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "engagement:receipt_file_delete", kwargs={"pk": contracted.pk, "file_pk": receipt_file.pk}
            )
        )

    assert response.status_code == 302
    assert not ReceiptFile.objects.exists()
    assert not default_storage.exists(stored)


def test_a_submitted_proof_takes_no_files_and_loses_none(client, contracted):
    receipt_file = make_receipt_file(make_proof(contracted, status=ProofOfUse.Status.SUBMITTED))
    member = member_of(contracted.organisation)

    with pytest.raises(ValidationError):
        services.add_receipt_file(
            by=member, application=contracted, upload=SimpleUploadedFile("neu.pdf", PDF_BYTES)
        )
    with pytest.raises(ValidationError):
        services.remove_receipt_file(by=member, application=contracted, receipt_file=receipt_file)
    client.force_login(member)
    response = client.post(
        reverse("engagement:receipt_file_delete", kwargs={"pk": contracted.pk, "file_pk": receipt_file.pk})
    )
    assert response.status_code == 302
    assert ReceiptFile.objects.filter(pk=receipt_file.pk).exists()
    assert default_storage.exists(receipt_file.file.name)


def test_uploaded_files_are_in_the_uploaders_own_data_export(client, contracted):
    make_receipt_file(make_proof(contracted, status=ProofOfUse.Status.DRAFT), name="Quittung Ольга.pdf")
    client.force_login(member_of(contracted.organisation))

    data = json.loads(client.get(reverse("volunteers:data_export")).content)

    [item] = data["receipt_files_uploaded"]
    assert item["original_name"] == "Quittung Ольга.pdf" and item["application"] == contracted.title
    assert (item["file_type"], item["size_bytes"], item["description"]) == (
        "PDF",
        len(PDF_BYTES),
        "Rechnung Material",
    )
    assert "uploaded_at" in item
    page = client.get(reverse("volunteers:own_data")).content.decode()
    assert "Von Ihnen hochgeladene Belege" in page and "Quittung Ольга.pdf" in page


def test_submitting_the_proof_is_in_the_audit_log(contracted, django_capture_on_commit_callbacks):
    proof = make_proof(contracted, status=ProofOfUse.Status.DRAFT)
    make_receipt_file(proof)
    member = member_of(contracted.organisation)

    services.submit_proof(by=member, application=contracted)

    entry = AuditEvent.objects.get(action=AuditEvent.Action.SUBMITTED_FOR_REVIEW)
    assert (entry.actor, entry.object_type, entry.object_id) == (
        member,
        "engagement.proofofuse",
        str(proof.pk),
    )
    assert (entry.district_id, entry.details) == (
        contracted.organisation.district_id,
        {"receipts": 2, "files": 1},
    )
