"""The concept as an accessible PDF (PDF/UA-1, tagged), rendered by WeasyPrint from a template."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from .models import ConceptVersion


def _refuse_fetch(url: str, *args, **kwargs):
    # The document is self-contained; nothing in it may make the server fetch a URL.
    raise ValueError(f"PDF documents load no external resources ({url[:60]})")


def render_accessible_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def render_concept_pdf(*, version: ConceptVersion, sections, values=None, public: bool) -> bytes:
    return render_accessible_pdf(
        "concept/consultation/concept_pdf.html",
        {
            "version": version,
            "district": version.concept.district,
            "sections": sections,
            "values": values or {},
            "public": public,
            "generated_at": timezone.now(),
        },
    )


def pdf_response(content: bytes, filename: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
