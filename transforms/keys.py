"""Stable keys that stored rows are found and counted by (pinned in tests: a change re-keys
stored data).

Rules:

- ``doc_id`` is the first 16 hex digits of the SHA-256 of the raw bytes, so the same bytes
  always get the same id on every machine and in every run.
- ``headline_key``: Unicode NFKC, case folded, quotes dropped, dashes folded to "-", leading
  numbering or bullets and trailing truncation marks ("...", "…", "[…]") removed, whitespace
  collapsed, so that the same headline written differently gets one key. ``fold_text`` is
  the same folding of any text, less the list markers and truncation.
- ``word_count``: the runs of characters between whitespace, as ``str.split`` finds them
  (``word_count`` in ``warehouse/sql/macros.sql`` counts the same in DuckDB).
- A body paragraph's key is computed in DuckDB (``paragraph_key`` in
  ``warehouse/sql/macros.sql``) over the paragraphs of stored bodies.

>>> doc_id(b"hello")
'2cf24dba5fb0a30e'
>>> headline_key("  1. Trump’s “Base” — Shocked…")
'trumps base - shocked'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

_QUOTES = "\"'`´‘’‚‛“”„‟«»‹›"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# Quotes are dropped, every dash becomes "-".
_FOLD = tuple((char, "") for char in _QUOTES) + tuple((char, "-") for char in _DASHES)
_ASCII_FOLD = tuple((char, "") for char in _QUOTES if char.isascii())  # "-" is ASCII's dash
_DASH_RUN = re.compile(r"-{2,}")
_LEADING_MARKER = re.compile(r"^(?:\d{1,3}[.)]|[•·*▪►▸\-–—])\s+")
_BULLET = re.compile(r"^[•·*▪►▸\-–—]\s+")
_NUMBER = re.compile(r"^(\d{1,3})[.):]?\s+(?=\S)")
_BRACKETED_MARK = re.compile(r"\[\s*(?:…|\.{3})\s*\]")  # "[…]", "[...]"


def doc_id(raw: bytes) -> str:
    """The stable id of a document's raw bytes."""
    return hashlib.sha256(raw).hexdigest()[:16]


def word_count(text: str) -> int:
    """The words of ``text``: its runs of characters between whitespace (``str.split``), as
    every article's, paragraph's and line's word count is taken.

    >>> word_count("Rain  fell\tall day"), word_count(""), word_count(" a ")
    (4, 0, 1)
    """
    return len(text.split())


def fold_text(text: str) -> str:
    """``text`` in NFKC, case folded, quotes dropped, dashes folded, whitespace collapsed.

    >>> fold_text("It’s  “Done” — Now")
    'its done - now'
    """
    return _fold_normalized(nfkc(text))


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, computed as the standard defines NFKC: the
    compatibility decomposition (NFKD), then canonical composition (NFC of a decomposed text).
    CPython composes NFKC text looking each character up in a table one entry at a time: 20
    times slower than this on a long line of Chinese, since its NFC returns at once when
    nothing in the decomposed text composes (as in most scripts but Latin and Cyrillic).

    >>> nfkc("Ｔｏｐ ﬁve…？")
    'Top five...?'
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKD", text))


def _fold_normalized(text: str, spaced: bool = False) -> str:
    """NFKC ``text`` case folded, quotes dropped, dashes folded, whitespace collapsed; when
    it was ``spaced`` (``single_spaced``) only a dropped quote can leave a space to collapse."""
    text = text.casefold()
    dropped = False
    for char, replacement in _ASCII_FOLD if text.isascii() else _FOLD:
        if char in text:  # a scan in C; most lines hold few of these characters
            text = text.replace(char, replacement)
            dropped = dropped or not replacement
    if "--" in text:
        text = _DASH_RUN.sub("-", text)
    if (spaced and not dropped) or single_spaced(text):
        return text  # already collapsed: the common case, spared a split and a join
    return " ".join(text.split())


def single_spaced(text: str) -> bool:
    """Is ``text`` as ``" ".join(text.split())`` leaves it? It is when it holds no runs of
    spaces, no outer space and nothing unprintable: every other character ``split`` breaks
    at (tab, newline, no-break space...) is unprintable. (A text holding another unprintable
    character is taken as not spaced: splitting and joining it changes nothing.)

    >>> single_spaced("Storm hits"), single_spaced("Storm\u00a0hits"), single_spaced(" Storm")
    (True, False, False)
    """
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def strip_truncation(text: str) -> str:
    """``text`` less its trailing truncation marks ("...", "…", "[…]", "[...]") and the
    spaces around them, taken off from the end one by one (no pattern scans the line).

    >>> strip_truncation("Storm hits the coast [...]"), strip_truncation("Storm... …")
    ('Storm hits the coast', 'Storm')
    """
    text = text.rstrip()
    while True:
        last = text[-1:]  # most lines end in no mark: one look at the last character
        if last == "…":
            text = text[:-1].rstrip()
        elif last == "." and text.endswith("..."):
            text = text.rstrip(".").rstrip()
        elif last == "]" and _BRACKETED_MARK.fullmatch(text, start := text.rfind("[")):
            text = text[:start].rstrip()  # no "[" (start -1) never matches: the mark has one
        else:
            return text


def spaced_key(text: str) -> str:
    """``headline_key`` of ``text`` whose words are already single-spaced (``single_spaced``),
    as every line the labeler measures is: unless NFKC changes it, it then needs collapsing
    only where a dropped quote leaves a double or outer space.

    >>> spaced_key('Storm " hits" the coast...')
    'storm hits the coast'
    """
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return _key_of_normalized(text, spaced=True)
    return headline_key(text)


def headline_key(headline: str) -> str:
    """The normalized form under which equal headlines are counted once."""
    text = headline if headline.isascii() else nfkc(headline)
    return _key_of_normalized(text.strip(), spaced=False)


def _key_of_normalized(text: str, spaced: bool) -> str:
    """The key of NFKC ``text`` with no outer space (see ``_fold_normalized`` for ``spaced``)."""
    if text[:1].isdigit() or text[:1] in "•·*▪►▸-–—":
        text = _LEADING_MARKER.sub("", text)
    return _fold_normalized(strip_truncation(text), spaced)


def without_list_markers(entries: Sequence[str]) -> list[str]:
    """A list's entries as headlines alone: a leading bullet always comes off, a leading
    number only when the entries are numbered in order (1, 2, 3, ...), so that a lone
    "5 things to know" keeps its 5.

    >>> without_list_markers(["1 Storm hits", "2 Part 4: Ferry", "• Pier"])
    ['1 Storm hits', '2 Part 4: Ferry', 'Pier']
    >>> without_list_markers(["1 Storm hits", "2. Part 4: Ferry", "3) Pier"])
    ['Storm hits', 'Part 4: Ferry', 'Pier']
    """
    texts = [_BULLET.sub("", entry) for entry in entries]
    numbers = [_NUMBER.match(text) for text in texts]
    firsts = [int(m.group(1)) if m else None for m in numbers]
    if (
        len(texts) > 1
        and firsts[0] is not None
        and firsts == list(range(firsts[0], firsts[0] + len(texts)))
    ):
        return [text[m.end() :] for text, m in zip(texts, numbers, strict=True) if m]
    return texts
