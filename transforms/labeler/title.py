"""Which line is a page's title: a ranking model learned from real pages' titles picks it
among the short lines around the start of the article, or lets the rules' title stand.

Rule: a page's title candidates are its lines of 1 to ``MAX_TITLE_WORDS`` words from
``ABOVE`` lines above the start of its largest block of likely article lines (``blocks``:
the first stage's p >= 0.5, blocks parted by more than ``BLOCK_GAP`` unlikely lines; the
page's start when it has none) to ``BELOW`` lines below it, and one more: the rules' title
(the line they read as the title, a title they found glued before a repeated teaser, or
none). Each line is described by what the second stage reads of it
(``features.second_stage_matrix``), how far it lies from that start, what share of its
words of four letters or more the page's other likely lines hold (a title's words recur in
its article; a menu's do not), and, for HTML, how much of it the page's head titles hold and
how much of them it holds (``og:title`` and ``<title>``, "Storm hits the coast | Daily
News"). Every candidate also carries what the rules found on its page (``RULES_EXTRA``). The
ranker scores a page's candidates against each other; the best is the title, and when the
best is the rules' own candidate, their title stands.

>>> from transforms.labeler.batch import PageEvidence
>>> from transforms.labeler.features import first_stage_matrix
>>> batch = PageBatch.of([PageEvidence(("Home", "Storm hits", "Rain fell. " * 23), (0,) * 3,
...                                    (0,) * 3)])
>>> found = title_matrix(batch, first_stage_matrix(batch, None), np.array([.1, .2, .9]))
>>> found.lines.tolist()  # the two short lines, then the rules' candidate
[0, 1, -1]
>>> found.rows[:, len(FIRST_STAGE_FEATURES)].tolist()  # 2 and 1 above the block
[-2.0, -1.0, nan]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress

import numpy as np

from transforms.labeler.batch import Floats, Ints, PageBatch
from transforms.labeler.blocks import likely_blocks
from transforms.labeler.features import FIRST_STAGE_FEATURES, LABEL_CODES
from transforms.records import Label

MAX_TITLE_WORDS = 40
# How far from the start of the largest block a title is looked for (lines above, below).
ABOVE, BELOW = 100, 30
BLOCK_GAP = 6
RULES_EXTRA = ("is_rules_title", "rules_title_line", "rules_teaser", "rules_title_glued",
               "rules_title_words", "candidates")  # fmt: skip
TITLE_EXTRA = ("from_largest_block", "words_in_article", "in_head_title", "holds_head_title",
               *RULES_EXTRA)  # fmt: skip
_WORD = re.compile(r"\w+")
_LONG_WORD_OR_BREAK = re.compile(r"\w{4,}|\n")
_TITLE = LABEL_CODES[Label.TITLE]
_TEASER = LABEL_CODES[Label.TEASER]
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


@dataclass(frozen=True)
class TitleCandidates:
    """The candidates of a batch's pages, by page: each one's line in the batch (-1: the
    rules' title), its page, and its row for the ranker."""

    lines: Ints
    page: Ints
    rows: Floats


def title_matrix(batch: PageBatch, second: Floats, p1: Floats) -> TitleCandidates:
    """The title candidates of ``batch`` and their rows for the ranker: the second stage's
    matrix ``second`` (one row per line of ``batch``; any matrix that begins with the first
    stage's features) with ``TITLE_EXTRA`` after it (``p1``: the first stage's probabilities).
    The rules' candidate has no line, so its line's columns are NaN."""
    mask, offset = _candidates(second, batch, p1)
    lines = np.flatnonzero(mask)
    n = len(batch.pages)
    titles = [page.title or "" for page in batch.pages]
    in_article = _words_in_article(batch, p1, titles)
    heads = [_head_words(page.markup.titles if page.markup else ()) for page in batch.pages]
    texts = [batch.pages[batch.page[line]].texts[line - batch.start[line]] for line in lines]
    within, holds = _head_overlap(texts + titles, [batch.page[lines], np.arange(n)], heads)
    line_rows = np.column_stack([second[lines], offset[lines], in_article[lines]])
    rules_rows = np.column_stack([np.full((n, second.shape[1] + 1), np.nan), in_article[-n:]])
    page = np.concatenate([batch.page[lines], np.arange(n)])
    codes = np.asarray([c for p in batch.pages for c in p.rule_labels], dtype=np.int64)
    on_page = np.bincount(page, minlength=n)  # candidates, the rules' own too
    rules = np.column_stack([
        np.concatenate([np.zeros(len(lines)), np.ones(n)]),
        (np.bincount(batch.page, weights=codes == _TITLE, minlength=n) > 0)[page],
        (np.bincount(batch.page, weights=codes == _TEASER, minlength=n) > 0)[page],
        np.array([p.title_glued for p in batch.pages], dtype=bool)[page],
        np.array([len(_WORD.findall(t)) for t in titles], dtype=np.float64)[page],
        on_page[page],
    ])  # fmt: skip
    rows = np.column_stack([np.vstack([line_rows, rules_rows]), within, holds, rules])
    order = np.argsort(page, kind="stable")  # by page, the rules' candidate last
    all_lines = np.concatenate([lines, np.full(n, -1)])
    return TitleCandidates(all_lines[order], page[order], rows[order].astype(np.float32))


def _words_in_article(batch: PageBatch, p1: Floats, titles: list[str]) -> Floats:
    """For each line of ``batch`` and then each page's rules' title (``titles``), the share of
    its words of four letters or more that another line of its page holds with p1 >= 0.5
    (NaN: no such word)."""
    n_lines = batch.n_lines
    texts = [*(text for page in batch.pages for text in page.texts), *titles]
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # a text holding a line break: a space there
        joined = "\n".join(" ".join(text.splitlines()) for text in texts)
    tokens = _LONG_WORD_OR_BREAK.findall(joined.lower())
    breaks = np.fromiter(map("\n".__eq__, tokens), dtype=bool, count=len(tokens))
    line = np.cumsum(breaks)[~breaks]
    words = list(compress(tokens, ~breaks))
    number = {w: i for i, w in enumerate(dict.fromkeys(words))}
    ids = np.fromiter(map(number.__getitem__, words), dtype=np.int64, count=len(words))
    share = np.full(n_lines + len(titles), np.nan)
    if len(ids) == 0:
        return share
    u = len(number)
    pairs = np.unique(line * u + ids)  # each word once a line
    line, ids = pairs // u, pairs % u
    page = np.concatenate([batch.page, np.arange(len(titles))])[line]
    likely = np.concatenate([p1 >= 0.5, np.zeros(len(titles), dtype=bool)])[line]
    per_page = np.unique(page * u + ids, return_inverse=True)[1].ravel()
    others = np.bincount(per_page, weights=likely)[per_page] - likely
    held = np.bincount(line, weights=others > 0, minlength=len(share))
    counted = np.bincount(line, minlength=len(share))
    np.divide(held, counted, out=share, where=counted > 0)
    return share


def _head_overlap(
    texts: list[str], pages: list[Ints], heads: list[list[set[str]]]
) -> tuple[Floats, Floats]:
    """How much of each text its page's head titles hold, and how much of them it holds."""
    page = np.concatenate(pages)
    within = np.full(len(texts), np.nan)
    holds = np.full(len(texts), np.nan)
    for j, (text, k) in enumerate(zip(texts, page.tolist(), strict=True)):
        titles = heads[k]
        if not titles:
            continue
        words = set(_WORD.findall(text.lower()))
        if words:
            within[j] = max(len(words & t) / len(words) for t in titles)
            holds[j] = max(len(words & t) / len(t) for t in titles)
    return within, holds


def _head_words(titles: tuple[str, ...]) -> list[set[str]]:
    return [words for words in (set(_WORD.findall(t.lower())) for t in titles) if words]


def best_titles(batch: PageBatch, found: TitleCandidates, scores: Floats) -> Ints:
    """Each page's title line (its number on the page), the best-scored of its candidates
    ``found``; -1 where the rules' candidate scored best.

    >>> from transforms.labeler.batch import PageEvidence
    >>> batch = PageBatch.of([PageEvidence(("a", "b", "c"), (0,) * 3, (0,) * 3)] * 2)
    >>> found = TitleCandidates(np.array([0, 1, -1, 3, -1]), np.array([0, 0, 0, 1, 1]),
    ...                         np.zeros((5, 1)))
    >>> best_titles(batch, found, np.array([0.1, 0.7, -0.2, 0.1, 0.3])).tolist()
    [1, -1]
    """
    best = np.full(len(batch.pages), -1, dtype=np.int64)
    if len(found.lines) == 0:
        return best
    order = np.lexsort((-scores, found.page))  # by page, best first
    heads = np.concatenate(([True], found.page[order][1:] != found.page[order][:-1]))
    chosen, page = found.lines[order][heads], found.page[order][heads]
    line = chosen >= 0
    best[page[line]] = chosen[line] - batch.start[chosen[line]]
    return best
