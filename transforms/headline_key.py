"""Normalize headlines so that the same headline written differently gets one key.

Rule: Unicode NFKC, case folded, quotes dropped, dashes folded to "-", leading numbering or
bullets and trailing truncation marks ("...", "…", "[…]") removed, whitespace collapsed.

>>> headline_key("  1. Trump’s “Base” — Shocked…")
'trumps base - shocked'
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = re.compile(r"[\"'`´‘’‚‛“”„‟«»‹›]")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\-]+")
_LEADING_MARKER = re.compile(r"^(?:\d{1,3}[.)]|[•·*▪►▸\-–—])\s+")
_TRAILING_TRUNCATION = re.compile(r"(?:\s*(?:\.{3,}|…|\[\s*(?:…|\.{3})\s*\]))+\s*$")
_SPACES = re.compile(r"\s+")


def headline_key(headline: str) -> str:
    """The normalized form under which equal headlines are counted once."""
    text = unicodedata.normalize("NFKC", headline).strip()
    text = _LEADING_MARKER.sub("", text)
    text = _TRAILING_TRUNCATION.sub("", text)
    text = _QUOTES.sub("", text.casefold())
    text = _DASHES.sub("-", text)
    return _SPACES.sub(" ", text).strip()
