"""Open data for everyone: the DCAT-AP.de catalogue and its downloadable datasets."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from kreisintegration.public_cache import public_cache
from municipalities.selectors import portal_district

from .. import opendata, opendata_catalogue

OPEN_DATA_CACHE_SECONDS = 3600


def _district_or_404():
    district = portal_district()
    if district is None:
        raise Http404
    return district


def _open(response: HttpResponse, *, filename: str | None = None) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=OPEN_DATA_CACHE_SECONDS)
    return response


def _year_or_404(district, year: int) -> int:
    if year not in opendata.dataset_years(district=district):
        raise Http404
    return year


@csrf_exempt  # read-only: a POST gets a clean 405, not a CSRF page
@require_safe
@public_cache("events", anonymous_only=False)
def catalogue(request):
    body = json.dumps(opendata_catalogue.catalogue(district=_district_or_404()), ensure_ascii=False, indent=1)
    return _open(
        HttpResponse(body, content_type="application/ld+json; charset=utf-8"), filename="catalog.jsonld"
    )


@csrf_exempt
@require_safe
@public_cache("events", anonymous_only=False)
def events_dataset(request, year: int, fmt: str):
    district = _district_or_404()
    year = _year_or_404(district, year)
    records = opendata.public_event_records(district=district, year=year)
    name = f"{district.slug}-veranstaltungen-{year}"
    if fmt == "csv":
        body = "".join(opendata.csv_lines(opendata.EVENT_COLUMNS, records))
        return _open(HttpResponse(body, content_type=opendata.CSV_CONTENT_TYPE), filename=f"{name}.csv")
    if fmt == "json":
        body = json.dumps(list(records), ensure_ascii=False)
        return _open(HttpResponse(body, content_type="application/json"), filename=f"{name}.json")
    raise Http404


@csrf_exempt
@require_safe
@public_cache("events", anonymous_only=False)
def offers_dataset(request, year: int, fmt: str):
    district = _district_or_404()
    year = _year_or_404(district, year)
    if fmt != "csv":
        raise Http404
    body = "".join(
        opendata.csv_lines(opendata.OFFER_COLUMNS, opendata.offer_records(district=district, year=year))
    )
    return _open(
        HttpResponse(body, content_type=opendata.CSV_CONTENT_TYPE),
        filename=f"{district.slug}-angebote-{year}.csv",
    )


@csrf_exempt
@require_safe
def indicators_dataset(request):
    """The adopted concept's indicators (not cached with the event data: a few hundred rows at most)."""
    district = _district_or_404()
    version = opendata.adopted_concept(district=district)
    if version is None:
        raise Http404
    body = "".join(
        opendata.csv_lines(
            opendata.INDICATOR_COLUMNS, opendata.indicator_records(district=district, version=version)
        )
    )
    return _open(
        HttpResponse(body, content_type=opendata.CSV_CONTENT_TYPE),
        filename=f"{district.slug}-integrationskonzept-kennzahlen.csv",
    )


@require_safe
@public_cache("events")
def datasets_page(request):
    """The datasets for people: what each contains, with its download links and the licence."""
    district = _district_or_404()
    catalogue = opendata_catalogue.catalogue(district=district)
    datasets = [
        {
            "title": dataset["dct:title"],
            "description": dataset["dct:description"],
            "downloads": [
                {"url": d["dcat:downloadURL"]["@id"], "format": d["dct:format"]["@id"].rsplit("/", 1)[-1]}
                for d in dataset["dcat:distribution"]
            ],
        }
        for dataset in catalogue["dcat:dataset"]
    ]
    return render(
        request,
        "overview/opendata.html",
        {"catalogue": catalogue, "datasets": datasets, "licence_name": opendata_catalogue.LICENCE_NAME},
    )
