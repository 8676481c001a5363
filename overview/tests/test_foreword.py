"""The KI's foreword to the concept report, and the warning about texts that are still empty."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from overview import texts
from overview.models import ReportForeword
from overview.tests.report_fixtures import built_pdf, pdf_pages

pytestmark = pytest.mark.usefixtures("media_root")

FOREWORD = "Liebe Mitglieder des Ausschusses,\n\nim Jahr 2025 haben die Kommunen des Kreises viel erreicht."


def post_texts(client, year: int, foreword: str):
    return client.post(
        reverse("overview:texts", kwargs={"year": year}),
        {
            "texts-TOTAL_FORMS": "0",
            "texts-INITIAL_FORMS": "0",
            "texts-MIN_NUM_FORMS": "0",
            "texts-MAX_NUM_FORMS": "500",
            "foreword-text": foreword,
        },
    )


def test_foreword_is_saved_on_the_texts_page_and_opens_the_report(client, year2025):
    client.force_login(year2025.staff)
    response = post_texts(client, 2025, FOREWORD)
    assert response.status_code == 302
    assert texts.foreword_of(district=year2025.district, year=2025) == FOREWORD
    page = client.get(reverse("overview:texts", kwargs={"year": 2025})).content.decode()
    assert "im Jahr 2025 haben die Kommunen" in page

    pages = [" ".join(page.split()) for page in pdf_pages(built_pdf(year2025))]
    assert pages[1].startswith("Vorwort Liebe Mitglieder des Ausschusses")
    assert "Kommunales Integrationszentrum Kreis Unna" in pages[1]
    toc = next(page for page in pages if page.startswith("Inhalt"))
    assert "Vorwort" in toc


def test_too_long_foreword_is_refused_with_a_german_message_and_nothing_saved(client, year2025):
    client.force_login(year2025.staff)
    response = post_texts(client, 2025, "x" * 20_001)
    assert response.status_code == 200
    assert "höchstens 20000 Zeichen" in response.content.decode().replace(".", "")
    assert not ReportForeword.objects.exists()


def test_only_ki_staff_of_the_district_may_write_the_foreword(year2025, contact_unna):
    with pytest.raises(PermissionDenied):
        texts.save_foreword(by=contact_unna, district=year2025.district, year=2025, text="Hallo")
    assert not ReportForeword.objects.exists()


def test_report_page_warns_which_texts_are_still_empty(client, year2025):
    client.force_login(year2025.staff)
    year = timezone.localdate().year
    page = client.get(reverse("overview:reports")).content.decode()
    assert 'id="missing-texts"' in page
    assert "<li>Vorwort</li>" in page
    assert "<li>Sprache &amp; Bildung: Ausgangslage, Ziele, Handlungsempfehlungen</li>" in page

    texts.save_foreword(by=year2025.staff, district=year2025.district, year=year, text=FOREWORD)
    page = client.get(reverse("overview:reports")).content.decode()
    assert "<li>Vorwort</li>" not in page
    assert "Sprache &amp; Bildung: Ausgangslage" in page
