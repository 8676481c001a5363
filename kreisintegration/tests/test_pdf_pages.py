"""Writing a document page by page: the same bytes as WeasyPrint's own writer, each page let go."""

from __future__ import annotations

import base64

import pydyf

from kreisintegration.pdf import PDF_VARIANT, _fetcher, _html_class, html_to_pdf
from kreisintegration.pdf_pages import _Serialised, write_once_page_by_page
from kreisintegration.tests.pdf_checks import assert_accessible_pdf

OPTIONS = {"pdf_variant": PDF_VARIANT, "pdf_tags": True}
CHART = (
    b'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="40" height="20"><title>Balken</title>'
    b'<rect width="30" height="10"/></svg>'
)
CHART_URI = "data:image/svg+xml;base64," + base64.b64encode(CHART).decode()


def long_document() -> str:
    """What the concept report uses, over several pages: running header and page total, a table of
    contents with page numbers and links, tables whose header repeats, lists, images, headings."""
    rows = "".join(
        f'<tr><th scope="row">Kommune {n}</th><td>{n}</td><td>{n * 3}</td></tr>' for n in range(1, 90)
    )
    chapters = "".join(
        f'<section id="c{n}"><h1>Kapitel {n}</h1><p>Einleitung {n}.</p>'
        f'<img src="{CHART_URI}" alt="Diagramm {n}">'
        f"<table><caption>Tabelle {n}</caption><thead><tr><th>Kommune</th><th>Termine</th>"
        f"<th>Teilnehmende</th></tr></thead><tbody>{rows}</tbody></table>"
        f"<ul><li>Punkt eins</li><li>Punkt zwei<ol><li>Unterpunkt</li></ol></li></ul></section>"
        for n in range(1, 4)
    )
    toc = "".join(f'<li><a href="#c{n}">Kapitel {n}</a></li>' for n in range(1, 4))
    return (
        '<!DOCTYPE html><html lang="de"><head><title>Seitenweise</title><style>'
        "@page { @top-left { content: element(kopf); } "
        '@bottom-right { content: "Seite " counter(page) " von " counter(pages); } }'
        ".kopf { position: running(kopf); } h1 { page-break-before: always; }"
        '.toc a::after { content: leader(".") target-counter(attr(href), page); }'
        "tr { page-break-inside: avoid; }"
        '</style></head><body><div class="kopf">Kreis Prüfstadt</div>'
        f'<h1 style="page-break-before: auto">Inhalt</h1><ul class="toc">{toc}</ul>{chapters}'
        "</body></html>"
    )


def weasyprints_own_pdf(html: str) -> bytes:
    return _html_class()(string=html, url_fetcher=_fetcher()).write_pdf(**OPTIONS)


def test_the_pdf_written_page_by_page_is_byte_identical_to_weasyprints_and_accessible():
    html = long_document()
    content = html_to_pdf(html)
    assert content == weasyprints_own_pdf(html)
    assert_accessible_pdf(content, title="Seitenweise")


def test_each_page_is_let_go_and_its_structure_elements_are_written_out_as_bytes():
    html = long_document()
    document = _html_class()(string=html, url_fetcher=_fetcher()).render(**OPTIONS)
    assert len(document.pages) > 5
    objects: list = []
    write_once_page_by_page(document)
    content = document.write_pdf(finisher=lambda _document, pdf: objects.extend(pdf.objects), **OPTIONS)

    assert content == weasyprints_own_pdf(html)
    assert all(page._page_box is None for page in document.pages)
    serialised = [o for o in objects if isinstance(o, _Serialised)]
    assert len(serialised) > 500
    assert all(b"/StructElem" in o.data or b"/OBJR" in o.data for o in serialised)
    # Only the structure tree's root elements made before the first page stay dictionaries.
    left = [o for o in objects if isinstance(o, pydyf.Dictionary) and o.get("Type") == "/StructElem"]
    assert [o["S"] for o in left] == ["/Document"]


def test_documents_not_handed_over_keep_their_pages_and_can_be_written_twice():
    html = long_document()
    write_once_page_by_page(_html_class()(string="<p>x</p>").render(**OPTIONS))  # installs the hook
    document = _html_class()(string=html, url_fetcher=_fetcher()).render(**OPTIONS)
    first = document.write_pdf(**OPTIONS)
    assert all(page._page_box is not None for page in document.pages)
    assert document.write_pdf(**OPTIONS) == first
