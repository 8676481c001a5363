"""Run by ``test_sqlite_paths.py`` in a process of its own, against a migrated SQLite file (the
database of ``make run``): the code paths that have a PostgreSQL-only form (plain SQL, arrays)
answer on SQLite too. Prints one JSON line with what it saw."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kreisintegration.settings")
django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main() -> None:
    setup_test_environment()  # the test client's host, in-memory mail
    from django.db import connection

    from conftest import make_ki_staff, make_unna
    from events.models import Event
    from events.tests.factories import make_event
    from municipalities.models import FieldOfAction, Language
    from municipalities.tests.factories import DistrictFactory
    from volunteers.models import Registration
    from volunteers.tests.factories import make_course, make_volunteer

    assert connection.vendor == "sqlite", connection.vendor
    district = DistrictFactory(name="Kreis Unna", slug="kreis-unna", ags_prefix="05978")
    unna = make_unna(district)
    field = FieldOfAction.objects.create(district=district, name="Sprache", position=1)
    language = Language.objects.create(code="ar", name="Arabisch", position=1)
    event = make_event(
        by=make_ki_staff(district),
        municipality=unna,
        title="Sprachcafé",
        fields_of_action=[field],
        languages=[language],
        status=Event.Status.APPROVED,
    )
    course = make_course(district, capacity=1)
    seen: dict = {}
    client = Client()
    page = client.get(f"/veranstaltungen/{event.pk}/")
    seen["event_page"] = [
        page.status_code,
        "Sprache" in page.content.decode(),
        "Arabisch" in page.content.decode(),
    ]
    feed = client.get("/events/feed/unna.ics")
    seen["feed"] = [feed.status_code, b"SUMMARY:Sprachcaf" in feed.content]
    for number in (1, 2):
        volunteer = make_volunteer(district, email=f"person{number}@example.org")
        client = Client()
        client.force_login(volunteer.user)
        answer = client.post(f"/kurse/{course.pk}/anmelden/")
        registration = Registration.objects.get(course=course, volunteer=volunteer)
        seen[f"registration_{number}"] = [
            answer.status_code,
            registration.status,
            registration.waitlist_position,
        ]
    print(json.dumps(seen))


if __name__ == "__main__":
    sys.exit(main())
