"""`seed_demo` shows what the product is for: municipalities that differ, two years to compare,
courses that are plausible (no public holidays, units that match the sessions), no „Beispiel“."""

from datetime import date

from municipalities.holidays import is_public_holiday, nrw_public_holidays
from municipalities.models import FundingProgramme
from volunteers.models import teaching_units_for


def test_nrw_public_holidays_of_2026():
    holidays = nrw_public_holidays(2026)
    assert len(holidays) == 11
    assert holidays[date(2026, 4, 3)] == "Karfreitag"
    assert holidays[date(2026, 4, 6)] == "Ostermontag"
    assert holidays[date(2026, 5, 14)] == "Christi Himmelfahrt"
    assert holidays[date(2026, 5, 25)] == "Pfingstmontag"
    assert holidays[date(2026, 6, 4)] == "Fronleichnam"
    assert is_public_holiday(date(2026, 11, 1)) and not is_public_holiday(date(2026, 10, 31))


def test_teaching_units_are_45_minutes_each():
    assert teaching_units_for(45) == 1
    assert teaching_units_for(135) == 3
    assert str(teaching_units_for(90 + 22.5)) == "2.5"


def test_an_own_programme_name_stays_when_the_defaults_are_ensured_again(db):
    # The former placeholder "… (ab 2025, Beispiel)" is renamed by migration 0007 of municipalities
    # (tested in municipalities/tests/test_successor_programme_migration.py).
    from municipalities.services import ensure_default_funding_programmes

    ensure_default_funding_programmes()
    FundingProgramme.objects.filter(code="komm-an-nrw-2").update(name="KOMM-AN, eigener Name")
    ensure_default_funding_programmes()
    assert FundingProgramme.objects.get(code="komm-an-nrw-2").name == "KOMM-AN, eigener Name"
