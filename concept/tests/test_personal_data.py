from decimal import Decimal

import pytest

from concept import values
from concept.models import IndicatorValue
from volunteers.selfservice.deletion import delete_volunteer_account
from volunteers.selfservice.export import export_own_data

from .factories import ConceptVersionFactory, IndicatorFactory

pytestmark = pytest.mark.django_db


def test_own_data_export_lists_the_values_a_contact_entered_and_deletion_keeps_them_nameless(
    contact_unna, ki_staff, unna, district
):
    ConceptVersionFactory(concept__district=district)
    indicator = IndicatorFactory(district=district, name="Kinder mit anderer Familiensprache in Kitas")
    values.record_indicator_value(
        by=contact_unna, indicator=indicator, municipality=unna, year=2026, value=Decimal(30)
    )
    values.record_indicator_value(
        by=contact_unna, indicator=indicator, municipality=unna, year=2026, value=Decimal(31)
    )
    data = export_own_data(user=contact_unna)["concept_contributions"]
    assert data["indicator_values_entered"] == [
        {
            "indicator": "Kinder mit anderer Familiensprache in Kitas",
            "place": "Unna",
            "year": 2026,
            "value": "31.0000",
            "source": "",
            "entered_at": IndicatorValue.objects.get().entered_at.isoformat(),
        }
    ]
    assert [c["old_value"] for c in data["indicator_values_corrected"]] == ["30.0000"]
    assert export_own_data(user=ki_staff)["concept_contributions"]["indicator_values_entered"] == []

    delete_volunteer_account(user=contact_unna)
    row = IndicatorValue.objects.get()
    assert row.value == Decimal(31)
    assert row.entered_by.full_name != "Şengül Yıldız"
