"""The version's outline: KI staff place the district's fields of action under the pillars."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from concept import services, structure
from concept.models import PillarField
from municipalities.tests.factories import DistrictFactory

from .factories import GoalIndicatorFactory, field_of_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(district, ki_staff):
    return services.create_version(
        by=ki_staff,
        district=district,
        title="Integrationskonzept 2026–2030",
        period_start=2026,
        period_end=2030,
    )


def outline_post(version, **rows):
    """rows: field → (pillar or None, order, situation)"""
    data = {}
    for item in structure.fields_to_arrange(version):
        pillar, order, situation = rows.get(item.slug, (None, 0, ""))
        data[f"pillar_{item.pk}"] = pillar.pk if pillar else ""
        data[f"order_{item.pk}"] = order
        data[f"situation_{item.pk}"] = situation
    return data


def test_staff_place_fields_under_pillars_and_take_one_out_again(client, ki_staff, district, version):
    language = field_of_action(district, "Sprache & Bildung")
    work = field_of_action(district, "Arbeit & Ausbildung")
    education, cross_cutting = version.pillars.order_by("order")
    client.force_login(ki_staff)
    url = reverse("concept:version_outline", args=[version.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Arbeit &amp; Ausbildung: Säule" in page.content.decode()

    response = client.post(
        url,
        outline_post(
            version,
            **{
                language.slug: (education, 1, "Sprachcafés in allen Städten"),
                work.slug: (cross_cutting, 2, ""),
            },
        ),
    )
    assert response.status_code == 302
    rows = {row.field_of_action: row for row in PillarField.objects.filter(version=version)}
    assert rows[language].pillar == education and rows[language].situation == "Sprachcafés in allen Städten"
    assert rows[work].pillar == cross_cutting and rows[work].order == 2
    detail = client.get(reverse("concept:version_detail", args=[version.pk])).content.decode()
    assert "Sprachcafés in allen Städten" in detail

    client.post(url, outline_post(version, **{language.slug: (education, 1, "Sprachcafés")}))
    assert list(PillarField.objects.filter(version=version).values_list("field_of_action", flat=True)) == [
        language.pk
    ]


def test_outline_refuses_fields_and_pillars_from_elsewhere(ki_staff, district, version):
    foreign_field = field_of_action(
        DistrictFactory(name="Kreis Soest", ags_prefix="05974"), "Sprache & Bildung"
    )
    other = services.create_version(
        by=ki_staff, district=district, title="Zweiter Entwurf", period_start=2026, period_end=2030
    )
    own_field = field_of_action(district, "Sprache & Bildung")
    with pytest.raises(ValidationError):
        structure.arrange_fields(
            by=ki_staff,
            version=version,
            placements=[structure.Placement(foreign_field.pk, version.pillars.first().pk)],
        )
    with pytest.raises(ValidationError):
        structure.arrange_fields(
            by=ki_staff,
            version=version,
            placements=[structure.Placement(own_field.pk, other.pillars.first().pk)],
        )
    assert not PillarField.objects.filter(version=version).exists()


def test_outline_of_an_adopted_version_answers_409(client, ki_staff, district, version):
    field_of_action(district, "Sprache & Bildung")
    GoalIndicatorFactory(goal__version=version)
    services.adopt_version(
        by=ki_staff,
        version=version,
        adopted_on=date(2026, 10, 8),
        adopted_by_body="Kreistag",
        drucksache="DS 1",
    )
    client.force_login(ki_staff)
    url = reverse("concept:version_outline", args=[version.pk])
    assert client.get(url).status_code == 409
    assert client.post(url, outline_post(version)).status_code == 409
    assert not PillarField.objects.filter(version=version).exists()
