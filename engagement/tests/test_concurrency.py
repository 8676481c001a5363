"""KI staff approving the last euros of a budget at the same moment, on real parallel connections."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from .. import services
from ..models import Application
from ..selectors import budget_overview
from ..workflow import Decision
from .factories import YEAR, make_application, make_budget, make_organisation, successor_programme


def approve_all_at_once(applications, by) -> list[str]:
    start = threading.Barrier(len(applications))
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(application: Application) -> None:
        try:
            start.wait()
            services.decide_application(
                by=by, application=application, decision=Decision.APPROVE, amount=Decimal("1000")
            )
            result = "approved"
        except services.BudgetExceeded:
            result = "budget exceeded"
        except ValidationError as error:  # anything else is a failure of the test
            result = f"other: {error.messages}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(application,)) for application in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_approvals_for_a_budget_that_fits_seven_approve_exactly_seven(district, ki_staff):
    make_budget(district, amount="7000")
    applications = [
        make_application(
            make_organisation(district, name=f"Initiative {number}", full_name=f"Leyla Kaya {number}"),
            title=f"Vorhaben {number}",
            amount="1000.00",
            advice=True,
        )
        for number in range(20)
    ]

    outcomes = approve_all_at_once(applications, ki_staff)

    assert sorted(outcomes) == ["approved"] * 7 + ["budget exceeded"] * 13
    assert Application.objects.filter(status=Application.Status.APPROVED).count() == 7
    overview = budget_overview(district=district, programme=successor_programme(), year=YEAR)
    assert (overview.approved, overview.free) == (Decimal("7000.00"), Decimal("0.00"))


@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_the_last_euros_at_once_one_succeeds_the_other_is_told(district, ki_staff):
    from municipalities.models import DistrictRole
    from municipalities.tests.factories import make_district_role

    colleague = make_district_role(district, DistrictRole.Role.KI_STAFF, full_name="Jonas Becker")
    make_budget(district, amount="1000")
    first = make_application(make_organisation(district), amount="1000.00", advice=True)
    second = make_application(
        make_organisation(district, name="Kurdischer Frauenverein Bergkamen", full_name="Rojin Aydın"),
        amount="1000.00",
        advice=True,
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(by, application) -> None:
        try:
            start.wait()
            services.decide_application(
                by=by, application=application, decision=Decision.APPROVE, amount=Decimal("1000")
            )
            outcomes.append("approved")
        except services.BudgetExceeded as error:
            outcomes.append(error.message_dict["amount"][0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=pair) for pair in ((ki_staff, first), (colleague, second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["Das Budget 2026 reicht dafür nicht: frei sind noch 0,00 €.", "approved"]
