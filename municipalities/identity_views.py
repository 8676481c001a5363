"""The district's logo and colour, served from our own origin (public: they are on every page)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from . import identity
from .models import District
from .selectors import portal_district

# Even an SVG that passed the sanitiser is shown as an image only: no script, no loads.
LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'"
LOGO_MAX_AGE = 60 * 60
THEME_MAX_AGE = 5 * 60


@require_safe
def district_logo(request, slug: str) -> HttpResponse:
    district = get_object_or_404(District, slug=slug)
    if not district.logo:
        raise Http404
    content_type = identity.LOGO_CONTENT_TYPES.get(identity.logo_suffix(district.logo.name))
    if content_type is None or not default_storage.exists(district.logo.name):
        raise Http404
    with default_storage.open(district.logo.name, "rb") as handle:
        response = HttpResponse(handle.read(), content_type=content_type)
    response["Content-Security-Policy"] = LOGO_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = f"public, max-age={LOGO_MAX_AGE}"
    return response


def theme_css(*, colour: str) -> str:
    if not colour:
        return "/* Keine eigene Hauptfarbe: es gelten die KERN-Standardfarben. */\n"
    # The colour passed validate_primary_colour (a #rrggbb with 4.5:1 against white), so it
    # is safe inside CSS. KERN's dark scheme keeps its own light tokens for contrast on dark.
    return (
        f":root {{ --district-primary: {colour}; }}\n"
        "@media not (prefers-color-scheme: dark) {\n"
        f"  :root {{ --kern-color-action-default: {colour}; --kern-color-decorative-brand-default: {colour}; }}\n"
        "}\n"
    )


@require_safe
def district_theme(request) -> HttpResponse:
    district = portal_district()
    colour = district.primary_colour if district else ""
    if colour and not identity.HEX_COLOUR.match(colour):
        colour = ""  # a row written past the validator never reaches the stylesheet
    response = HttpResponse(theme_css(colour=colour), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={THEME_MAX_AGE}"
    return response
