"""Writing a laid-out WeasyPrint document with less memory: each page let go once it is in the PDF.

WeasyPrint writes a tagged PDF in three sweeps over the pages: it paints every page into a content
stream, then builds the structure tree of the tags from every page's boxes, then serialises the PDF
objects. Until the last sweep everything of every page is alive at once: the boxes of the layout,
each page's content as tens of thousands of small ``bytes`` objects, and the structure tree as one
``pydyf.Dictionary`` (with its ``/K`` array) per tagged element — a 76-page concept report has
99,000 of them. Nothing of a page is needed again once its part of a sweep is done, so:

- after a page is painted, its content stream is joined into the one ``bytes`` that pydyf would
  join when writing (same bytes, same compression);
- after a page's tags are built, its structure elements are serialised to the bytes pydyf would
  write for them, and its boxes are let go (their ``children`` lists cleared, so that the boxes are
  freed at once although cyclic garbage collection is paused during a document).

The PDF is byte-identical to WeasyPrint's own (``kreisintegration/tests/test_pdf_pages.py``
compares them). This module leans on WeasyPrint's and pydyf's internals (the page's ``paint``,
``weasyprint.pdf.add_tags``, ``pydyf.Stream.stream``); the tests fail if an upgrade moves them.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache, partial
from typing import Any

# Set on a document whose pages may be let go while it is written: it can be written only once.
_WRITE_ONCE = "_kreisintegration_write_once"


def write_once_page_by_page(document: Any) -> None:
    """Let ``document`` (a rendered WeasyPrint document) give up each page as soon as it is written.

    Call it right before the document's only ``write_pdf``; afterwards its pages are empty.
    """
    install_tagging_hook()
    for page in document.pages:
        # An attribute of this page only: other documents keep WeasyPrint's own method.
        page.paint = partial(_paint_and_join, page.paint)
    setattr(document, _WRITE_ONCE, True)


def _paint_and_join(paint, stream, *args, **kwargs) -> None:
    from pydyf import _to_bytes

    paint(stream, *args, **kwargs)
    # What pydyf.Stream.data joins when the PDF is written, joined now.
    stream.stream = [b"\n".join(_to_bytes(item) for item in stream.stream)]


@cache
def install_tagging_hook() -> None:
    """Wrap ``weasyprint.pdf.add_tags`` once; documents not marked by this module pass through."""
    import weasyprint.pdf

    add_tags = weasyprint.pdf.add_tags

    def add_tags_page_by_page(pdf, document, *args, **kwargs):
        if getattr(document, _WRITE_ONCE, False):
            document = _TaggedPageByPage(document, pdf)
        return add_tags(pdf, document, *args, **kwargs)

    weasyprint.pdf.add_tags = add_tags_page_by_page


class _TaggedPageByPage:
    """The document as ``add_tags`` sees it: its pages are let go one after the other."""

    def __init__(self, document: Any, pdf: Any) -> None:
        self._document = document
        self.pages = _PagesLetGoAfterTagging(document.pages, pdf)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._document, name)


class _PagesLetGoAfterTagging(list):
    """``add_tags`` asks for the next page when it has finished the structure tree of the last one."""

    def __init__(self, pages: list, pdf: Any) -> None:
        super().__init__(pages)
        self._pdf = pdf

    def __iter__(self) -> Iterator[Any]:
        objects = self._pdf.objects
        on_later_pages = _boxes_on_more_than_one_page(list.__iter__(self))
        for page in list.__iter__(self):
            first_new = len(objects)
            yield page
            for index in range(first_new, len(objects)):
                objects[index] = _Serialised.of(objects[index])
            _let_go(page._page_box, keep=on_later_pages)
            page._page_box = None


def _boxes(box: Any) -> Iterator[Any]:
    stack = [box]
    while stack:
        box = stack.pop()
        yield box
        stack.extend(getattr(box, "children", ()))


def _boxes_on_more_than_one_page(pages) -> set[int]:
    seen: set[int] = set()
    shared: set[int] = set()
    for page in pages:
        on_page = {id(box) for box in _boxes(page._page_box)}
        shared |= seen & on_page
        seen |= on_page
    return shared


def _let_go(page_box: Any, *, keep: set[int]) -> None:
    for box in list(_boxes(page_box)):
        if id(box) not in keep and "children" in vars(box):
            box.children = []


class _Serialised:
    """A finished PDF object as pydyf writes it into the compressed object stream.

    Only plain dictionaries (structure elements, object references of annotations) are replaced;
    they are complete once their page's tags are built and nothing changes them afterwards.
    """

    __slots__ = ("data", "number")
    generation = 0
    offset = 0
    free = "n"
    compressible = True

    def __init__(self, number: int, data: bytes) -> None:
        self.number = number
        self.data = data

    @classmethod
    def of(cls, pdf_object: Any) -> Any:
        import pydyf

        if type(pdf_object) is not pydyf.Dictionary or not pdf_object.compressible:
            return pdf_object
        return cls(pdf_object.number, pdf_object.data)
