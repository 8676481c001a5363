"""Every PDF of the course office is tagged PDF/UA-1 (checked by pdfua and pdfinfo)."""

from __future__ import annotations

from django.urls import reverse

from kreisintegration.tests.pdf_checks import assert_accessible_pdf
from volunteers.tests.figures_data import EVIDENCE_QUERY


def test_participant_list_pdf_is_tagged_pdf_ua(client, trainer, listed_course):
    client.force_login(trainer)
    url = reverse("volunteers:participants_export", kwargs={"pk": listed_course.pk, "fmt": "pdf"})
    response = client.get(url)
    assert response.status_code == 200
    assert_accessible_pdf(response.content, title="Teilnahmeliste")


def test_certificate_pdf_is_tagged_pdf_ua(client, certified):
    client.force_login(certified.volunteer.user)
    url = reverse("volunteers:certificate", kwargs={"pk": certified.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert_accessible_pdf(response.content, title="Teilnahmebescheinigung")


def test_course_evidence_pdf_is_tagged_pdf_ua(client, ki_staff, certified):
    client.force_login(ki_staff)
    url = reverse("volunteers:course_evidence", kwargs={"pk": certified.course.pk, "fmt": "pdf"})
    response = client.get(url)
    assert response.status_code == 200
    assert_accessible_pdf(response.content, title="Fördernachweis")


def test_programme_evidence_pdf_is_tagged_pdf_ua(client, ki_staff, year):
    client.force_login(ki_staff)
    response = client.get(reverse("volunteers:evidence"), {**EVIDENCE_QUERY, "format": "pdf"})
    assert response.status_code == 200
    assert_accessible_pdf(response.content, title="Fördernachweis KOMM-AN NRW Programmteil II 2025")


def test_certificate_shows_the_district_logo_with_its_alternative_text(client, certified, settings, tmp_path):
    import io

    import pikepdf
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kreisintegration.tests.pdf_checks import struct_elements
    from municipalities.tests.factories import GOOD_SVG

    settings.MEDIA_ROOT = tmp_path / "media"
    district = certified.course.district
    district.logo = SimpleUploadedFile("logo.svg", GOOD_SVG)
    district.logo_alt = "Wappen des Kreises Unna"
    district.full_clean()
    district.save()
    client.force_login(certified.volunteer.user)
    response = client.get(reverse("volunteers:certificate", kwargs={"pk": certified.pk}))
    assert_accessible_pdf(response.content, title="Teilnahmebescheinigung")
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        alts = [str(e.Alt) for e in struct_elements(pdf) if str(e.S) == "/Figure"]
    assert alts == ["Wappen des Kreises Unna"]
