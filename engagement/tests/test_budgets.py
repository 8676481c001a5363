"""The annual budget screen: every year's figures, setting a budget, never below what is approved."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from municipalities.models import DistrictRole
from municipalities.tests.factories import DistrictFactory, make_district_role

from .. import budgets, services
from ..models import AnnualBudget, Application, PaymentRequest
from ..workflow import Decision
from .factories import YEAR, make_application, make_budget, make_organisation, successor_programme

pytestmark = pytest.mark.django_db


def test_budget_years_show_budget_approved_paid_and_free_per_year(district):
    programme = successor_programme()
    make_budget(district, amount="58000")
    grant = make_application(
        make_organisation(district), amount="1500.00", status=Application.Status.APPROVED
    )
    PaymentRequest.objects.create(
        application=grant, amount=Decimal("500"), status=PaymentRequest.Status.PAID, paid_on=grant.starts_on
    )
    other_district = DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    make_budget(other_district, amount="40000")
    make_application(
        make_organisation(other_district, name="Soester Tafel", full_name="Emre Öztürk"),
        amount="900.00",
        status=Application.Status.APPROVED,
    )

    lines = {line.year: line for line in budgets.budget_years(district=district, programme=programme)}

    assert sorted(lines) == [2025, 2026, 2027, 2028]
    line = lines[YEAR]
    assert (line.amount, line.approved, line.paid, line.free) == (
        Decimal("58000.00"), Decimal("1500.00"), Decimal("500.00"), Decimal("56500.00"),
    )  # fmt: skip
    assert lines[2027].budget is None and lines[2027].free == 0


def test_budget_cannot_go_below_what_is_approved(district, ki_staff):
    programme = successor_programme()
    make_budget(district, amount="5000")
    make_application(make_organisation(district), amount="1800.00", status=Application.Status.APPROVED)

    with pytest.raises(ValidationError) as error:
        budgets.set_annual_budget(
            by=ki_staff, district=district, programme=programme, year=YEAR, amount=Decimal("1799.99")
        )
    assert error.value.message_dict["amount"] == [
        f"Das Budget {YEAR} kann nicht unter die bereits bewilligten 1.800,00 € gesenkt werden. "
        "Geben Sie mindestens 1.800,00 € an oder nehmen Sie zuerst Bewilligungen zurück."
    ]
    budget = budgets.set_annual_budget(
        by=ki_staff, district=district, programme=programme, year=YEAR, amount=Decimal("1800.00")
    )
    assert budget.amount == Decimal("1800.00")
    assert AnnualBudget.objects.get(district=district, year=YEAR).amount == Decimal("1800.00")


def test_first_budget_of_a_year_is_created_and_only_inside_the_programme(district, ki_staff):
    programme = successor_programme()
    budget = budgets.set_annual_budget(
        by=ki_staff,
        district=district,
        programme=programme,
        year=2027,
        amount=Decimal("58000"),
        cap_per_applicant=Decimal("2500"),
    )
    assert (budget.year, budget.amount, budget.effective_cap) == (2027, Decimal("58000"), Decimal("2500"))
    with pytest.raises(ValidationError) as error:
        budgets.set_annual_budget(
            by=ki_staff, district=district, programme=programme, year=2029, amount=Decimal("1")
        )
    assert "2029 liegt außerhalb" in error.value.message_dict["year"][0]


def test_only_ki_staff_of_the_district_set_its_budget(district, contact_unna):
    other_staff = make_district_role(
        DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974"),
        DistrictRole.Role.KI_STAFF,
    )
    for person in (contact_unna, other_staff):
        with pytest.raises(PermissionDenied):
            budgets.set_annual_budget(
                by=person, district=district, programme=successor_programme(), year=YEAR, amount=Decimal("1")
            )
    assert not AnnualBudget.objects.exists()


def test_budget_screen_sets_the_budget_and_says_in_german_why_not(client, district, ki_staff):
    make_budget(district, amount="5000")
    make_application(make_organisation(district), amount="2000.00", status=Application.Status.APPROVED)
    client.force_login(ki_staff)
    url = reverse("engagement:budget_edit", kwargs={"year": YEAR})

    page = client.get(reverse("engagement:budget"), {"jahr": YEAR}).content.decode()
    assert url in page and "Budgets aller Förderjahre" in page

    response = client.post(url, {"amount": "1000", "cap_per_applicant": ""})
    assert response.status_code == 200
    assert "kann nicht unter die bereits bewilligten 2.000,00 € gesenkt werden" in response.content.decode()
    assert AnnualBudget.objects.get().amount == Decimal("5000")

    response = client.post(url, {"amount": "60000", "cap_per_applicant": "2000"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("engagement:budget") + f"?jahr={YEAR}"
    assert AnnualBudget.objects.get().amount == Decimal("60000")
    assert "60.000,00 €" in response.content.decode()


def test_staff_of_another_district_edit_their_own_budget_not_this_one(client, district):
    make_budget(district, amount="5000")
    soest = DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    client.force_login(make_district_role(soest, DistrictRole.Role.KI_STAFF))

    client.post(reverse("engagement:budget_edit", kwargs={"year": YEAR}), {"amount": "100"})

    assert AnnualBudget.objects.get(district=district).amount == Decimal("5000")
    assert AnnualBudget.objects.get(district=soest).amount == Decimal("100")


def test_year_outside_the_programme_is_not_found(client, ki_staff):
    client.force_login(ki_staff)
    assert client.get(reverse("engagement:budget_edit", kwargs={"year": 2031})).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_reduction_and_approval_at_once_never_leave_more_approved_than_budget(district, ki_staff):
    programme = successor_programme()
    make_budget(district, amount="3000")
    make_application(make_organisation(district), amount="2000.00", status=Application.Status.APPROVED)
    pending = make_application(
        make_organisation(district, name="Afghanischer Kulturverein Kamen", full_name="Farid Ahmadi"),
        title="Nachhilfe",
        amount="1000.00",
        advice=True,
    )
    start = threading.Barrier(2)
    outcomes = {}

    def approve():
        try:
            start.wait()
            services.decide_application(
                by=ki_staff, application=pending, decision=Decision.APPROVE, amount=Decimal("1000")
            )
            outcomes["approve"] = "ok"
        except ValidationError:
            outcomes["approve"] = "refused"
        finally:
            connection.close()

    def reduce():
        try:
            start.wait()
            budgets.set_annual_budget(
                by=ki_staff, district=district, programme=programme, year=YEAR, amount=Decimal("2000")
            )
            outcomes["reduce"] = "ok"
        except ValidationError:
            outcomes["reduce"] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=approve), threading.Thread(target=reduce)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["ok", "refused"]
    budget = AnnualBudget.objects.get(district=district, year=YEAR)
    assert services.committed_amount(budget=budget) <= budget.amount
