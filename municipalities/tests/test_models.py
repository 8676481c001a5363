import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from municipalities.models import Municipality
from municipalities.tests.factories import MunicipalityFactory


@pytest.mark.parametrize("ags", ["5978036", "059780361", "05978O36", "", "0597 036"])
def test_ags_must_be_eight_digits(district, ags):
    municipality = Municipality(district=district, name="Testort", slug="testort", ags=ags)
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "ags" in error.value.message_dict


def test_ags_must_start_with_the_district_prefix(district):
    municipality = Municipality(district=district, name="Dortmund", slug="dortmund", ags="05913000")
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "beginnt der AGS mit 05978" in error.value.message_dict["ags"][0]


def test_population_needs_its_year(district):
    municipality = Municipality(district=district, name="Testort", slug="t", ags="05978999", population=1000)
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "population_year" in error.value.message_dict


def test_create_form_reports_duplicate_ags_and_name_in_german(client, ki_staff, unna):
    client.force_login(ki_staff)
    response = client.post(
        reverse("municipalities:create"),
        {
            "district": unna.district_id,
            "name": "Unna",
            "ags": unna.ags,
            "population": "",
            "population_year": "",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Eine Kommune mit diesem AGS gibt es bereits." in page
    assert "Eine Kommune mit diesem Namen gibt es in diesem Kreis bereits." in page
    assert Municipality.objects.count() == 1


def test_create_form_reports_bad_ags(client, ki_staff, district):
    client.force_login(ki_staff)
    response = client.post(
        reverse("municipalities:create"), {"district": district.pk, "name": "Neustadt", "ags": "12ab"}
    )
    assert "besteht aus genau 8 Ziffern" in response.content.decode()
    assert not Municipality.objects.exists()


def test_ki_staff_creates_municipality_with_generated_slug(client, ki_staff, district):
    client.force_login(ki_staff)
    response = client.post(
        reverse("municipalities:create"),
        {
            "district": district.pk,
            "name": "Fröndenberg/Ruhr",
            "ags": "05978012",
            "population": "20000",
            "population_year": "2023",
            "population_source": "IT.NRW",
        },
    )
    created = Municipality.objects.get(ags="05978012")
    assert created.slug == "froendenbergruhr"
    assert response["Location"] == created.get_absolute_url()


def test_editing_keeps_data_when_input_is_bad(client, ki_staff, unna):
    client.force_login(ki_staff)
    response = client.post(
        reverse("municipalities:update", kwargs={"slug": unna.slug}),
        {"name": "", "ags": "x", "population": "-5"},
    )
    assert response.status_code == 200
    unna.refresh_from_db()
    assert (unna.name, unna.ags, unna.population) == ("Unna", "05978036", 58000)


def test_ki_staff_cannot_create_municipality_in_other_district(client, ki_staff):
    other = MunicipalityFactory(
        district__name="Kreis Soest", district__ags_prefix="05974", name="Soest", ags="05974040"
    )
    client.force_login(ki_staff)
    response = client.post(
        reverse("municipalities:create"), {"district": other.district_id, "name": "Werl", "ags": "05974044"}
    )
    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
    assert not Municipality.objects.filter(name="Werl").exists()
