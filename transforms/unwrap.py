"""Rejoin the paragraphs of a page that a text dump hard-wrapped at a fixed width.

Rule: a page is hard-wrapped when its wrap width (the 95th percentile of its non-blank line
lengths) is between MIN_WRAP_WIDTH and MAX_WRAP_WIDTH characters and, of its lines followed
by another non-blank line, at least WRAPPED_SHARE (and at least MIN_WRAPPED_LINES) are
*full*: the next line's first word would not have fitted after them, and they end in no
truncation mark (a teaser cut at a fixed length is no wrapped line); or, when paragraphs
are not set apart by blank lines, at least SENTENCE_SHARE (and MIN_WRAPPED_SENTENCES) break
a sentence: full, no sentence end, the next line starting in lower case. Each full line is
then joined with the line after it. A page whose paragraphs are lines of their own (the usual
scrape) has a wrap width in the hundreds of characters and is left alone.

>>> para = ("The council met on Tuesday to discuss the new harbor plan, which would see the "
...         "old docks turned into housing and a park by the end of next year, officials said.")
>>> import textwrap
>>> wrapped = ["Harbor News", ""] + textwrap.wrap(para, 60) + [""] + textwrap.wrap(para, 60)
>>> [len(group) for group in rejoin_wrapped(wrapped)]
[1, 1, 3, 1, 3]
>>> rejoin_wrapped(["Harbor News", "", para, "", para]) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence

from transforms.line_features import ends_sentence, is_truncated

MIN_WRAP_WIDTH = 40
MAX_WRAP_WIDTH = 150
WRAPPED_SHARE = 0.6
MIN_WRAPPED_LINES = 4
# Without blank lines between paragraphs: full lines that break a sentence ("... the" /
# "council voted ..."), which a page of whole paragraphs and headlines does not have.
MIN_WRAPPED_SENTENCES = 3
SENTENCE_SHARE = 0.15


def rejoin_wrapped(lines: Sequence[str]) -> list[tuple[int, ...]] | None:
    """The page's lines grouped into logical lines (consecutive line numbers, every line in
    one group, in order), or None when the page is not hard-wrapped."""
    texts = list(map(str.rstrip, lines))
    lengths = sorted(map(len, filter(str.strip, texts)))  # the non-blank lines'
    if len(lengths) < MIN_WRAPPED_LINES:
        return None
    width = lengths[(len(lengths) - 1) * 95 // 100]
    if not MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH:
        return None
    full = [_is_full(texts[i], texts[i + 1], width) for i in range(len(texts) - 1)]
    followed = sum(bool(texts[i].strip() and texts[i + 1].strip()) for i in range(len(full)))
    wrapped = sum(full)
    mid_sentence = sum(
        is_full and not ends_sentence(texts[i]) and texts[i + 1].lstrip()[:1].islower()
        for i, is_full in enumerate(full)
    )
    if not (
        (wrapped >= MIN_WRAPPED_LINES and wrapped >= WRAPPED_SHARE * followed)
        or (mid_sentence >= MIN_WRAPPED_SENTENCES and mid_sentence >= SENTENCE_SHARE * followed)
    ):
        return None
    groups: list[tuple[int, ...]] = []
    current = [0]
    for i in range(1, len(texts)):
        if full[i - 1]:
            current.append(i)
        else:
            groups.append(tuple(current))
            current = [i]
    groups.append(tuple(current))
    return groups


def _is_full(line: str, following: str, width: int) -> bool:
    """Was ``line`` broken because the next word did not fit on it? (A teaser cut at a fixed
    length ends in a truncation mark instead, and the headline after it is no continuation.)"""
    if len(line) + 1 + len(following) <= width:
        return False  # the whole next line would have fitted
    words = following.split(maxsplit=1)  # only its first word counts
    return (
        bool(line.strip() and words)
        and len(line) + 1 + len(words[0]) > width
        and not is_truncated(line)
    )
