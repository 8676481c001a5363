"""Two realistic years of demo events and measures for the municipalities of the demo district.

The municipalities differ as real ones do (see ``PROFILES``): a busy district town, a large town
with few offers, small ones with gaps in whole fields of action; some grow against the previous
year, some shrink. The previous year has its own published, held events, so the dashboard's trend
compares two real years. One-off dates avoid Sundays and NRW's public holidays.

Idempotent: an event is identified by municipality, title and year, a measure by municipality and
title; neither is created twice.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from municipalities.holidays import next_working_day
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


# slug → (indexes into EVENT_TEMPLATES this year, the previous year's, number of measures). A
# municipality without a template of a field of action has a gap there.
PROFILES = {
    # the district town: everything, and growing
    "unna": ((0, 1, 2, 3, 4, 5, 6, 7, 8), (0, 1, 3, 6), 3),
    # the largest town, but few offers (under-served), fewer than last year
    "luenen": ((0, 1, 4), (0, 1, 2, 3, 6, 8), 1),
    "bergkamen": ((0, 1, 2, 3, 6), (0, 1, 6), 2),
    "kamen": ((0, 1, 2, 3, 5, 6, 8), (0, 6), 2),
    "schwerte": ((0, 2, 6), (0, 1, 2, 3, 6, 7), 1),
    "werne": ((0, 1, 3, 6), (0, 1, 3, 6), 1),
    # small municipalities: some very active, some with hardly anything
    "holzwickede": ((0, 1, 2, 4, 6), (0, 2), 2),
    "froendenberg-ruhr": ((0, 6), (0, 6), 1),
    "selm": ((0, 2, 5), (0, 2, 3), 0),
    "boenen": ((6,), (0,), 0),
}
DEFAULT_PROFILE = ((0, 1, 2, 3, 6), (0, 1), 1)


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
        current_templates, previous_templates, measure_count = PROFILES.get(
            municipality.slug, DEFAULT_PROFILE
        )
        measures = []
        for title, text, provider, f_slugs, g_slugs, status, funding in MEASURE_TEMPLATES[:measure_count]:
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
        for number in current_templates:
            if _seed_event(
                municipality, number, year=year, index=index, rng=rng, author=author, staff=staff,
                fields=fields, groups=groups, languages=languages, measure=measures[0] if number == 0 and measures else None,
            ):  # fmt: skip
                created_events += 1
        for number in previous_templates:
            if _seed_past_event(
                municipality, number, year=year - 1, index=index, rng=rng, author=author, staff=staff,
                fields=fields, groups=groups, languages=languages,
            ):  # fmt: skip
                created_events += 1
    if stdout:
        stdout.write(f"  {created_events} Veranstaltungen, {created_measures} Maßnahmen neu angelegt")


def _event_exists(municipality: Municipality, title: str, year: int) -> bool:
    return Event.objects.filter(municipality=municipality, title=title, start__year=year).exists()


def _new_event(municipality, number, *, index, rng, measure=None) -> Event:
    title, text, *_rest = EVENT_TEMPLATES[number]
    return Event(
        municipality=municipality, title=f"{title} {municipality.name}", description=text,
        location_name=rng.choice(["Rathaus", "Stadtbücherei", "Begegnungszentrum", "Familienzentrum"]),
        street=f"Marktplatz {1 + number}", postcode="59" + str(423 + index), town=municipality.name,
        organiser=f"Integrationsbüro {municipality.name}", public_contact=f"integration@{municipality.slug}.example",
        expected_participants=rng.choice([15, 20, 30, 50, 120]),
        measure=measure,
    )  # fmt: skip


def _save(event, number, *, author, fields, groups, languages) -> Event:
    _title, _text, f_slugs, g_slugs, codes, *_rest = EVENT_TEMPLATES[number]
    return services.save_event(
        by=author, event=event,
        fields_of_action=[fields[s] for s in f_slugs], target_groups=[groups[s] for s in g_slugs],
        languages=[languages[c] for c in codes if c in languages],
    )  # fmt: skip


def _seed_event(municipality, number, *, year, index, rng, author, staff, fields, groups, languages, measure):
    title, _text, _f, _g, _codes, freq, hours, status = EVENT_TEMPLATES[number]
    if _event_exists(municipality, f"{title} {municipality.name}", year):
        return False
    month = 1 + (index + number * 3) % 12
    start_day = next_working_day(date(year, month, 1 + rng.randrange(27)))
    hour = rng.choice([10, 14, 16, 18])
    event = _new_event(municipality, number, index=index, rng=rng, measure=measure)
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
        event.excluded_dates = [d.isoformat() for d in _weekdays_between(start_day, date(year, 12, 18))[3:4]]
    elif freq == "biweekly":
        event.frequency, event.interval, event.repeat_count = "weekly", 2, 12
    elif freq == "monthly":
        event.frequency, event.monthly_mode, event.repeat_count = "monthly", "weekday", 10
    if start_day < timezone.localdate() and status == S.APPROVED and not freq:
        event.actual_participants = rng.choice([8, 17, 25, 40, 95])
    event = _save(event, number, author=author, fields=fields, groups=groups, languages=languages)
    _move_to(event, status, author=author, staff=staff)
    return True


def _seed_past_event(municipality, number, *, year, index, rng, author, staff, fields, groups, languages):
    """The previous year: the same kind of offer, held and published, with its participants."""
    title, _text, _f, _g, _codes, freq, hours, _status = EVENT_TEMPLATES[number]
    if _event_exists(municipality, f"{title} {municipality.name}", year):
        return False
    month = 1 + (index * 5 + number * 2) % 12
    start_day = next_working_day(date(year, month, 1 + rng.randrange(27)))
    event = _new_event(municipality, number, index=index, rng=rng)
    if freq == "multiday":
        event.start = _aware(date(year, 9, 21), time.min)
        event.end = _aware(date(year, 9, 28), time(23, 59))
        event.all_day = True
    else:
        event.start = _aware(start_day, time(rng.choice([10, 14, 16, 18])))
        event.end = event.start + timedelta(hours=hours or 2)
    if freq in ("weekly", "biweekly"):
        event.frequency, event.interval, event.repeat_count = "weekly", 2 if freq == "biweekly" else 1, 8
        event.weekdays = [start_day.weekday()]
    event.actual_participants = rng.choice([6, 12, 18, 30, 60])
    event = _save(event, number, author=author, fields=fields, groups=groups, languages=languages)
    _move_to(event, S.APPROVED, author=author, staff=staff)
    return True


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
        services.decide_event(
            by=staff,
            event=event,
            decision="return",
            comment="Bitte ergänzen Sie den Ort und die Anmeldefrist.",
        )
        return
    services.decide_event(by=staff, event=event, decision="approve")
    if status == S.CANCELLED:
        services.cancel_event(by=author, event=event, comment="Der Raum steht leider nicht zur Verfügung.")
