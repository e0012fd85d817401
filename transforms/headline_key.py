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


def fold_text(text: str) -> str:
    """``text`` in NFKC, case folded, quotes dropped, dashes folded, whitespace collapsed.

    >>> fold_text("It’s  “Done” — Now")
    'its done - now'
    """
    text = _QUOTES.sub("", unicodedata.normalize("NFKC", text).casefold())
    return _SPACES.sub(" ", _DASHES.sub("-", text)).strip()


def headline_key(headline: str) -> str:
    """The normalized form under which equal headlines are counted once."""
    text = unicodedata.normalize("NFKC", headline).strip()
    text = _LEADING_MARKER.sub("", text)
    return fold_text(_TRAILING_TRUNCATION.sub("", text))
