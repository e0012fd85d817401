"""Repeats inside one page (rule 3): teasers repeated in a fuller line, the titles glued in
front of such a repeat, and lines equal to an earlier one.

>>> from transforms.line_features import measure
>>> page = RulePage([measure(line) for line in (
...     "Harbor plan splits the council over costs...",
...     "Harbor plan splits the council over costs and the vote is next week.",
...     "Harbor plan splits the council over costs and the vote is next week.",
... )])
>>> mark_teaser_repeats(page)
>>> mark_duplicates(page)
>>> [page.labels[i][1] for i in sorted(page.labels)]
['repeated_in_body', 'duplicate_line']
"""

from __future__ import annotations

import itertools

from transforms.keys import headline_key, strip_truncation, word_count
from transforms.labeler.rule_page import RulePage
from transforms.records import Label, Rule

# A teaser must keep at least this many characters, less its last word, to count as a repeat.
MIN_REPEAT_CHARS = 25
# The fuller copy of a teaser is one of the next 3 longer lines among the next 12 lines.
REPEAT_LOOKAHEAD = 3
REPEAT_WINDOW = 12
# Text glued in front of a repeated teaser is a title only when at most this long.
MAX_GLUED_TITLE_SIZE = 30


def repeat_needle(text: str) -> str:
    """The part of a teaser that must reappear: truncation mark and last word dropped (the
    last character, in a script written without spaces).

    >>> repeat_needle("Harbor plan splits the council...")
    'Harbor plan splits the'
    """
    text = strip_truncation(text)
    head, space, _ = text.rpartition(" ")
    return head if space else text[:-1]


def _glued_title(prefix: str) -> str | None:
    """Title text glued before a repeated teaser, less a trailing "Label:" token.

    >>> _glued_title("Harbor plan splits council Source: ")
    'Harbor plan splits council'
    """
    prefix = prefix.strip()
    head, _, last = prefix.rpartition(" ")
    if last.endswith(":") and len(last) <= 20 and head:  # a "Source:"-style label
        prefix = head
    prefix = prefix.rstrip(" :-–—|")
    return prefix if 0 < word_count(prefix) <= MAX_GLUED_TITLE_SIZE else None


def mark_teaser_repeats(page: RulePage) -> None:
    """A free line whose text (less its last word) reappears in one of the next longer free
    lines is a teaser; text glued in front of the repeat is the page's title (rule 3)."""
    free = page.free_lines()
    texts = [page.feats[i].text for i in free]
    # the free lines as one text, so that one search tells whether a window can hold a repeat
    joined = "\n".join(texts)  # no line holds a line break
    starts = list(itertools.accumulate((len(text) + 1 for text in texts), initial=0))
    for k, text in enumerate(texts):
        size = len(text)  # the needle is shorter: a line this short has none
        if size < MIN_REPEAT_CHARS or free[k] not in page.unlabeled:
            continue
        head = text[:MIN_REPEAT_CHARS]  # every needle long enough starts with it
        stop = min(k + 1 + REPEAT_WINDOW, len(free))  # the window: lines k + 1 to before stop
        if joined.find(head, starts[k + 1], starts[stop]) < 0:
            continue  # not in any line of the window, so in none of the longer ones
        longer = [g for g in range(k + 1, stop) if len(texts[g]) > size][:REPEAT_LOOKAHEAD]
        if not any(head in texts[g] for g in longer):
            continue
        needle = repeat_needle(text)
        if len(needle) < MIN_REPEAT_CHARS:
            continue
        for g in longer:
            offset = texts[g].find(needle)
            if offset < 0:
                continue
            page.mark(free[k], Label.TEASER, Rule.REPEATED_IN_BODY)
            title = _glued_title(texts[g][:offset]) if offset > 0 else None
            if title is not None:
                page.kept_from[free[g]] = offset
                if page.title is None:
                    page.title, page.title_key = title, headline_key(title)
            break


def mark_duplicates(page: RulePage) -> None:
    """A free line equal to an earlier free line (or the title) is a repeat; the first stays."""
    seen: set[str] = set() if page.title_key is None else {page.title_key}
    for i in page.free_lines():
        key = page.feats[i].key
        if key in seen:
            page.mark(i, Label.REPEAT, Rule.DUPLICATE_LINE)
        seen.add(key)
