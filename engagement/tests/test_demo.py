from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from engagement.models import AnnualBudget, Application, Organisation, Receipt


def state():
    return (
        list(
            Application.objects.order_by("pk").values_list(
                "pk", "status", "requested_amount", "approved_amount"
            )
        ),
        list(Organisation.objects.order_by("pk").values_list("pk", "status")),
        AnnualBudget.objects.count(),
        Receipt.objects.count(),
    )


def test_seed_demo_adds_a_confirmed_initiative_with_one_application_per_state_idempotently(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    first = state()
    call_command("seed_demo", stdout=StringIO())
    assert state() == first

    confirmed = Organisation.objects.get(status=Organisation.Status.CONFIRMED)
    assert confirmed.members.get().user.email == "initiative@example.org"
    assert Organisation.objects.filter(status=Organisation.Status.PENDING).exists()
    assert set(confirmed.applications.values_list("status", flat=True)) == set(Application.Status.values)
    approved = confirmed.applications.get(status=Application.Status.APPROVED)
    assert approved.contract.iban and approved.payment_requests.get().paid_on
    assert approved.proof.status == "submitted"
    assert sorted(approved.proof.receipts.values_list("amount", flat=True)) == [
        Decimal("150.00"),
        Decimal("250.00"),
    ]
    for application in confirmed.applications.all():
        assert sum(item.amount for item in application.cost_items.all()) == application.requested_amount
        if application.status not in (Application.Status.DRAFT,):
            assert application.advice_meetings.exists()
