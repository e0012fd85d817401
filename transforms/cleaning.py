"""Clean input files: bytes and format in, a clean document or a rejection out.

Rule: decode, recording the encoding and the bytes replaced (see ``decode``), render HTML to
lines and the regions the markup places them in (see ``html_lines``) or split text into
lines, and let the rules read them (``read_document``); then the line model decides for a
batch of pages at once (``build_documents``, see ``labeler``). A page whose body comes out
empty is rejected.

>>> build_document(b"Home > News > Storm\\nStorm\\nRain fell all day on the coast.", "text").title
'Storm'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from transforms.decode import decode
from transforms.html_lines import html_page
from transforms.labeler import RuledPage, decide, read_page
from transforms.records import CleanDocument, Decoded, Reason, Rejection

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


@dataclass(frozen=True, slots=True)
class ReadDocument:
    """A decoded page the rules have read, waiting for the model (``build_documents``)."""

    page: RuledPage
    decoded: Decoded


def read_document(raw: bytes, fmt: str) -> ReadDocument | Rejection:
    """Decode and render one file's bytes and run the rules over its lines."""
    decoded = decode(raw)
    if isinstance(decoded, Rejection):
        return decoded
    text = decoded.text
    # Scrapers often save HTML under .txt: sniff the start rather than trust the suffix.
    if fmt == "html" or _HTML_START.match(text[:1024]):
        page = html_page(text)
        outside = {i: region for i, region in enumerate(page.regions) if region}
        return ReadDocument(read_page(page.lines, outside, page.markup), decoded)
    return ReadDocument(read_page(text.splitlines()), decoded)


def build_documents(pages: Sequence[ReadDocument]) -> list[CleanDocument | Rejection]:
    """The clean documents of pages the rules have read, the model deciding for all at once;
    each records how its bytes were decoded. A page whose body is empty is rejected."""
    return [
        replace(doc, encoding=read.decoded.encoding, replaced_bytes=read.decoded.replaced_bytes)
        if doc.body.strip()
        else Rejection(Reason.NO_TEXT, "no visible text after parsing")
        for doc, read in zip(decide([read.page for read in pages]), pages, strict=True)
    ]


def build_document(raw: bytes, fmt: str) -> CleanDocument | Rejection:
    """Decode, render and label one file's bytes (``read_document``, ``build_documents``)."""
    read = read_document(raw, fmt)
    return read if isinstance(read, Rejection) else build_documents([read])[0]
