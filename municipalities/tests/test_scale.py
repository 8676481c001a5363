"""The scale data beyond NRW (``make bench BENCH_SCALE=400``)."""

import pytest

from municipalities.models import District, Municipality
from municipalities.models.places import ags_prefix_validator
from municipalities.scale import MAX_SCALE, NRW_DISTRICTS, district_slug, scale_district_rows, seed_scale


def test_scale_400_has_germany_many_distinct_valid_districts_nrw_first():
    rows = scale_district_rows(MAX_SCALE)
    assert MAX_SCALE == 400
    assert len(rows) == 400
    assert rows[: len(NRW_DISTRICTS)] == NRW_DISTRICTS
    assert len({prefix for prefix, _name, _city in rows}) == 400
    assert len({district_slug(prefix, name) for prefix, name, _city in rows}) == 400
    for prefix, _name, _city in rows:
        ags_prefix_validator(prefix)
    assert not any(prefix.startswith("05") for prefix, _name, _city in rows[len(NRW_DISTRICTS) :])
    assert scale_district_rows(60) == rows[:60]


@pytest.mark.django_db
def test_seed_scale_beyond_nrw_creates_the_generated_districts():
    seed_scale(scale=len(NRW_DISTRICTS) + 2, year=2026)
    prefix, name, _city = scale_district_rows(len(NRW_DISTRICTS) + 1)[-1]
    district = District.objects.get(ags_prefix=prefix)
    assert district.name == name
    assert Municipality.objects.filter(district=district).count() == 10
    assert District.objects.count() == len(NRW_DISTRICTS) + 2
