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
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from concept.models import ConceptVersion, GoalIndicator, Indicator, IndicatorValue
from events.models import Event, EventOccurrence
from events.recurrence import local_zone
from municipalities.models import District
from municipalities.spreadsheets import neutralise

from .figures import compute_figures

LICENCE_URI = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
LICENCE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
GEOCODING_LEVEL_DISTRICT = "http://dcat-ap.de/def/politicalGeocoding/Level/administrativeDistrict"
DISTRICT_KEY_URI = "http://dcat-ap.de/def/politicalGeocoding/districtKey/{key}"
MUNICIPALITY_KEY_URI = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/{key}"
THEME_SOCIETY = "http://publications.europa.eu/resource/authority/data-theme/SOCI"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/{kind}"
MEDIA_TYPES = {"CSV": "text/csv", "JSON": "application/json"}
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

JSON_LD_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

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


def _absolute(path: str) -> str:
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
            "url": _absolute(event.get_absolute_url()),
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


def _modified(*, district: District) -> date:
    last = Event.objects.filter(municipality__district=district, status__in=Event.PUBLIC_STATUSES).aggregate(
        last=Max("updated_at")
    )["last"]
    return timezone.localtime(last).date() if last else timezone.localdate()


def _distribution(*, url: str, kind: str, title: str, attribution: str) -> dict:
    return {
        "@id": f"{url}#distribution",
        "@type": "dcat:Distribution",
        "dct:title": title,
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dct:format": {"@id": FILE_TYPE.format(kind=kind)},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{MEDIA_TYPES[kind]}"},
        "dct:license": {"@id": LICENCE_URI},
        "dcatde:licenseAttributionByText": attribution,
    }


def catalogue(*, district: District) -> dict:
    """The DCAT-AP.de catalogue of every dataset, as JSON-LD."""
    publisher = {
        "@id": _absolute(reverse("imprint")) + "#publisher",
        "@type": "foaf:Organization",
        "foaf:name": district.ki_name,
    }
    contact = {
        "@id": _absolute(reverse("imprint")) + "#contact",
        "@type": "vcard:Organization",
        "vcard:fn": district.ki_name,
        "vcard:hasEmail": {"@id": f"mailto:{district.ki_email}"},
    }
    spatial = {"@id": DISTRICT_KEY_URI.format(key=district.ags_prefix)}
    attribution = f"{district.ki_name} ({settings.SITE_URL})"
    modified = {"@value": _modified(district=district).isoformat(), "@type": "xsd:date"}

    def dataset(
        *,
        slug: str,
        year: int,
        title: str,
        description: str,
        kinds: tuple[str, ...],
        end_year: int | None = None,
        urls: dict[str, str] | None = None,
        keywords: tuple[str, ...] = ("Integration", "Veranstaltungen"),
    ) -> dict:
        distributions = [
            _distribution(
                url=_absolute(
                    (urls or {}).get(kind)
                    or reverse(f"overview:opendata_{slug}", kwargs={"year": year, "fmt": kind.lower()})
                ),
                kind=kind,
                title=f"{title} ({kind})",
                attribution=attribution,
            )
            for kind in kinds
        ]
        return {
            "@id": _absolute(reverse("overview:opendata_catalogue")) + f"#{slug}-{year}",
            "@type": "dcat:Dataset",
            "dct:title": title,
            "dct:description": description,
            "dct:identifier": f"{district.slug}-{slug}-{year}",
            "dct:publisher": publisher,
            "dcat:contactPoint": contact,
            "dcatde:contributorID": {"@id": settings.OPENDATA_CONTRIBUTOR_ID},
            "dcatde:politicalGeocodingLevelURI": {"@id": GEOCODING_LEVEL_DISTRICT},
            "dcatde:politicalGeocodingURI": spatial,
            "dct:spatial": spatial,
            "dct:temporal": {
                "@type": "dct:PeriodOfTime",
                "dcat:startDate": {"@value": f"{year}-01-01", "@type": "xsd:date"},
                "dcat:endDate": {"@value": f"{end_year or year}-12-31", "@type": "xsd:date"},
            },
            "dct:modified": modified,
            "dct:license": {"@id": LICENCE_URI},
            "dcat:theme": {"@id": THEME_SOCIETY},
            "dcat:keyword": [*keywords, district.name],
            "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/DEU"},
            "dcat:distribution": distributions,
        }

    datasets = []
    for year in dataset_years(district=district):
        datasets.append(
            dataset(
                slug="events",
                year=year,
                title=_("Integrationsangebote: Veranstaltungen %(year)s %(in_district)s")
                % {"year": year, "in_district": district.locative},
                description=_(
                    "Alle veröffentlichten und abgesagten Termine von Veranstaltungen der Integrationsarbeit "
                    "der Kommunen im Jahr %(year)s, mit Kommune (AGS), Ort, Handlungsfeldern, Zielgruppen und "
                    "Sprachen. Ohne personenbezogene Daten."
                )
                % {"year": year},
                kinds=("CSV", "JSON"),
            )
        )
        datasets.append(
            dataset(
                slug="offers",
                year=year,
                title=_("Integrationsangebote je Kommune und Handlungsfeld %(year)s %(in_district)s")
                % {"year": year, "in_district": district.locative},
                description=_(
                    "Anzahl der veröffentlichten Veranstaltungen, ihrer Termine und der laufenden Maßnahmen "
                    "je Kommune (AGS) und Handlungsfeld im Jahr %(year)s, gezählt vom Portal (keine amtliche "
                    "Statistik)."
                )
                % {"year": year},
                kinds=("CSV",),
            )
        )
    version = adopted_concept(district=district)
    if version is not None:
        datasets.append(
            dataset(
                slug="indicators",
                year=version.period_start,
                end_year=version.period_end,
                title=_("Kennzahlen des Integrationskonzepts %(of_district)s %(start)s–%(end)s")
                % {
                    "of_district": district.genitive,
                    "start": version.period_start,
                    "end": version.period_end,
                },
                description=_(
                    "Die Kennzahlen des vom Kreistag beschlossenen Integrationskonzepts „%(title)s“: je Ziel "
                    "und Handlungsfeld Ausgangswert, Zielwert und die Werte für den ganzen Kreis je Jahr, mit "
                    "Quelle. Kennzahlen aus eigener Zählung des Portals sind als solche gekennzeichnet."
                )
                % {"title": version.title},
                kinds=("CSV",),
                urls={"CSV": reverse("overview:opendata_indicators")},
                keywords=("Integration", "Integrationskonzept", "Kennzahlen"),
            )
        )
    return {
        "@context": JSON_LD_CONTEXT,
        "@id": _absolute(reverse("overview:opendata_catalogue")),
        "@type": "dcat:Catalog",
        "dct:title": _("Offene Daten der Integrationsarbeit %(in_district)s")
        % {"in_district": district.locative},
        "dct:description": _(
            "Nicht personenbezogene Daten des Portals Kreisintegration: Veranstaltungen und Angebote der "
            "Integrationsarbeit in den Kommunen, je Jahr."
        ),
        "dct:publisher": publisher,
        "dct:license": {"@id": LICENCE_URI},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/DEU"},
        "foaf:homepage": {"@id": _absolute(reverse("home"))},
        "dct:modified": modified,
        "dct:spatial": spatial,
        "dcat:dataset": datasets,
    }
