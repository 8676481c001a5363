"""The DCAT-AP.de catalogue of the open datasets (JSON-LD), with the licence Open.NRW recommends."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event
from municipalities.models import District

from .opendata import absolute_url, adopted_concept, dataset_years

LICENCE_URI = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
LICENCE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
GEOCODING_LEVEL_DISTRICT = "http://dcat-ap.de/def/politicalGeocoding/Level/administrativeDistrict"
DISTRICT_KEY_URI = "http://dcat-ap.de/def/politicalGeocoding/districtKey/{key}"
MUNICIPALITY_KEY_URI = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/{key}"
THEME_SOCIETY = "http://publications.europa.eu/resource/authority/data-theme/SOCI"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/{kind}"
MEDIA_TYPES = {"CSV": "text/csv", "JSON": "application/json"}


JSON_LD_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


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
        "@id": absolute_url(reverse("imprint")) + "#publisher",
        "@type": "foaf:Organization",
        "foaf:name": district.ki_name,
    }
    contact = {
        "@id": absolute_url(reverse("imprint")) + "#contact",
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
                url=absolute_url(
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
            "@id": absolute_url(reverse("overview:opendata_catalogue")) + f"#{slug}-{year}",
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
        "@id": absolute_url(reverse("overview:opendata_catalogue")),
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
        "foaf:homepage": {"@id": absolute_url(reverse("home"))},
        "dct:modified": modified,
        "dct:spatial": spatial,
        "dcat:dataset": datasets,
    }
