"""Open data: the non-personal datasets of the portal and their DCAT-AP.de catalogue.

Datasets (per district, per year):

* public events — every date (occurrence) of a published or cancelled event, CSV and JSON;
* offers — events and measures per municipality and field of action, CSV (the matrix of the
  district overview, from ``overview.figures``);
* the adopted Integrationskonzept's indicators — baseline, target and the district-wide values
  per year (the figures of the public concept page), CSV.

No dataset contains personal data: no contact persons, no participants, no free-text notes.
The catalogue follows DCAT-AP.de (the German application profile of DCAT) with the licence
"Datenlizenz Deutschland – Namensnennung 2.0" that Open.NRW recommends.


The records and their CSV are here; the catalogue is in overview.opendata_catalogue.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models.functions import ExtractYear
from django.utils import timezone

from concept.models import ConceptVersion, GoalIndicator, Indicator, IndicatorValue
from events.models import Event, EventOccurrence
from events.recurrence import local_zone
from kreisintegration.spreadsheets import neutralise
from municipalities.models import District

from .figures import compute_figures

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


EVENT_COLUMNS = (
    "termin_id",
    "veranstaltung_id",
    "titel",
    "beginn",
    "ende",
    "ganztaegig",
    "status",
    "kommune",
    "ags",
    "ort",
    "strasse",
    "plz",
    "ort_stadt",
    "online",
    "handlungsfelder",
    "zielgruppen",
    "sprachen",
    "url",
)
OFFER_COLUMNS = (
    "jahr",
    "kommune",
    "ags",
    "handlungsfeld",
    "veranstaltungen",
    "termine",
    "massnahmen",
    "angebote",
)
INDICATOR_COLUMNS = (
    "konzept",
    "laufzeit",
    "handlungsfeld",
    "ziel",
    "kennzahl",
    "einheit",
    "quelle_art",
    "quelle",
    "ausgangsjahr",
    "ausgangswert",
    "zieljahr",
    "zielwert",
    "richtung",
    "jahr",
    "wert",
    "wert_quelle",
    "demodaten",
    "ags",
)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _iso(value: datetime) -> str:
    return timezone.localtime(value, local_zone()).isoformat()


def _public_occurrences(*, district: District, year: int):
    return (
        EventOccurrence.objects.filter(
            event__municipality__district=district,
            event__status__in=Event.PUBLIC_STATUSES,
            start__year=year,
        )
        .select_related("event__municipality")
        .prefetch_related("event__fields_of_action", "event__target_groups", "event__languages")
        .order_by("start", "pk")
    )


def dataset_years(*, district: District) -> list[int]:
    """Years with at least one public date, up to the current year (future years are still changing
    but are published too, so other sites can show what is planned)."""
    years = (
        EventOccurrence.objects.filter(
            event__municipality__district=district, event__status__in=Event.PUBLIC_STATUSES
        )
        .annotate(year=ExtractYear("start"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("year")
    )
    return list(years)


def public_event_records(*, district: District, year: int) -> Iterator[dict]:
    """One dict per public date in ``year``: only what the public calendar shows."""
    for occurrence in _public_occurrences(district=district, year=year).iterator(chunk_size=500):
        event = occurrence.event
        yield {
            "termin_id": occurrence.pk,
            "veranstaltung_id": event.pk,
            "titel": event.title,
            "beginn": _iso(occurrence.start),
            "ende": _iso(occurrence.end),
            "ganztaegig": event.all_day,
            "status": event.status,
            "kommune": event.municipality.name,
            "ags": event.municipality.ags,
            "ort": event.location_name,
            "strasse": event.street,
            "plz": event.postcode,
            "ort_stadt": event.town,
            "online": event.online_url,
            "handlungsfelder": [f.slug for f in event.fields_of_action.all()],
            "zielgruppen": [g.slug for g in event.target_groups.all()],
            "sprachen": [lang.code for lang in event.languages.all()],
            "url": absolute_url(event.get_absolute_url()),
        }


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        return neutralise(" ".join(value))
    return neutralise(value)


def csv_lines(columns: tuple[str, ...], records) -> Iterator[str]:
    """RFC 4180 CSV (comma, UTF-8, CRLF), text always quoted so the AGS keeps its leading zero."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(columns)
    yield flush()
    for record in records:
        writer.writerow([_csv_cell(record[column]) for column in columns])
        yield flush()


