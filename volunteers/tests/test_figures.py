"""Funding evidence and KOMM-AN figures against a small hand-made year where every number is known;
the volunteer search for language mediators.

The year 2025 of the Kreis Unna, as the office would have run it:

=====  ==========  =========================  =======  =====  ==================================
course programme   first session              sessions units  people (attendance of 4 / 2 / 1)
=====  ==========  =========================  =======  =====  ==================================
C1     KOMM-AN II  04.03.2025, weekly          4        8      Şengül* 4/4, Ahmad° 3/4, Olga 1/4,
       block D     (completed, 75 %)                           Jürgen cancelled
C2     KOMM-AN II  10.09.2025                  2        4.5    Şengül* 1 present, Maryam* waits
                   (running, capacity 1)
C3     Ehrenamt    06.05.2025 (completed)      1        3      Olga 1/1
C4     KOMM-AN II  05.11.2024 – 14.01.2025     2        6      Ahmad° (belongs to 2024)
C5     KOMM-AN II  01.06.2025, cancelled       1        3      Lan*
C6     KOMM-AN II  draft                       1        3      –
=====  ==========  =========================  =======  =====  ==================================

``*`` came as a newcomer and consented; ``°`` came as a newcomer without consent (never counted).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from municipalities.models import DistrictRole, Language
from municipalities.tests.factories import DistrictFactory, MunicipalityFactory, make_district_role
from volunteers import figures
from volunteers.models import (
    Qualification,
    Registration,
    Volunteer,
    VolunteerLanguage,
    VolunteerQualification,
)
from volunteers.tests.attendance_helpers import place_sessions
from volunteers.tests.document_helpers import pdf_text, read_xlsx
from volunteers.tests.factories import make_course, make_volunteer
from volunteers.tests.figures_data import EVIDENCE_QUERY, at

# --- the numbers ---------------------------------------------------------------------------


def test_course_evidence_of_a_completed_course(year):
    evidence = figures.course_evidence(year.c1)
    assert (evidence.participants, evidence.newcomers, evidence.volunteers) == (3, 1, 2)
    assert (evidence.attended, evidence.no_show, evidence.present) == (2, 1, 8)
    assert evidence.session_count == 4
    assert evidence.attendance_rate == Decimal("66.7")  # 8 / (3 × 4)
    assert [t.full_name for t in evidence.trainers] == ["Nguyễn Thị Lan"]


def test_course_evidence_of_a_running_course(year):
    evidence = figures.course_evidence(year.c2)
    # Maryam waits: not a participant. Şengül counts as newcomer (consented).
    assert (evidence.participants, evidence.newcomers, evidence.volunteers) == (1, 1, 0)
    assert (evidence.attended, evidence.no_show, evidence.present) == (0, 0, 1)
    assert evidence.attendance_rate == Decimal("50.0")  # an unrecorded session counts as absent


def test_newcomer_without_consent_is_never_counted(year):
    assert Registration.objects.get(course=year.c1, volunteer=year.ahmad).counts_as_newcomer is False
    assert Registration.objects.get(course=year.c1, volunteer=year.sengul).counts_as_newcomer is True


def test_programme_evidence_rows_and_totals(year):
    courses = figures.evidence_courses(
        districts=type(year.district).objects.filter(pk=year.district.pk), year=2025, programme=year.programme
    )
    rows = {
        c.title: (
            c.session_count,
            c.participant_count,
            c.newcomer_count,
            c.volunteer_count,
            c.attended_count,
            c.no_show_count,
            c.present_count,
            c.attendance_rate,
        )
        for c in courses
    }
    assert rows == {
        "C1 Asylrecht": (4, 3, 1, 2, 2, 1, 8, Decimal("66.7")),
        "C2 Trauma": (2, 1, 1, 0, 0, 0, 1, Decimal("50.0")),
    }
    totals = figures.evidence_totals(courses)
    assert totals == {
        "courses": 2,
        "seats": 11,
        "teaching_units": Decimal("12.5"),
        "sessions": 6,
        "registrations": 5,
        "participants": 4,
        "newcomers": 2,
        "volunteers": 2,
        "attended": 2,
        "no_show": 1,
        "present": 9,
        "possible": 14,
        "attendance_rate": Decimal("64.3"),
    }


def test_course_with_first_session_in_the_previous_year_belongs_to_that_year(year):
    districts = type(year.district).objects.filter(pk=year.district.pk)
    titles = [
        c.title for c in figures.evidence_courses(districts=districts, year=2024, programme=year.programme)
    ]
    assert titles == ["C4 Behörden"]
    assert not figures.evidence_courses(districts=districts, year=2023, programme=year.programme).exists()


def test_komm_an_figures_of_the_year(year):
    districts = type(year.district).objects.filter(pk=year.district.pk)
    result = figures.komm_an_figures(districts=districts, year=2025)

    totals = result.totals
    assert (totals["courses"], totals["seats"], totals["teaching_units"]) == (3, 16, Decimal("15.5"))
    assert (totals["registrations"], totals["participants"], totals["newcomers"]) == (6, 5, 2)
    assert (totals["present"], totals["possible"], totals["attendance_rate"]) == (10, 15, Decimal("66.7"))
    by_town = {m.name: (m.qualified, m.newly_qualified) for m in result.municipalities}
    # Unna: Şengül (2025); Olga's qualification is from 2026. Lünen: Ahmad (2025), Thomas (2024).
    assert by_town == {"Unna": (1, 1), "Lünen": (2, 1)}
    assert result.qualified == {"qualified": 3, "newly_qualified": 2}
    assert result.qualified_without_municipality == {"qualified": 0, "newly_qualified": 0}
    assert {q.slug: (q.holders_count, q.new_holders_count) for q in result.qualifications} == {
        "grundqualifizierung": (3, 2),
        "sprachmittlung": (0, 0),
    }
    # Consented newcomers by the end of 2025: Şengül, Maryam, Lan (not Ahmad, not the 2026 profile).
    # Qualified: Şengül. Active in 2025: Şengül (Maryam only waited, Lan's course was cancelled).
    assert result.newcomers == {"total": 3, "qualified": 1, "active": 1}


def test_newcomer_who_withdraws_consent_is_no_longer_counted(year):
    Volunteer.objects.filter(pk=year.lan.pk).update(newcomer_consent_at=None)
    districts = type(year.district).objects.filter(pk=year.district.pk)
    assert figures.newcomer_volunteers(districts=districts, year=2025)["total"] == 2


# --- the pages and files ---------------------------------------------------------------------


def test_evidence_page_lists_courses_and_totals(client, ki_staff, year):
    client.force_login(ki_staff)
    response = client.get(reverse("volunteers:evidence"), EVIDENCE_QUERY)
    assert response.status_code == 200
    assert [c.title for c in response.context["courses"]] == ["C1 Asylrecht", "C2 Trauma"]
    assert response.context["totals"]["participants"] == 4
    page = response.content.decode()
    assert "<caption>" in page and "Summe (2 Kurse)" in page and "64,3 %" in page
    assert "format=pdf" in page and "format=xlsx" in page


def test_evidence_page_without_filter_shows_only_the_form(client, ki_staff, year):
    client.force_login(ki_staff)
    response = client.get(reverse("volunteers:evidence"))
    assert response.status_code == 200
    assert response.context["courses"] is None
    assert response.context["form"]["year"].value() == timezone.localdate().year


def test_evidence_with_unknown_programme_or_year_is_a_bad_request(client, ki_staff, year):
    client.force_login(ki_staff)
    for query in (
        {"programme": "gibt-es-nicht", "year": "2025"},
        {"programme": "komm-an-ii", "year": "zwanzig"},
    ):
        response = client.get(reverse("volunteers:evidence"), {**query, "format": "xlsx"})
        assert response.status_code == 400
        assert "Bitte prüfen Sie Ihre Angaben" in response.content.decode()


def test_evidence_xlsx(client, ki_staff, year):
    client.force_login(ki_staff)
    response = client.get(reverse("volunteers:evidence"), {**EVIDENCE_QUERY, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="foerdernachweis-komm-an-ii-2025.xlsx"'
    sheet = read_xlsx(response.content)
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Kurs", "Baustein", "erster Termin"] and sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    column = {name: index + 1 for index, name in enumerate(header)}
    c1 = {name: sheet.cell(row=2, column=index).value for name, index in column.items()}
    assert c1["Kurs"] == "C1 Asylrecht" and c1["Baustein"] == "D: Qualifizierung"
    assert c1["erster Termin"] == datetime(2025, 3, 4, 18, 0)
    assert sheet.cell(row=2, column=column["erster Termin"]).number_format == "DD.MM.YYYY HH:MM"
    assert (c1["Teilnehmende"], c1["davon Neuzugewanderte"], c1["davon Ehrenamtliche"]) == (3, 1, 2)
    assert c1["Anwesenheitsquote (%)"] == 66.7
    assert sheet.cell(row=2, column=column["Anwesenheitsquote (%)"]).number_format == "0.0"
    assert sheet.cell(row=3, column=column["Unterrichtseinheiten"]).value == 4.5
    totals = {name: sheet.cell(row=5, column=index).value for name, index in column.items()}
    assert totals["Kurs"] == "Summe (2 Kurse)" and sheet["A5"].font.bold
    assert (totals["Teilnehmende"], totals["davon Neuzugewanderte"], totals["Termine"]) == (4, 2, 6)
    assert totals["Unterrichtseinheiten"] == 12.5 and totals["Anwesenheitsquote (%)"] == 64.3


def test_evidence_pdf(client, ki_staff, year):
    client.force_login(ki_staff)
    response = client.get(reverse("volunteers:evidence"), {**EVIDENCE_QUERY, "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "Fördernachweis KOMM-AN NRW Programmteil II 2025" in text
    assert "C1 Asylrecht" in text and "C2 Trauma" in text and "C3 Konflikte" not in text
    assert "Summe (2 Kurse)" in text and "64,3 %" in text and "12,5" in text
    assert year.district.ki_name in text and "Seite 1 von" in text


def test_figures_and_evidence_of_another_district_count_none_of_these_courses(client, year):
    soest = DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    staff_soest = make_district_role(soest, DistrictRole.Role.KI_STAFF)
    client.force_login(staff_soest)
    response = client.get(reverse("volunteers:evidence"), EVIDENCE_QUERY)
    assert response.context["courses"] == []
    # The evidence of one of these courses is a 404 for them: see the permission matrix (ki_staff_other).
    figures_page = client.get(reverse("volunteers:figures"), {"year": "2025"})
    assert figures_page.context["figures"].totals["courses"] == 0
    # Asking for the other district by name is refused, not answered.
    other = client.get(reverse("volunteers:figures"), {"year": "2025", "district": year.district.slug})
    assert other.status_code == 400


# (+1: django-otp loads the staff member's verified second-factor device)
EVIDENCE_PAGE_QUERIES = 13  # incl. one audit log entry


def test_evidence_page_query_count_does_not_grow(client, ki_staff, year, django_assert_max_num_queries):
    client.force_login(ki_staff)
    url = reverse("volunteers:evidence")
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with CaptureQueriesContext(connection) as few:
        client.get(url, EVIDENCE_QUERY)
    for number in range(5):
        course = make_course(
            year.district,
            title=f"Zusatzkurs {number}",
            trainers=[year.trainer],
            funding_programme=year.programme,
        )
        place_sessions(course, [at(2025, 10, 1 + number), at(2025, 10, 8 + number)])
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with django_assert_max_num_queries(EVIDENCE_PAGE_QUERIES):
        response = client.get(url, EVIDENCE_QUERY)
    assert len(response.context["courses"]) == 7
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with CaptureQueriesContext(connection) as many:
        client.get(url, EVIDENCE_QUERY)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_figures_page_leads_with_newcomers_who_became_volunteers(client, ki_staff, year):
    client.force_login(ki_staff)
    response = client.get(reverse("volunteers:figures"), {"year": "2025"})
    assert response.status_code == 200
    page = response.content.decode()
    headline = page.index("Neuzugewanderte, die selbst Ehrenamtliche geworden sind")
    assert headline < page.index("<table")  # before every table
    assert '<p class="highlight-figure ki-bold kern-mb-xs" id="newcomer-total">3</p>' in page
    assert "davon qualifiziert (mindestens eine Qualifikation): 1" in page
    assert page.count("<caption>") == 3


def test_figures_page_defaults_to_this_year_and_rejects_nonsense(client, ki_staff, year):
    client.force_login(ki_staff)
    response = client.get(reverse("volunteers:figures"))
    assert response.status_code == 200 and response.context["year"] == timezone.localdate().year
    assert client.get(reverse("volunteers:figures"), {"year": "1850"}).status_code == 400


# (+1: django-otp loads the staff member's verified second-factor device)
FIGURES_PAGE_QUERIES = 14  # +1: anonymous newcomer counts kept by retention


def test_figures_page_query_count_is_fixed(client, ki_staff, year, django_assert_max_num_queries):
    client.force_login(ki_staff)
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with django_assert_max_num_queries(FIGURES_PAGE_QUERIES):
        assert client.get(reverse("volunteers:figures"), {"year": "2025"}).status_code == 200


# --- volunteer search ------------------------------------------------------------------------


@pytest.fixture
def languages(db):
    arabic, _ = Language.objects.get_or_create(code="ar", defaults={"name": "Arabisch"})
    tigrinya, _ = Language.objects.get_or_create(code="ti", defaults={"name": "Tigrinya"})
    turkish, _ = Language.objects.get_or_create(code="tr", defaults={"name": "Türkisch"})
    return {"ar": arabic, "ti": tigrinya, "tr": turkish}


@pytest.fixture
def mediators(district, unna, luenen, languages):
    basic = Qualification.objects.create(district=district, name="Sprachmittlung", slug="sprachmittlung")

    def mediator(name, town, spoken, *, qualified=False, phone=""):
        volunteer = make_volunteer(district, municipality=town, full_name=name)
        Volunteer.objects.filter(pk=volunteer.pk).update(phone=phone)
        for code, level in spoken:
            VolunteerLanguage.objects.create(volunteer=volunteer, language=languages[code], level=level)
        if qualified:
            VolunteerQualification.objects.create(volunteer=volunteer, qualification=basic)
        return volunteer

    return {
        "semhar": mediator(
            "Semhar Tesfay",
            luenen,
            [("ti", "native"), ("ar", "good")],
            qualified=True,
            phone="+49 2306 12345",
        ),
        "sengul": mediator("Şengül Yıldız", unna, [("tr", "native")], qualified=True),
        "ahmad": mediator("Ahmad Al-Hassan", unna, [("ar", "native")]),
        "gone": mediator("Ehemals Tigrinya", luenen, [("ti", "fluent")], qualified=True),
    }


def search(client, user, **params):
    client.force_login(user)
    return client.get(reverse("volunteers:volunteer_search"), params)


def names(response) -> list[str]:
    return [volunteer.user.full_name for volunteer in response.context["page_obj"]]


def test_search_finds_language_mediators_by_language_town_and_qualification(client, ki_staff, mediators):
    Volunteer.objects.filter(pk=mediators["gone"].pk).update(anonymised_at=timezone.now())

    assert names(search(client, ki_staff, language="ti")) == ["Semhar Tesfay"]
    assert names(search(client, ki_staff, language="ar")) == ["Ahmad Al-Hassan", "Semhar Tesfay"]
    assert names(search(client, ki_staff, language="ar", municipality="unna")) == ["Ahmad Al-Hassan"]
    assert names(search(client, ki_staff, qualification="sprachmittlung")) == [
        "Semhar Tesfay",
        "Şengül Yıldız",
    ]

    page = search(client, ki_staff, language="ti").content.decode()
    assert "Tigrinya</span> (Muttersprache)" in page and "Arabisch</span> (gut)" in page
    assert "Lünen" in page and "Sprachmittlung" in page
    assert "Ehemals Tigrinya" not in page


def test_search_lists_nobody_until_a_filter_is_set(client, ki_staff, mediators):
    for params in ({}, {"language": "", "municipality": "", "qualification": ""}):
        response = search(client, ki_staff, **params)
        assert response.status_code == 200
        assert response.context["page_obj"] is None
        page = response.content.decode()
        assert "Bitte mindestens einen Filter wählen." in page
        assert "Semhar" not in page and "Yıldız" not in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SEARCHED_VOLUNTEERS).exists()


def test_contact_details_only_on_the_results_detail_page_and_logged(client, ki_staff, mediators):
    semhar = mediators["semhar"]
    response = search(client, ki_staff, language="ti")
    page = response.content.decode()
    results = page.split("<table")[1].split("</table>")[0]
    assert semhar.user.email not in page and "mailto:" not in results and "+49 2306 12345" not in page
    detail_url = reverse("volunteers:volunteer_contact", kwargs={"pk": semhar.pk})
    assert f'href="{detail_url}?language=ti"' in page

    detail = client.get(detail_url, {"language": "ti"}).content.decode()
    assert f'href="mailto:{semhar.user.email}"' in detail and "+49 2306 12345" in detail
    assert f'{reverse("volunteers:volunteer_search")}?language=ti"' in detail  # back to the same results
    entry = AuditEvent.objects.get(action=AuditEvent.Action.VIEWED_VOLUNTEER_CONTACT)
    assert (entry.actor, entry.object_id) == (ki_staff, str(semhar.pk))
    assert semhar.user.email not in str(entry.details) + entry.description


def test_contact_page_refuses_anonymised_and_other_districts_volunteers(client, ki_staff, mediators):
    gone = mediators["gone"]
    Volunteer.objects.filter(pk=gone.pk).update(anonymised_at=timezone.now(), user=None)
    client.force_login(ki_staff)
    assert client.get(reverse("volunteers:volunteer_contact", kwargs={"pk": gone.pk})).status_code == 404
    soest = DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    staff_soest = make_district_role(soest, DistrictRole.Role.KI_STAFF)
    client.force_login(staff_soest)
    url = reverse("volunteers:volunteer_contact", kwargs={"pk": mediators["semhar"].pk})
    assert client.get(url).status_code == 404


def test_search_never_shows_anonymised_volunteers(client, ki_staff, mediators):
    Volunteer.objects.filter(pk=mediators["gone"].pk).update(anonymised_at=timezone.now(), user=None)
    assert "Ehemals" not in " ".join(names(search(client, ki_staff, language="ti")))


def test_search_with_unknown_filter_is_a_bad_request(client, ki_staff, mediators):
    response = search(client, ki_staff, language="xx")
    assert response.status_code == 400
    assert response.context["page_obj"] is None


def test_search_is_scoped_to_the_staff_members_district(client, mediators):
    soest = DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    MunicipalityFactory(district=soest, name="Soest", slug="soest", ags="05974040")
    staff_soest = make_district_role(soest, DistrictRole.Role.KI_STAFF)
    assert names(search(client, staff_soest, language="ti")) == []
    assert search(client, staff_soest, municipality="unna").status_code == 400


# (+1: django-otp loads the staff member's verified second-factor device)
SEARCH_PAGE_QUERIES = 15  # incl. one audit log entry


def test_search_query_count_does_not_grow(
    client, ki_staff, district, luenen, languages, mediators, django_assert_max_num_queries
):
    client.force_login(ki_staff)
    url = reverse("volunteers:volunteer_search")
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"language": "ti"})
    for number in range(10):
        extra = make_volunteer(district, municipality=luenen, full_name=f"Mediatorin {number}")
        VolunteerLanguage.objects.create(volunteer=extra, language=languages["ti"])
        VolunteerLanguage.objects.create(volunteer=extra, language=languages["ar"])
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES):
        response = client.get(url, {"language": "ti"})
    assert len(response.context["page_obj"]) == 12  # Semhar, "Ehemals Tigrinya" and ten more
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"language": "ti"})
    assert len(many.captured_queries) == len(few.captured_queries)
