"""Clean one input file: bytes and format in, a clean document or a rejection out.

Rule: decode (see ``decode``), render HTML to lines and the regions the markup places them
in (see ``html_lines``) or split text into lines, and let the rules read them
(``read_document``); then the line model decides for a batch of pages at once
(``build_documents``, see ``labeler``). A page whose body comes out empty is rejected.

>>> build_document(b"Home > News > Storm\\nStorm\\nRain fell all day on the coast.", "text").title
'Storm'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from transforms.decode import decode_text
from transforms.html_lines import html_page
from transforms.labeler import RuledPage, decide, read_page
from transforms.records import CleanDocument, Rejection

FORMATS_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",  # a file of many pages, split by ``jsonl_records``
    ".ndjson": "jsonl",
}
_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)


def format_for(suffix: str) -> str | None:
    """The input format a file suffix stands for, or None when pagewash does not read it.

    >>> format_for(".HTM"), format_for(".pdf")
    ('html', None)
    """
    return FORMATS_BY_SUFFIX.get(suffix.lower())


def read_document(raw: bytes, fmt: str) -> RuledPage | Rejection:
    """Decode and render one file's bytes and run the rules over its lines."""
    text = decode_text(raw)
    if isinstance(text, Rejection):
        return text
    # Scrapers often save HTML under .txt: sniff the start rather than trust the suffix.
    if fmt == "html" or _HTML_START.match(text[:1024]):
        page = html_page(text)
        outside = {i: region for i, region in enumerate(page.regions) if region}
        return read_page(page.lines, outside, page.markup)
    return read_page(text.splitlines())


def build_documents(pages: Sequence[RuledPage]) -> list[CleanDocument | Rejection]:
    """The clean documents of pages the rules have read, the model deciding for all at once;
    a page whose body comes out empty is rejected."""
    return [
        doc if doc.body.strip() else Rejection("no_text", "no visible text after parsing")
        for doc in decide(pages)
    ]


def build_document(raw: bytes, fmt: str) -> CleanDocument | Rejection:
    """Decode, render and label one file's bytes (``read_document``, ``build_documents``)."""
    page = read_document(raw, fmt)
    return page if isinstance(page, Rejection) else build_documents([page])[0]
