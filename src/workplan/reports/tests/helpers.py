"""Reading generated files back: text of a .docx, .pdf and .xlsx, in order."""

from __future__ import annotations

import io
import re

from docx import Document
from openpyxl import load_workbook
from pdfminer.high_level import extract_text


def docx_paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", "", extract_text(io.BytesIO(data)))


def xlsx_sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def in_order(haystack: str, needles: list[str]) -> bool:
    """Every needle appears in ``haystack`` after the previous one."""
    position = 0
    for needle in needles:
        found = haystack.find(needle, position)
        if found < 0:
            return False
        position = found + len(needle)
    return True
