"""The concept screens through HTTP: 409 for frozen versions, stale goal forms, scoping, import."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concept import services
from concept.models import ConceptMeasure, Goal, IndicatorValue

from .factories import (
    ConceptMeasureFactory,
    ConceptVersionFactory,
    GoalFactory,
    GoalIndicatorFactory,
    IndicatorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(district):
    return ConceptVersionFactory(concept__district=district, period_start=2024, period_end=2030)


def goal_post(goal, **changes):
    data = {
        "field_of_action": goal.field_of_action_id,
        "title": goal.title,
        "description": goal.description,
        "kind": goal.kind,
        "priority": goal.priority,
        "responsible": goal.responsible,
        "lock_version": goal.lock_version,
    }
    return {**data, **changes}


def test_editing_an_adopted_version_answers_409_with_a_german_message(client, ki_staff, version):
    goal = GoalIndicatorFactory(goal__version=version).goal
    services.adopt_version(
        by=ki_staff,
        version=version,
        adopted_on=date(2026, 10, 8),
        adopted_by_body="Kreistag",
        drucksache="DS 1",
    )
    client.force_login(ki_staff)
    for url in (
        reverse("concept:version_update", args=[version.pk]),
        reverse("concept:goal_update", args=[goal.pk]),
        reverse("concept:goal_create", args=[version.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 409
        assert "kann nicht mehr geändert werden" in response.content.decode()
    response = client.post(reverse("concept:goal_update", args=[goal.pk]), goal_post(goal, title="Neu"))
    assert response.status_code == 409
    assert Goal.objects.get(pk=goal.pk).title == goal.title


def test_two_staff_editing_the_same_goal_the_second_save_is_refused_showing_the_change(
    client, ki_staff, version
):
    goal = GoalFactory(version=version, title="Sprachförderung in Kitas")
    client.force_login(ki_staff)
    url = reverse("concept:goal_update", args=[goal.pk])
    first_form = goal_post(goal, title="Sprachförderung in allen Kitas")
    second_form = goal_post(
        goal, title="Sprachförderung in Kitas und Grundschulen"
    )  # opened at the same time
    assert client.post(url, first_form).status_code == 302
    response = client.post(url, second_form)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Jemand anderes hat diesen Eintrag gespeichert" in page
    assert "Sprachförderung in allen Kitas" in page and "Sprachförderung in Kitas und Grundschulen" in page
    assert Goal.objects.get(pk=goal.pk).title == "Sprachförderung in allen Kitas"


def test_adoption_form_names_the_goals_without_indicator(client, ki_staff, version):
    GoalFactory(version=version, title="Antidiskriminierung stärken")
    client.force_login(ki_staff)
    response = client.post(
        reverse("concept:version_adopt", args=[version.pk]),
        {"adopted_on": "2026-10-08", "adopted_by_body": "Kreistag", "drucksache": "DS 12/2026"},
    )
    assert response.status_code == 200
    assert "„Antidiskriminierung stärken“" in response.content.decode()
    version.refresh_from_db()
    assert version.status == "draft"


def test_draft_flags_goals_without_indicator(client, ki_staff, version):
    GoalFactory(version=version, title="Antidiskriminierung stärken")
    client.force_login(ki_staff)
    page = client.get(reverse("concept:version_detail", args=[version.pk])).content.decode()
    assert "nicht überprüfbar" in page


def test_contact_posting_a_value_for_another_municipality_gets_404(
    client, contact_luenen, unna, luenen, version
):
    indicator = IndicatorFactory(district=version.concept.district)
    client.force_login(contact_luenen)
    data = {"indicator": indicator.pk, "municipality": unna.pk, "year": 2026, "value": "12,5", "source": "x"}
    assert client.post(reverse("concept:values"), data).status_code == 404
    assert not IndicatorValue.objects.exists()
    response = client.post(reverse("concept:values"), {**data, "municipality": luenen.pk})
    assert response.status_code == 302
    assert IndicatorValue.objects.get().municipality == luenen


def test_percent_over_100_is_shown_as_a_german_error_and_not_saved(client, ki_staff, unna, version):
    indicator = IndicatorFactory(district=version.concept.district)
    client.force_login(ki_staff)
    data = {"indicator": indicator.pk, "municipality": unna.pk, "year": 2026, "value": "140", "source": ""}
    response = client.post(reverse("concept:values"), data)
    assert response.status_code == 200
    assert "zwischen 0 und 100" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_contact_updates_own_measure_status_through_the_form(client, contact_unna, unna, version):
    measure = ConceptMeasureFactory(goal__version=version, owner_kind="municipality", owner_municipality=unna)
    client.force_login(contact_unna)
    response = client.post(reverse("concept:measure_status", args=[measure.pk]), {"status": "running"})
    assert response.status_code == 302
    assert ConceptMeasure.objects.get(pk=measure.pk).status == "running"


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("werte.csv", ("\ufeff" + text).encode(), content_type="text/csv")


def test_import_is_all_or_nothing_with_row_errors(client, ki_staff, unna, luenen, version):
    indicator = IndicatorFactory(district=version.concept.district, slug="auslaenderanteil")
    client.force_login(ki_staff)
    bad = (
        "ags;kennzahl;jahr;wert;quelle\r\n"
        f"{unna.ags};auslaenderanteil;2025;14,2;IT.NRW\r\n"
        "05978999;auslaenderanteil;2025;3;IT.NRW\r\n"
        f"{luenen.ags};unbekannt;2025;3;IT.NRW\r\n"
        f"{luenen.ags};auslaenderanteil;1999;3;IT.NRW\r\n"
        f"{luenen.ags};auslaenderanteil;2026;viel;IT.NRW\r\n"
        f"{unna.ags};auslaenderanteil;2025;14,3;IT.NRW\r\n"
    )
    response = client.post(reverse("concept:value_import"), {"file": csv_file(bad)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nichts wurde gespeichert" in page
    for message in (
        "Unbekannter AGS",
        "Unbekannte Kennzahl",
        "außerhalb der Laufzeit",
        "keine Zahl",
        "Doppelt",
    ):
        assert message in page
    assert not IndicatorValue.objects.exists()
    good = (
        "ags;kennzahl;jahr;wert;quelle\r\n"
        f"{unna.ags};auslaenderanteil;2025;14,2;IT.NRW\r\n"
        f"05978;{indicator.name};2025;13,1;IT.NRW\r\n"
    )
    assert client.post(reverse("concept:value_import"), {"file": csv_file(good)}).status_code == 302
    assert IndicatorValue.objects.get(municipality=unna).value == Decimal("14.2")
    assert IndicatorValue.objects.get(municipality=None).value == Decimal("13.1")


def test_contact_cannot_import_values_of_another_municipality(client, contact_unna, luenen, version):
    IndicatorFactory(district=version.concept.district, slug="auslaenderanteil")
    client.force_login(contact_unna)
    text = f"ags;kennzahl;jahr;wert\r\n{luenen.ags};auslaenderanteil;2025;3\r\n"
    response = client.post(reverse("concept:value_import"), {"file": csv_file(text)})
    assert "Für diese Kommune können Sie keine Werte erfassen" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_import_template_downloads_as_xlsx_and_csv(client, ki_staff, version):
    IndicatorFactory(district=version.concept.district, slug="auslaenderanteil")
    client.force_login(ki_staff)
    xlsx = client.get(reverse("concept:value_import_template", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    csv = client.get(reverse("concept:value_import_template", args=["csv"]))
    assert "auslaenderanteil" in csv.content.decode("utf-8-sig")


def test_goal_overview_comes_from_the_cache_until_a_value_changes_and_is_per_person(
    client, ki_staff, contact_unna, unna, version, django_capture_on_commit_callbacks
):
    # Caches are invalidated after the commit; in this test's transaction the callbacks run when
    # each write's block ends, as a commit would run them.
    from events.tests.factories import make_event

    goal = GoalFactory(version=version, title="Mehr Kinder mit Sprachförderung")
    target = GoalIndicatorFactory(goal=goal, baseline_year=2024, baseline_value=Decimal("10"))
    url = reverse("concept:goal_overview", kwargs={"pk": version.pk})
    client.force_login(ki_staff)
    first = client.get(url)
    assert first.status_code == 200 and "X-Public-Cache" not in first
    again = client.get(url)
    assert again["X-Public-Cache"] == "hit" and "Mehr Kinder mit Sprachförderung" in again.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        IndicatorValue.objects.create(
            indicator=target.indicator, municipality=None, year=2025, value=Decimal("13.5")
        )
    fresh = client.get(url)
    assert "X-Public-Cache" not in fresh and "13,5" in fresh.content.decode()

    # An approved event changes the portal's counts: the page is built again.
    with django_capture_on_commit_callbacks(execute=True):
        make_event(by=ki_staff, municipality=unna, title="Sprachcafé am Markt")
    assert "X-Public-Cache" not in client.get(url)

    # Another person never gets the cached page of the first.
    version.status = version.Status.CONSULTATION  # contacts see a version once it is consulted
    with django_capture_on_commit_callbacks(execute=True):
        version.save()
    client.force_login(ki_staff)
    assert "X-Public-Cache" not in client.get(url)
    assert client.get(url)["X-Public-Cache"] == "hit"
    client.force_login(contact_unna)
    theirs = client.get(url)
    assert "X-Public-Cache" not in theirs and "Zielübersicht: Unna" in theirs.content.decode()


def test_municipality_focus_comes_from_the_cache_until_a_write_commits(
    client, ki_staff, contact_luenen, unna, version, django_capture_on_commit_callbacks
):
    from django.utils import timezone
    from django.utils.html import escape

    from events.models import Event
    from events.tests.factories import berlin, make_event

    from .factories import PillarFieldFactory

    year = timezone.localdate().year
    gap = PillarFieldFactory(version=version)
    measure = ConceptMeasureFactory(
        goal__version=version, owner_kind="municipality", owner_municipality=unna, title="Elterncafé Unna"
    )
    url = reverse("concept:municipality_focus", kwargs={"pk": version.pk, "slug": unna.slug})

    def row_of_measure(response) -> str:
        return response.content.decode().split("Elterncafé Unna", 1)[1].split("</tr>", 1)[0]

    def gaps(response) -> str:
        return response.content.decode().split("Lücken", 1)[1].split("</ul>", 1)[0]

    field_name = escape(gap.field_of_action.name)

    client.force_login(ki_staff)
    first = client.get(url)
    assert first.status_code == 200 and "X-Public-Cache" not in first
    assert "geplant" in row_of_measure(first) and field_name in gaps(first)
    again = client.get(url)
    assert again["X-Public-Cache"] == "hit" and row_of_measure(again) == row_of_measure(first)

    # A measure's status changes: the next view shows it, not the cached page.
    with django_capture_on_commit_callbacks(execute=True):
        services.update_measure_status(by=ki_staff, measure=measure, status="running")
    fresh = client.get(url)
    assert "X-Public-Cache" not in fresh and "laufend" in row_of_measure(fresh)
    assert client.get(url)["X-Public-Cache"] == "hit"

    # An approved event in the field closes the gap of the year (events namespace).
    with django_capture_on_commit_callbacks(execute=True):
        make_event(
            by=ki_staff,
            municipality=unna,
            start=berlin(year, 3, 14, 18),
            fields_of_action=[gap.field_of_action],
            status=Event.Status.APPROVED,
        )
    closed = client.get(url)
    assert "X-Public-Cache" not in closed and field_name not in gaps(closed)

    # The permission check comes before the cache: Lünen's contact never gets Unna's page.
    client.force_login(contact_luenen)
    assert client.get(url).status_code == 403
