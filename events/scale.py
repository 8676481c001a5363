"""Scale data for ``manage.py seed_demo --scale N``: about 1,250 events per district.

Two years (the given one and the one before), a share of recurring series
(weekly, every two weeks, monthly on the n-th weekday) whose occurrences are
computed by the same code as in real use (``recurrence.compute_occurrences``),
the usual mix of review states (most published, some waiting for review) and
a busy September (Interkulturelle Woche). Rows are built in Python and
inserted in batches. Idempotent: a district that already has scale events is
skipped.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from municipalities.bulkload import copy_insert, copy_rows
from municipalities.models import District, FieldOfAction, Language, Measure, TargetGroup
from municipalities.scale import scale_staff_email, scaled_districts

from .models import Event, EventChange, EventOccurrence
from .recurrence import compute_occurrences, local_zone

EVENTS_PER_DISTRICT = 1250
# Marks generated rows so that running the command again adds nothing (shown nowhere).
ORGANISER_MARK = "Integrationsnetzwerk"

S = Event.Status
STATUS_WEIGHTS = [
    (S.APPROVED, 80),
    (S.CANCELLED, 3),
    (S.SUBMITTED, 6),
    (S.DRAFT, 5),
    (S.RETURNED, 4),
    (S.REJECTED, 2),
]
TITLES = [
    ("Sprachcafé", "Deutsch üben bei Kaffee und Tee – ohne Anmeldung, alle Niveaus willkommen."),
    ("Offene Migrationsberatung", "Beratung zu Aufenthalt, Arbeit, Wohnen und Familiennachzug."),
    ("Elterncafé Kita und Schule", "Wie funktionieren Kita und Schule in Deutschland? Austausch für Eltern."),
    ("Informationsabend Ausbildung", "Betriebe stellen Ausbildungsberufe vor; Jobcenter und Kammer beraten."),
    ("Fußballturnier „Ein Ball – viele Länder“", "Gemischte Teams, Anmeldung vor Ort."),
    ("Gesundheitstag für Frauen", "Vorträge und Beratung mit Dolmetscherinnen."),
    ("Interkulturelles Fest", "Musik, Essen und Begegnung aus vielen Ländern."),
    ("Lesung: Ankommen in Deutschland", "Autorinnen und Autoren lesen aus ihren Geschichten."),
    ("Bewerbungstraining", "Lebenslauf, Anschreiben, Vorstellungsgespräch – mit Übungen."),
    ("Nähcafé international", "Gemeinsam nähen und dabei Deutsch sprechen."),
    ("Sprechstunde Wohnungssuche", "Hilfe bei Anzeigen, Besichtigungen und Mietverträgen."),
    ("Workshop Antidiskriminierung", "Was tun bei Diskriminierung? Rechte kennen und handeln."),
    ("Kochabend „Rezepte der Welt“", "Wir kochen gemeinsam Gerichte aus den Herkunftsländern."),
    ("Radfahrkurs für Frauen", "Sicher Rad fahren lernen in kleinen Gruppen."),
    ("Hausaufgabenhilfe", "Ehrenamtliche helfen Schulkindern bei den Hausaufgaben."),
    ("Infoabend Einbürgerung", "Voraussetzungen, Ablauf und Kosten der Einbürgerung."),
    ("Seniorentreff international", "Austausch und Kaffee für ältere Menschen aus aller Welt."),
    ("Theaterprojekt Jugend", "Jugendliche entwickeln ein Stück über Heimat und Ankommen."),
]
PLACES = ["Rathaus", "Stadtbücherei", "Begegnungszentrum", "Familienzentrum", "Volkshochschule",
          "Jugendzentrum", "Gemeindehaus", "Bürgerhaus"]  # fmt: skip
LANGUAGE_CODES = ["de", "ar", "uk", "tr", "fa", "ru", "en", "ti", "ku", "so", "fr", "pl", "ro"]


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), local_zone())


def _random_day(rng: random.Random, year: int) -> date:
    # September is busier (Interkulturelle Woche), the summer holidays quieter.
    month = rng.choices(range(1, 13), weights=[8, 8, 9, 9, 9, 9, 5, 5, 16, 9, 9, 6])[0]
    return date(year, month, 1) + timedelta(days=rng.randrange(28))


def _build_event(rng: random.Random, municipality, year: int, measures: list, staff: User) -> Event:
    title, text = rng.choice(TITLES)
    status = rng.choices([s for s, _w in STATUS_WEIGHTS], weights=[w for _s, w in STATUS_WEIGHTS])[0]
    day = _random_day(rng, year)
    start = _aware(day, time(rng.choice([9, 10, 14, 16, 17, 18, 19])))
    event = Event(
        municipality=municipality,
        title=f"{title} {municipality.name}",
        description=text,
        start=start,
        end=start + timedelta(hours=rng.choice([1, 2, 2, 3, 4])),
        location_name=rng.choice(PLACES),
        street=f"Marktplatz {rng.randrange(1, 40)}",
        postcode=f"{rng.randrange(40000, 59999)}",
        town=municipality.name,
        organiser=f"{ORGANISER_MARK} {municipality.name}",
        public_contact=f"integration@{municipality.slug}.example",
        expected_participants=rng.choice([10, 15, 20, 30, 50, 120]),
        status=status,
        created_by=staff,
        measure=rng.choice(measures) if measures and rng.random() < 0.3 else None,
    )
    kind = rng.random()
    if kind < 0.07:
        event.frequency, event.weekdays = Event.Frequency.WEEKLY, [day.weekday()]
        event.repeat_until = min(day + timedelta(weeks=rng.choice([8, 12, 20, 26])), date(year, 12, 31))
    elif kind < 0.10:
        event.frequency, event.interval, event.weekdays = Event.Frequency.WEEKLY, 2, [day.weekday()]
        event.repeat_count = rng.choice([6, 10, 12])
    elif kind < 0.12:
        event.frequency, event.monthly_mode = Event.Frequency.MONTHLY, Event.MonthlyMode.NTH_WEEKDAY
        event.repeat_count = rng.choice([4, 6, 10])
    if status != S.DRAFT:
        event.submitted_at = start - timedelta(days=rng.randrange(10, 60))
    if status in (S.APPROVED, S.CANCELLED, S.RETURNED, S.REJECTED):
        event.reviewed_at = event.submitted_at + timedelta(days=rng.randrange(1, 5))
        event.reviewed_by = staff
    if status == S.RETURNED:
        event.review_comment = "Bitte ergänzen Sie den Ort und die Anmeldefrist."
    if status == S.APPROVED and not event.frequency and start < timezone.now() and rng.random() < 0.8:
        event.actual_participants = rng.randrange(5, 130)
    return event


def _seed_district(district: District, year: int) -> tuple[int, int]:
    if Event.objects.filter(municipality__district=district, organiser__startswith=ORGANISER_MARK).exists():
        return 0, 0
    rng = random.Random(f"events-{district.ags_prefix}")  # noqa: S311 - deterministic demo data
    staff = User.objects.filter(email=scale_staff_email(district)).first()
    municipalities = list(district.municipalities.order_by("ags"))
    measures = {}
    for measure in Measure.objects.filter(municipality__district=district).only("pk", "municipality_id"):
        measures.setdefault(measure.municipality_id, []).append(measure)
    fields = list(FieldOfAction.objects.filter(district=district))
    groups = list(TargetGroup.objects.filter(district=district))
    languages = {lang.code: lang for lang in Language.objects.filter(code__in=LANGUAGE_CODES)}
    codes = [code for code in LANGUAGE_CODES if code in languages]

    events = []
    for number in range(EVENTS_PER_DISTRICT):
        municipality = municipalities[number % len(municipalities)]
        # Two thirds in the given year, a third in the year before (for the trend).
        event_year = year if rng.random() < 0.67 else year - 1
        events.append(_build_event(rng, municipality, event_year, measures.get(municipality.pk, []), staff))
    copy_insert(events)

    occurrences, through_fields, through_groups, through_languages, changes = [], [], [], [], []
    created_at = timezone.now()
    for event in events:
        occurrences.extend((event.pk, start, end) for start, end in compute_occurrences(event))
        through_fields.extend((event.pk, field.pk) for field in rng.sample(fields, rng.choice([1, 1, 2, 3])))
        through_groups.extend((event.pk, group.pk) for group in rng.sample(groups, rng.choice([1, 2, 2, 3])))
        through_languages.extend(
            (event.pk, languages[code].pk) for code in ["de", *rng.sample(codes[1:], rng.choice([0, 1, 2]))]
        )
        changes.append(
            (event.pk, staff.pk if staff else None, EventChange.Action.CREATED, created_at, "", "{}")
        )
    copy_rows(EventOccurrence._meta.db_table, ["event_id", "start", "end"], occurrences)
    copy_rows(Event.fields_of_action.through._meta.db_table, ["event_id", "fieldofaction_id"], through_fields)
    copy_rows(Event.target_groups.through._meta.db_table, ["event_id", "targetgroup_id"], through_groups)
    copy_rows(Event.languages.through._meta.db_table, ["event_id", "language_id"], through_languages)
    copy_rows(
        EventChange._meta.db_table, ["event_id", "actor_id", "action", "at", "comment", "changes"], changes
    )
    return len(events), len(occurrences)


def seed_scale(*, scale: int, year: int, stdout=None) -> None:
    total_events = total_occurrences = 0
    for district in scaled_districts(scale):
        with transaction.atomic():
            events, occurrences = _seed_district(district, year)
        total_events += events
        total_occurrences += occurrences
    if stdout:
        stdout.write(f"  {total_events} Veranstaltungen mit {total_occurrences} Terminen neu angelegt")
