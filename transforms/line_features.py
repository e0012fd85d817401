"""Language-neutral measurements of one line: size, ending, truncation, separators.

Rule: a line's *size* is its word count, or a seventh of its characters for scripts written
without spaces (so a Chinese paragraph is long too); the other features look only at
punctuation and shape, never at English words.

>>> measure("Opinion is divided. Some experts...").truncated
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from transforms.boilerplate_words import (
    is_boilerplate_line,
    is_legal_notice,
    is_link_prompt,
    is_section_name,
)
from transforms.keys import single_spaced, spaced_key, strip_truncation, word_count

_SENTENCE_MARKS = frozenset(".!?。！？؟।")
_CLOSERS = "\"'”’»)]"
BREADCRUMB_SEPARATOR = re.compile(r"\s+(?:»|›|>|→|/|\|)\s+|\s*[»›→]\s*")
_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{1,2}:\d{2}\b"
    r"|\b\d{1,2}\.?\s+[A-Za-zÀ-ÿ]{3,10}\.?\s+\d{4}\b|\b[A-Za-zÀ-ÿ]{3,10}\.?\s+\d{1,2},?\s+\d{4}\b"
)
_DIGIT = re.compile(r"\d")
# "By Jane Doe" in the languages most common in news corpora; a supporting signal only.
_BYLINE_START = re.compile(r"^(?:by|von|par|por|di|door|av|af|przez|от)\s+\S", re.IGNORECASE)
CHARS_PER_WORD = 7
# Chinese or Japanese text: about two characters carry what one word of English does.
UNSPACED_WORD_CHARS = 12
CHARS_PER_UNSPACED_WORD = 2
# A byline or dateline has at most this many words.
MAX_BYLINE_SIZE = 16
# Section names and boilerplate prompts are short; longer lines are never looked up.
MAX_NAMED_LINE_SIZE = 12
# Lines up to this long (menus, section names, sidebar headlines and teasers, footers recur on
# every page of a site) are measured once and remembered, up to this many of them.
MAX_REMEMBERED_CHARS = 150
REMEMBERED_LINES = 16_384


@dataclass(slots=True)
class LineFeatures:
    """Shape of one non-blank line. The rules read the last four many times a page, so they
    are fields, not properties. It says nothing of where the line is: a line that recurs on
    many pages is one shared object, never changed once measured (not frozen: a frozen
    dataclass of 12 fields builds 8 times more slowly, and most lines are measured once)."""

    text: str
    size: int
    sentence_end: bool
    truncated: bool
    key: str
    section_name: bool
    boilerplate: bool
    byline_like: bool  # short, and names an author ("By ...") or a full date/time
    title_like: bool  # see _title_like
    header_like: bool  # a few words, no sentence ending, no truncation: a section's name
    paragraph_like: bool  # running text: long, or a finished sentence of some length
    path_like: bool  # breadcrumb-shaped (see breadcrumb_parts)


def shape_flags(f: LineFeatures) -> int:
    """The yes/no features of a measured line as the bits of one number (for the line model).

    >>> shape_flags(measure("Opinion is divided. Some experts...")) & 1
    1
    """
    return (
        f.truncated
        | f.section_name << 1
        | f.boilerplate << 2
        | f.byline_like << 3
        | f.title_like << 4
        | f.header_like << 5
        | f.paragraph_like << 6
        | f.path_like << 7
    )


def size_of(text: str) -> int:
    """Words, or characters / 7, whichever is larger; a line of a script written without
    spaces (its "words" average more than 12 characters) counts one word per 2 characters.

    >>> size_of("Rain fell all day"), size_of("市议会周二讨论了新的港口计划")
    (4, 7)
    """
    return _size(text, word_count(text))


def _size(text: str, words: int) -> int:
    if text.isascii() or len(text) <= words * UNSPACED_WORD_CHARS:
        return max(words, len(text) // CHARS_PER_WORD)
    return max(words, len(text) // CHARS_PER_UNSPACED_WORD)


def is_truncated(text: str) -> bool:
    """Does the line end in a truncation mark ("...", "…", "[…]")?

    >>> is_truncated("Opinion is divided [...]"), is_truncated("It rained.")
    (True, False)
    """
    end = text.rstrip()
    return strip_truncation(end) != end  # one rule for the marks: ``strip_truncation``


def ends_sentence(text: str) -> bool:
    """Does the line end in sentence punctuation, perhaps followed by closing quotes?

    >>> ends_sentence('He said "no."'), ends_sentence("Top stories")
    (True, False)
    """
    return text.rstrip().rstrip(_CLOSERS)[-1:] in _SENTENCE_MARKS


def _long_boilerplate(key: str) -> bool:
    return is_legal_notice(key) or is_link_prompt(key)


def measure(line: str) -> LineFeatures:
    """Measure a non-blank line as its words separated by single spaces (``text`` is
    ``" ".join(line.split())``).

    A short line is measured once and remembered (``REMEMBERED_LINES`` of them, least
    recently used forgotten first): a site's menus, sidebars and footers recur on every one
    of its pages. The same line always measures the same, so memory changes speed only.
    """
    return _remembered(line) if len(line) <= MAX_REMEMBERED_CHARS else _measured(line)


def forget_measured_lines() -> None:
    """Forget the remembered short lines (a benchmark times each pass from cold)."""
    _remembered.cache_clear()


def _measured(line: str) -> LineFeatures:
    text = line if single_spaced(line) else " ".join(line.split())
    truncated = is_truncated(text)
    size = _size(text, text.count(" ") + 1)
    ended = ends_sentence(text)
    sentence_end = ended and not truncated
    short = size <= MAX_NAMED_LINE_SIZE
    key = spaced_key(text)
    return LineFeatures(
        text,
        size,
        sentence_end,
        truncated,
        key,
        short and is_section_name(text, key),
        is_boilerplate_line(text, key) if short else _long_boilerplate(key),
        size <= MAX_BYLINE_SIZE and _names_author_or_date(text),
        _title_like(text, size, truncated),
        size <= 5 and not sentence_end and not truncated,
        size >= 20 or (size >= 8 and sentence_end),
        not ended and bool(breadcrumb_parts(text)),  # a path's last segment ends no sentence
    )


def _title_like(text: str, size: int, truncated: bool) -> bool:
    """Short, not a truncated teaser, not a finished sentence ending in a period."""
    if truncated:
        return False
    return (2 <= size <= 25 and not text.rstrip("\"'”’»)").endswith(".")) or (
        size == 1 and len(text) >= 3
    )


_remembered = lru_cache(maxsize=REMEMBERED_LINES)(_measured)


def breadcrumb_parts(text: str) -> list[str]:
    """The segments of a breadcrumb-shaped line, or [] when it is not one.

    A breadcrumb is two or more short segments joined by a path separator, none of them a
    finished sentence.

    >>> breadcrumb_parts("Home » World » Storm hits coast")
    ['Home', 'World', 'Storm hits coast']
    """
    if not _has_path_mark(text):
        return []
    parts = [p.strip() for p in BREADCRUMB_SEPARATOR.split(text)]
    if len(parts) < 2 or any(not p for p in parts):
        return []
    if any(size_of(p) > 14 or ends_sentence(p) for p in parts):
        return []
    return parts


def _names_author_or_date(text: str) -> bool:
    """Does the line start with "By ..." or hold a full date or time?

    >>> _names_author_or_date("Ana Ruiz | 3 March 2024"), _names_author_or_date("Storm hits")
    (True, False)
    """
    if _BYLINE_START.match(text):
        return True
    return has_digit(text) and bool(_DATE.search(text))  # every date has a digit


# A few substring tests in C are several times faster than one character-class search.


def _has_path_mark(text: str) -> bool:
    """Does ``text`` hold one of » › > → / |? (A line holding none is no breadcrumb.)"""
    return "/" in text or "|" in text or ">" in text or "»" in text or "›" in text or "→" in text


def has_digit(text: str) -> bool:
    """Does ``text`` hold a digit (of any script)?

    >>> has_digit("5 min read"), has_digit("٣ دقائق"), has_digit("Storm hits")
    (True, True, False)
    """
    if not text.isascii():
        return bool(_DIGIT.search(text))
    return len(text.encode().translate(None, b"0123456789")) < len(text)  # some were deleted
