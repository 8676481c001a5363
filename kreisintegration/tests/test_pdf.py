"""The shared PDF writer: tagged PDF/UA-1, inline images only, refuses what PDF/UA needs."""

from __future__ import annotations

import base64
import logging

import pytest

from kreisintegration.pdf import ExternalResourceRefused, html_to_pdf
from kreisintegration.tests.pdf_checks import assert_accessible_pdf, pdfua_errors

SQUARE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
)
SQUARE_URI = "data:image/svg+xml;base64," + base64.b64encode(SQUARE).decode()


def page(body: str, *, title: str = "Prüfdokument") -> str:
    return f'<!DOCTYPE html><html lang="de"><head><title>{title}</title></head><body>{body}</body></html>'


def test_inline_image_with_alt_gives_an_accessible_pdf():
    content = html_to_pdf(page(f'<h1>Übersicht</h1><img src="{SQUARE_URI}" alt="Logo des Kreises">'))
    assert_accessible_pdf(content, title="Prüfdokument")


def test_image_without_alt_is_a_pdfua_error(caplog):
    with caplog.at_level(logging.CRITICAL, logger="weasyprint"):
        content = html_to_pdf(page(f'<h1>Übersicht</h1><img src="{SQUARE_URI}">'))
    caplog.clear()  # WeasyPrint logs the missing alt as an error; the check below is the point
    assert any(error.startswith("UA-13-004") for error in pdfua_errors(content))


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "file:///etc/passwd", "https://example.org/a.png"]
)
def test_external_resources_stop_the_document(url):
    with pytest.raises(ExternalResourceRefused, match="no external resources"):
        html_to_pdf(page(f'<h1>Übersicht</h1><img src="{url}" alt="x">'))


def test_document_without_language_or_title_is_refused():
    with pytest.raises(ValueError, match="lang"):
        html_to_pdf("<!DOCTYPE html><html><head><title>x</title></head><body><h1>x</h1></body></html>")
    with pytest.raises(ValueError, match="title"):
        html_to_pdf('<!DOCTYPE html><html lang="de"><head></head><body><h1>x</h1></body></html>')


def test_cyclic_gc_is_paused_while_a_document_is_built_and_restored_after():
    import gc

    from kreisintegration.pdf import cyclic_gc_paused

    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        raise RuntimeError("WeasyPrint failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # a caller that paused it itself keeps it paused
    finally:
        gc.enable()


def test_the_cycles_made_while_paused_are_freed_after_by_one_collection_of_the_youngest_generation():
    import gc
    import weakref

    from kreisintegration.pdf import cyclic_gc_paused

    class Box:
        pass

    collections = []

    def note(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()  # nothing pending from before
    gc.callbacks.append(note)
    try:
        with cyclic_gc_paused():
            box = Box()
            box.parent = Box()
            box.parent.child = box  # a cycle, as WeasyPrint's boxes make
            alive = weakref.ref(box)
            del box
            assert alive() is not None  # only the collector can free a cycle
    finally:
        gc.callbacks.remove(note)
    assert alive() is None
    assert collections == [0]


def test_html_to_pdf_builds_the_document_without_cyclic_gc(monkeypatch):
    import gc

    import weasyprint

    seen = []
    render = weasyprint.HTML.render
    write_pdf = weasyprint.Document.write_pdf

    def recording_render(self, *args, **kwargs):
        seen.append(("render", gc.isenabled()))
        return render(self, *args, **kwargs)

    def recording_write_pdf(self, *args, **kwargs):
        seen.append(("write_pdf", gc.isenabled()))
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", recording_render)
    monkeypatch.setattr(weasyprint.Document, "write_pdf", recording_write_pdf)
    html_to_pdf(page("<h1>Übersicht</h1>"))
    assert seen == [("render", False), ("write_pdf", False)] and gc.isenabled()


def test_documents_compute_no_footnote_styles_per_element_and_lists_keep_their_bullets(tmp_path):
    """WeasyPrint's own sheet gives every element six pseudo-element styles (::marker and the
    footnote/note family); the portal's sheet keeps only the list items' markers."""
    import subprocess

    from weasyprint.css import get_all_computed_styles

    from kreisintegration.pdf import _document_stylesheet, _html_class

    assert _document_stylesheet() is not None, "WeasyPrint's user-agent sheet changed: check pdf.py"
    html = page("<table><tr><td>1</td><td>2</td></tr></table><ul><li>Sprachcafé</li></ul>")
    styles = get_all_computed_styles(_html_class()(string=html))._computed_styles
    pseudo = sorted({(element.tag, kind) for element, kind in styles if kind})
    assert pseudo == [("li", "marker")]

    path = tmp_path / "list.pdf"
    path.write_bytes(html_to_pdf(html))
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert "• Sprachcafé" in " ".join(text.split())


def test_the_portal_stylesheet_is_parsed_without_warnings(caplog):
    from kreisintegration.pdf import _document_stylesheet

    _document_stylesheet.cache_clear()
    caplog.set_level(logging.WARNING, logger="weasyprint")
    assert _document_stylesheet() is not None
    assert not [r.getMessage() for r in caplog.records]


def test_a_worker_loads_the_pdf_writer_when_it_starts_not_in_its_first_document():
    from celery.signals import worker_init

    from kreisintegration import celery as celery_module
    from kreisintegration.pdf import _document_stylesheet, _html_class

    receiver = celery_module.load_pdf_writer_when_worker_starts
    assert receiver in worker_init._live_receivers(None)
    _html_class.cache_clear()
    _document_stylesheet.cache_clear()
    receiver()
    assert _html_class.cache_info().currsize == 1
    assert _document_stylesheet.cache_info().currsize == 1
