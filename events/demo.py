"""A realistic year of demo events and measures for every municipality of the demo district.

Idempotent: an event or measure is identified by municipality and title and
never created twice; dates are laid out in the current year.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from municipalities.models import District, FieldOfAction, Language, Measure, Municipality, TargetGroup

from . import services
from .models import Event

S = Event.Status

# title, description, fields of action, target groups, languages, frequency spec, duration (h), status
EVENT_TEMPLATES = [
    ("Internationales Sprachcafé", "Deutsch üben bei Kaffee und Tee – ohne Anmeldung, alle Niveaus willkommen.",
     ["sprache-bildung", "ehrenamt"], ["neuzugewanderte", "alle"], ["de", "ar", "uk"], "weekly", 2, S.APPROVED),
    ("Offene Migrationsberatung", "Beratung zu Aufenthalt, Arbeit, Wohnen und Familiennachzug.",
     ["beratung"], ["neuzugewanderte", "familien"], ["de", "ar", "fa", "tr"], "biweekly", 3, S.APPROVED),
    ("Elterncafé Kita und Schule", "Austausch für Eltern: Wie funktionieren Kita und Schule in Deutschland?",
     ["fruehe-bildung", "sprache-bildung"], ["familien", "frauen"], ["de", "ar", "ru"], "monthly", 2, S.APPROVED),
    ("Informationsabend Ausbildung", "Betriebe stellen Ausbildungsberufe vor; Jobcenter und Kammer beraten.",
     ["ausbildung-arbeit"], ["jugendliche", "neuzugewanderte"], ["de", "en"], "", 2, S.APPROVED),
    ("Fußballturnier „Ein Ball – viele Länder“", "Gemischte Teams, Anmeldung vor Ort.",
     ["sport"], ["jugendliche", "kinder"], ["de"], "", 5, S.SUBMITTED),
    ("Gesundheitstag für Frauen", "Vorträge und Beratung mit Dolmetscherinnen.",
     ["gesundheit"], ["frauen"], ["de", "ar", "tr", "fa"], "", 4, S.DRAFT),
    ("Interkulturelle Woche", "Eine Woche Begegnung: Lesungen, Musik, Essen aus vielen Ländern.",
     ["kultur", "antidiskriminierung"], ["alle"], ["de"], "multiday", 0, S.APPROVED),
    ("Schulung interkulturelle Kompetenz für die Verwaltung", "Für Beschäftigte mit Publikumsverkehr.",
     ["interkulturelle-oeffnung"], ["fachkraefte"], ["de"], "", 6, S.RETURNED),
    ("Wohnungsbesichtigung: Rechte und Pflichten als Mieter", "Was steht im Mietvertrag? Praxisnah erklärt.",
     ["wohnen", "beratung"], ["neuzugewanderte", "familien"], ["de", "uk", "ru"], "", 2, S.CANCELLED),
]  # fmt: skip

MEASURE_TEMPLATES = [
    ("Sprachpatenschaften", "Ehrenamtliche begleiten Neuzugewanderte beim Deutschlernen.", "Freiwilligenagentur",
     ["sprache-bildung", "ehrenamt"], ["neuzugewanderte", "ehrenamtliche"], Measure.Status.RUNNING, "KOMM-AN NRW, Baustein B"),
    ("Integrationslotsinnen und -lotsen", "Begleitung zu Ämtern, Ärztinnen und Schulen.", "Caritas",
     ["beratung", "ehrenamt"], ["neuzugewanderte", "familien"], Measure.Status.RUNNING, ""),
    ("Mädchensportgruppe", "Wöchentliches Training für Mädchen ab 10 Jahren.", "Stadtsportbund",
     ["sport"], ["kinder", "jugendliche", "frauen"], Measure.Status.PLANNED, ""),
]  # fmt: skip


def _author(municipality: Municipality, staff: User) -> User:
    contact = User.objects.filter(memberships__municipality=municipality).order_by("pk").first()
    return contact or staff


def seed(*, with_users: bool, stdout=None) -> None:
    district = District.objects.filter(slug="kreis-unna").first()
    staff = User.objects.filter(email="ki@example.org").first()
    if district is None or staff is None or not with_users:
        if stdout:
            stdout.write("  Veranstaltungen: übersprungen (Demo-Konten fehlen)")
        return
    rng = random.Random(4711)  # noqa: S311 - deterministic demo data, not security
    year = timezone.localdate().year
    fields = {f.slug: f for f in FieldOfAction.objects.filter(district=district)}
    groups = {g.slug: g for g in TargetGroup.objects.filter(district=district)}
    languages = {lang.code: lang for lang in Language.objects.all()}
    created_events = created_measures = 0
    for index, municipality in enumerate(district.municipalities.order_by("name")):
        author = _author(municipality, staff)
        measures = []
        for title, text, provider, f_slugs, g_slugs, status, funding in MEASURE_TEMPLATES:
            measure = Measure.objects.filter(municipality=municipality, title=title).first()
            if measure is None:
                measure = Measure(
                    municipality=municipality, title=title, description=text, provider=f"{provider} {municipality.name}",
                    status=status, starts_on=date(year, 1, 1), funding=funding,
                    contact=f"integration@{municipality.slug}.example",
                )  # fmt: skip
                services_measure(author, measure, [fields[s] for s in f_slugs], [groups[s] for s in g_slugs])
                created_measures += 1
            measures.append(measure)
        for number, (title, text, f_slugs, g_slugs, codes, freq, hours, status) in enumerate(EVENT_TEMPLATES):
            full_title = f"{title} {municipality.name}"
            if Event.objects.filter(municipality=municipality, title=full_title).exists():
                continue
            month = 1 + (index + number * 3) % 12
            day = 1 + rng.randrange(27)
            start_day = date(year, month, day)
            hour = rng.choice([10, 14, 16, 18])
            event = Event(
                municipality=municipality, title=full_title, description=text,
                location_name=rng.choice(["Rathaus", "Stadtbücherei", "Begegnungszentrum", "Familienzentrum"]),
                street=f"Marktplatz {1 + number}", postcode="59" + str(423 + index), town=municipality.name,
                organiser=f"Integrationsbüro {municipality.name}", public_contact=f"integration@{municipality.slug}.example",
                expected_participants=rng.choice([15, 20, 30, 50, 120]),
                measure=measures[0] if number == 0 else None,
            )  # fmt: skip
            if freq == "multiday":
                event.start = _aware(date(year, 9, 20), time.min)
                event.end = _aware(date(year, 9, 27), time(23, 59))
                event.all_day = True
            else:
                event.start = _aware(start_day, time(hour))
                event.end = event.start + timedelta(hours=hours)
            if freq == "weekly":
                event.frequency, event.weekdays, event.repeat_until = (
                    "weekly",
                    [start_day.weekday()],
                    date(year, 12, 18),
                )
                event.excluded_dates = [
                    d.isoformat() for d in _weekdays_between(start_day, date(year, 12, 18))[3:4]
                ]
            elif freq == "biweekly":
                event.frequency, event.interval, event.repeat_count = "weekly", 2, 12
            elif freq == "monthly":
                event.frequency, event.monthly_mode, event.repeat_count = "monthly", "weekday", 10
            if start_day < timezone.localdate() and status == S.APPROVED and not freq:
                event.actual_participants = rng.choice([8, 17, 25, 40, 95])
            event = services.save_event(
                by=author, event=event,
                fields_of_action=[fields[s] for s in f_slugs], target_groups=[groups[s] for s in g_slugs],
                languages=[languages[c] for c in codes if c in languages],
            )  # fmt: skip
            _move_to(event, status, author=author, staff=staff)
            created_events += 1
    if stdout:
        stdout.write(f"  {created_events} Veranstaltungen, {created_measures} Maßnahmen neu angelegt")


def services_measure(author, measure, fields, groups) -> None:
    from municipalities.services import save_measure

    save_measure(by=author, measure=measure, fields_of_action=fields, target_groups=groups)


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _weekdays_between(first: date, last: date) -> list[date]:
    days, current = [], first
    while current <= last:
        days.append(current)
        current += timedelta(days=7)
    return days


def _move_to(event: Event, status: str, *, author: User, staff: User) -> None:
    """Walk the real workflow so history and review fields look as in real use."""
    if status == S.DRAFT:
        return
    services.submit_event(by=author, event=event)
    if status == S.SUBMITTED:
        return
    if status == S.RETURNED:
        services.return_event(
            by=staff, event=event, comment="Bitte ergänzen Sie den Ort und die Anmeldefrist."
        )
        return
    services.approve_event(by=staff, event=event)
    if status == S.CANCELLED:
        services.cancel_event(by=author, event=event, comment="Der Raum steht leider nicht zur Verfügung.")
