"""Which line is a page's title: a ranking model learned from real pages' titles picks it
among the short lines around the start of the article.

Rule: a page's title candidates are its lines of 1 to ``MAX_TITLE_WORDS`` words from
``ABOVE`` lines above the start of its largest block of likely article lines (``blocks``:
the first stage's p >= 0.5, blocks parted by more than ``BLOCK_GAP`` unlikely lines; the
page's start when it has none) to ``BELOW`` lines below it. Each is described by what the
second stage reads of it (``features.second_stage_matrix``), how far it lies from that start,
and, for HTML, how much of it the page's own head titles hold and how much of them it holds
(``og:title`` and ``<title>``, "Storm hits the coast | Daily News"). The ranker scores the
candidates of each page against each other; the best is the title. A page without
candidates has none from the model.

>>> from transforms.labeler.batch import PageEvidence
>>> from transforms.labeler.features import first_stage_matrix
>>> batch = PageBatch.of([PageEvidence(("Home", "Storm hits", "Rain fell. " * 23), (0,) * 3,
...                                    (0,) * 3)])
>>> lines, rows = title_matrix(batch, first_stage_matrix(batch, None), np.array([.1, .2, .9]))
>>> lines.tolist(), rows[:, -3].tolist()  # the two short lines, 2 and 1 above the block
([0, 1], [-2.0, -1.0])
"""

from __future__ import annotations

import re

import numpy as np

from transforms.labeler.batch import Floats, Ints, PageBatch
from transforms.labeler.blocks import likely_blocks
from transforms.labeler.features import FIRST_STAGE_FEATURES

MAX_TITLE_WORDS = 40
# How far from the start of the largest block a title is looked for (lines above, below).
ABOVE, BELOW = 100, 30
BLOCK_GAP = 6
TITLE_EXTRA = ("from_largest_block", "in_head_title", "holds_head_title")
_WORD = re.compile(r"\w+")
_SIZE = FIRST_STAGE_FEATURES.index("size")


def _block_offset(batch: PageBatch, size: Floats, p1: Floats) -> Floats:
    """Each line's distance in lines from the start of its page's largest block of likely
    lines (negative above)."""
    before = likely_blocks(batch, size, p1 >= 0.5, BLOCK_GAP)[2]
    idx = np.arange(batch.n_lines)
    start = np.full(len(batch.pages), batch.n_lines)
    inside = np.flatnonzero(before == 0)  # the block's first line and every line after it
    np.minimum.at(start, batch.page[inside], idx[inside])
    offset: Floats = (idx - start[batch.page]).astype(np.float32)
    return offset


def _candidates(first: Floats, batch: PageBatch, p1: Floats) -> tuple[np.ndarray, Floats]:
    size = first[:, _SIZE]
    offset = _block_offset(batch, size, p1)
    near = (offset >= -ABOVE) & (offset <= BELOW)
    return near & (size >= 1) & (size <= MAX_TITLE_WORDS), offset


def title_matrix(batch: PageBatch, second: Floats, p1: Floats) -> tuple[Ints, Floats]:
    """The candidate lines of ``batch`` and their rows for the ranker: the second stage's
    matrix ``second`` (one row per line of ``batch``; any matrix that begins with the first
    stage's features) with ``TITLE_EXTRA`` after it (``p1``: the first stage's probabilities)."""
    mask, offset = _candidates(second, batch, p1)
    lines = np.flatnonzero(mask)
    within = np.full(len(lines), np.nan, dtype=np.float32)
    holds = np.full(len(lines), np.nan, dtype=np.float32)
    heads = [_head_words(page.markup.titles if page.markup else ()) for page in batch.pages]
    for j, line in enumerate(lines.tolist()):
        titles = heads[batch.page[line]]
        if not titles:
            continue
        page = batch.pages[batch.page[line]]
        words = set(_WORD.findall(page.texts[line - batch.start[line]].lower()))
        if words:
            within[j] = max(len(words & t) / len(words) for t in titles)
            holds[j] = max(len(words & t) / len(t) for t in titles)
    rows = np.column_stack([second[lines], offset[lines], within, holds]).astype(np.float32)
    return lines, rows


def _head_words(titles: tuple[str, ...]) -> list[set[str]]:
    return [words for words in (set(_WORD.findall(t.lower())) for t in titles) if words]


def best_titles(batch: PageBatch, lines: Ints, scores: Floats) -> Ints:
    """Each page's title line (its number on the page), the best-scored of its candidate
    ``lines``; -1 for a page without candidates.

    >>> from transforms.labeler.batch import PageEvidence
    >>> batch = PageBatch.of([PageEvidence(("a", "b", "c"), (0,) * 3, (0,) * 3)] * 2)
    >>> best_titles(batch, np.array([0, 1, 2]), np.array([0.1, 0.7, -0.2])).tolist()
    [1, -1]
    """
    best = np.full(len(batch.pages), -1, dtype=np.int64)
    if len(lines) == 0:
        return best
    pages = batch.page[lines]
    order = np.lexsort((-scores, pages))  # by page, best first
    heads = np.concatenate(([True], pages[order][1:] != pages[order][:-1]))
    chosen = lines[order][heads]
    best[batch.page[chosen]] = chosen - batch.start[chosen]
    return best
