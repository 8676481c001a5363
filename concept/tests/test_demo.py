from io import StringIO

from django.core.management import call_command

from concept.models import (
    CommentAnswer,
    ConceptVersion,
    ConsultationComment,
    Goal,
    Indicator,
    IndicatorValue,
    MunicipalityPosition,
)


def state():
    return (
        list(ConceptVersion.objects.values_list("pk", "status")),
        list(Goal.objects.order_by("pk").values_list("pk", "title")),
        IndicatorValue.objects.count(),
        list(MunicipalityPosition.objects.order_by("pk").values_list("municipality__slug", "position")),
        ConsultationComment.objects.count(),
        CommentAnswer.objects.count(),
    )


def test_seed_demo_creates_a_realistic_concept_for_kreis_unna_idempotently(db, settings, mailoutbox):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    first = state()
    call_command("seed_demo", stdout=StringIO())
    assert state() == first

    version = ConceptVersion.objects.get()
    assert version.status == ConceptVersion.Status.CONSULTATION
    assert list(version.pillars.values_list("title", flat=True)) == [
        "Integration durch Bildung",
        "Integration als Querschnittsaufgabe",
    ]
    assert version.goals.count() >= 12
    assert version.goals.values("field_of_action").distinct().count() >= 8
    assert set(Indicator.objects.values_list("source", flat=True)) == {"official", "portal"}
    kita = Indicator.objects.get(slug="kita-familiensprache")
    assert set(kita.values.values_list("year", flat=True)) == {2021, 2022, 2023, 2024, 2025}
    latest = kita.values.filter(year=2025, municipality__isnull=False)
    assert latest.count() == 10 and len(set(latest.values_list("value", flat=True))) > 5
    assert not IndicatorValue.objects.filter(is_demo=False).exists()
    assert not IndicatorValue.objects.filter(indicator__source="portal").exists()
    # The open consultation has some positions: agreed, with remarks, objection; the rest still open.
    positions = dict(version.positions.values_list("municipality__slug", "position"))
    assert positions == {
        "unna": "agreed",
        "kamen": "agreed",
        "luenen": "agreed_with_remarks",
        "schwerte": "objection",
    }
    assert version.positions.get(municipality__slug="schwerte").reasons.startswith("Der Zielwert")
    assert ConsultationComment.objects.filter(version=version).count() == 3
    assert CommentAnswer.objects.filter(comment__version=version).count() == 2
    assert ConsultationComment.objects.filter(goal__isnull=False, municipality__slug="luenen").exists()


def test_demo_concept_pages_render_with_chart_and_flags(db, settings, client):
    from django.urls import reverse

    from accounts.models import User

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    version = ConceptVersion.objects.get()
    client.force_login(User.objects.get(email="kontakt-unna@example.org"))
    overview = client.get(reverse("concept:goal_overview", args=[version.pk])).content.decode()
    assert "Zielübersicht: Unna" in overview
    # Beyond the legend (one of each), Unna's values give goals a trend status.
    assert sum(overview.count(f"concept-status-{key}") for key in ("on_track", "at_risk", "off_track")) > 3
    goal = Goal.objects.get(title__startswith="Alle Kinder mit anderer Familiensprache")
    detail = client.get(reverse("concept:goal_detail", args=[goal.pk])).content.decode()
    assert "<svg" in detail and 'role="img"' in detail and "Lünen" not in detail
    client.force_login(User.objects.get(email="ki@example.org"))
    page = client.get(reverse("concept:version_detail", args=[version.pk])).content.decode()
    assert "nicht überprüfbar" in page
    focus = client.get(reverse("concept:municipality_focus", args=[version.pk, "unna"]))
    assert focus.status_code == 200 and "Lücken" in focus.content.decode()
