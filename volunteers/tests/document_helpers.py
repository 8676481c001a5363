"""Reading generated documents back in tests: the text of a PDF, the rows of a workbook."""

from __future__ import annotations

import io

import openpyxl
from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def read_xlsx(content: bytes, index: int = 0):
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[index]


INJECTION = '=HYPERLINK("http://evil.example","klick")'