def offer_records(*, district: District, year: int) -> list[dict]:
    """Events, dates and measures per municipality and field of action in ``year`` (the overview's
    matrix; only approved events and running measures are counted, see ``overview.counting``)."""
    figures = compute_figures(district=district, year=year)
    fields = figures["fields_of_action"]
    rows = []
    for municipality in figures["municipalities"]:
        cells = figures["matrix"][municipality["slug"]]
        for field in fields:
            cell = cells[field["slug"]]
            rows.append(
                {
                    "jahr": year,
                    "kommune": municipality["name"],
                    "ags": municipality["ags"],
                    "handlungsfeld": field["name"],
                    "veranstaltungen": cell["events"],
                    "termine": cell["occurrences"],
                    "massnahmen": cell["measures"],
                    "angebote": cell["events"] + cell["measures"],
                }
            )
    return rows


def _plain(value: Decimal | None) -> Decimal | None:
    """12.5000 as 12.5 and 100.0000 as 100 (numbers stay unquoted in the CSV)."""
    return None if value is None else Decimal(format(value.normalize(), "f"))


def adopted_concept(*, district: District) -> ConceptVersion | None:
    """The version of the district's Integrationskonzept in force (adopted by the Kreistag), if any."""
    return (
        ConceptVersion.objects.filter(concept__district=district, status=ConceptVersion.Status.ADOPTED)
        .order_by("-adopted_on", "-pk")
        .first()
    )


def indicator_records(*, district: District, version: ConceptVersion) -> list[dict]:
    """One row per indicator of the version's goals and year with a district-wide value (one row
    without value when none is stored yet): what the public concept page shows, in two queries.

    Portal indicators are computed from the portal's own data, not stored; their rows carry the
    baseline and target only, and ``quelle_art`` says where their values come from.
    """
    targets = list(
        GoalIndicator.objects.filter(goal__version=version)
        .select_related("goal__field_of_action", "indicator")
        .order_by("goal__field_of_action__name", "goal__order", "goal__pk", "order", "pk")
    )
    values: dict[int, list[IndicatorValue]] = {}
    for value in IndicatorValue.objects.filter(
        indicator_id__in={target.indicator_id for target in targets}, municipality__isnull=True
    ).order_by("year"):
        values.setdefault(value.indicator_id, []).append(value)
    rows = []
    for target in targets:
        indicator = target.indicator
        common = {
            "konzept": version.title,
            "laufzeit": f"{version.period_start}–{version.period_end}",
            "handlungsfeld": target.goal.field_of_action.name,
            "ziel": target.goal.title,
            "kennzahl": indicator.name,
            "einheit": indicator.unit,
            "quelle_art": Indicator.Source(indicator.source).label,
            "quelle": indicator.source_name,
            "ausgangsjahr": target.baseline_year,
            "ausgangswert": _plain(target.baseline_value),
            "zieljahr": target.target_year,
            "zielwert": _plain(target.target_value),
            "richtung": GoalIndicator.Direction(target.direction).label,
            "ags": district.ags_prefix,
        }
        empty = {"jahr": None, "wert": None, "wert_quelle": "", "demodaten": False}
        for value in values.get(indicator.pk, []) or [None]:
            if value is None:
                rows.append({**common, **empty})
            else:
                rows.append(
                    {
                        **common,
                        "jahr": value.year,
                        "wert": _plain(value.value),
                        "wert_quelle": value.source,
                        "demodaten": value.is_demo,
                    }
                )
    return rows
