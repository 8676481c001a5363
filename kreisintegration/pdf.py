"""The one way the portal turns HTML into a PDF: tagged PDF/UA-1, self-contained.

Every document the portal hands out (concept report, certificates, participant lists,
funding evidence, own-data exports) goes through :func:`html_to_pdf`, so that each of them
carries a structure tree, ``/Lang``, XMP metadata with the title and ``DisplayDocTitle`` —
screen-reader users in a Kreistag committee get the same document as everyone else.

This module is project plumbing: it imports nothing from the apps, so every app may use it.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from .pdf_pages import install_tagging_hook, write_once_page_by_page

PDF_VARIANT = "pdf/ua-1"


class ExternalResourceRefused(ValueError):
    """A document tried to load something from outside (a URL, a file path)."""


def _refuse_fetch(url: str, *args, **kwargs):
    # Documents are self-contained: nothing in them may make the server fetch a URL or read a
    # file (server-side request forgery); images such as the district's logo come inline.
    raise ExternalResourceRefused(f"PDF documents load no external resources ({url[:60]})")


def _fetcher():
    from weasyprint.urls import URLFetcher

    class InlineOnlyFetcher(URLFetcher):
        """Decodes ``data:`` URIs (inline logo, charts as images) and refuses everything else."""

        def fetch(self, url, headers=None):
            if not url.lower().startswith("data:"):
                _refuse_fetch(url)
            return super().fetch(url, headers)

    # fail_on_errors: a refused resource stops the document instead of leaving a silent hole.
    return InlineOnlyFetcher(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=True)


# WeasyPrint's user-agent stylesheet gives every element of a document a ``::marker`` and five
# footnote/note pseudo-elements (``::footnote-call { content: counter(footnote) … }`` and its
# kin match everything), so each table cell carried six more computed styles: 45,000 of the
# 48,000 styles of a 76-page concept report, 52 MB of its peak and 0.4 s of its CPU. The portal's
# documents have no footnotes or notes, and only ``li`` is a list item; the leaner sheet gives a
# byte-identical PDF. Its @counter-style rules are left out too: importing WeasyPrint registered
# them in the shared counter styles already (parsed twice, ``disc`` and ``decimal`` are refused).
_UNIVERSAL_NOTE_RULES = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", re.MULTILINE)
_COUNTER_STYLE_RULES = re.compile(r"^@counter-style [^\n]*\}\n", re.MULTILINE)


@cache
def _document_stylesheet():
    from weasyprint import CSS
    from weasyprint.html import UA, UA_COUNTER_STYLE

    scoped = _UNIVERSAL_NOTE_RULES.sub("", UA.replace("\n::marker {", "\nli::marker {"))
    if scoped == UA:  # a WeasyPrint upgrade changed its sheet: keep it rather than guess
        return None
    lean = _COUNTER_STYLE_RULES.sub("", scoped)
    return CSS(string=lean, counter_style=UA_COUNTER_STYLE)


@cache
def _html_class():
    from weasyprint import HTML

    class PortalHTML(HTML):
        """WeasyPrint's HTML with the user-agent stylesheet scoped to what the portal's documents use."""

        def _ua_stylesheets(self, forms=False):
            sheet = _document_stylesheet()
            return super()._ua_stylesheets(forms) if sheet is None or forms else [sheet]

    return PortalHTML


def load_pdf_writer() -> None:
    """Import WeasyPrint and parse the documents' user-agent sheet now, not in the first document.

    A Celery worker calls this when it starts (``kreisintegration.celery``): importing WeasyPrint
    takes about 1 s and 29 MB, which then belong to the worker's start instead of every first
    report a worker process builds. Started with prefork, the children share the loaded modules.
    """
    _html_class()
    _document_stylesheet()
    install_tagging_hook()


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while WeasyPrint builds a document, one collection after.

    WeasyPrint keeps every box, style and page of the document alive until the PDF is written,
    millions of objects that each of the collector's full passes walks and keeps (a 76-page concept
    report: 12 full passes, about 1 s of its 8 s CPU, 48,000 garbage objects in all). Reference
    counting still frees everything else at once; the cycles are collected in one pass at the end,
    so the peak memory stays the same. That pass is over the youngest generation only: while paused
    nothing was collected, so it holds exactly what was allocated during the build, and the rest of
    the process's heap (large in a long-running worker) is not walked again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)


def html_to_pdf(html: str) -> bytes:
    """Render a complete HTML document (with ``<html lang>`` and ``<title>``) as tagged PDF/UA-1.

    The title of the HTML becomes the PDF title that viewers show instead of the file name
    (WeasyPrint sets ``DisplayDocTitle`` for PDF/UA); ``lang`` becomes the catalogue's ``/Lang``.
    """
    from weasyprint.urls import FatalURLFetchingError

    if "<title>" not in html or "<html lang=" not in html:
        # PDF/UA needs both; failing loudly here beats a silently inaccessible document.
        raise ValueError("A PDF document needs <html lang=…> and a <title>.")
    try:
        with cyclic_gc_paused():
            options = {"pdf_variant": PDF_VARIANT, "pdf_tags": True}
            document = _html_class()(string=html, url_fetcher=_fetcher()).render(**options)
            # Styling and laying out leave their garbage in cycles (a 76-page concept report: 48,000
            # objects, about 10 MB); collected now, painting and writing reuse that memory instead
            # of adding to the peak.
            gc.collect(0)
            write_once_page_by_page(document)
            content = document.write_pdf(**options)
            # That collection moved what was alive then (the layout) one generation up; what of it
            # is garbage now goes in one pass over both young generations, not in the older
            # generations' passes while the caller goes on (+0.3 s CPU in the report's XLSX step).
            del document
            gc.collect(1)
            return content
    except FatalURLFetchingError as error:
        # WeasyPrint's fatal error is a BaseException; callers (views, the report task) handle
        # ordinary exceptions, so hand them one with the reason.
        raise ExternalResourceRefused(str(error.__cause__ or error)) from error
