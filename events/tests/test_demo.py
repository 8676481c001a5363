from io import StringIO

from django.core.management import call_command

from events.models import Event, EventChange, EventOccurrence
from municipalities.models import Measure


def state():
    return (
        list(Event.objects.order_by("pk").values_list("pk", "title", "status", "start")),
        EventOccurrence.objects.count(),
        EventChange.objects.count(),
        list(Measure.objects.order_by("pk").values_list("pk", "title")),
    )


def test_seed_demo_adds_two_years_of_events_idempotently(db, settings, mailoutbox):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    first = state()
    call_command("seed_demo", stdout=StringIO())
    assert state() == first

    assert Event.objects.values("municipality").distinct().count() == 10
    statuses = set(Event.objects.values_list("status", flat=True))
    assert {"approved", "submitted", "draft", "returned", "cancelled"} <= statuses
    assert Event.objects.exclude(frequency="").exists()
    from django.utils import timezone

    multi_day = Event.objects.get(title="Interkulturelle Woche Unna", start__year=timezone.localdate().year)
    assert (multi_day.end - multi_day.start).days >= 6
    assert Measure.objects.filter(municipality__slug="unna").count() == 3
    # Seeding walks the real workflow but mails nobody.
    assert mailoutbox == []
