"""Clean one input file: bytes and format in, a clean document or a rejection out.

Rule: decode, recording the encoding and the bytes replaced (see ``decode``), render HTML to
lines and the regions the markup places them in (see ``html_lines``) or split text into lines,
label the lines (see ``labeler``). A page whose labeled body is empty is rejected.

>>> build_document(b"Home > News > Storm\\nStorm\\nRain fell all day on the coast.", "text").title
'Storm'
"""

from __future__ import annotations

import re
from dataclasses import replace

from transforms.decode import decode
from transforms.html_lines import html_blocks
from transforms.labeler import label_lines
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


def build_document(raw: bytes, fmt: str) -> CleanDocument | Rejection:
    """Decode, render and label one file's bytes; the document records how they were decoded."""
    decoded = decode(raw)
    if isinstance(decoded, Rejection):
        return decoded
    text = decoded.text
    # Scrapers often save HTML under .txt: sniff the start rather than trust the suffix.
    if fmt == "html" or _HTML_START.match(text[:1024]):
        blocks = html_blocks(text)
        lines = [line for line, _ in blocks]
        doc = label_lines(lines, {i: region for i, (_, region) in enumerate(blocks) if region})
    else:
        doc = label_lines(text.splitlines())
    if not doc.body.strip():
        return Rejection("no_text", "no visible text after parsing")
    return replace(doc, encoding=decoded.encoding, replaced_bytes=decoded.replaced_bytes)
