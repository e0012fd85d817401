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
its article; a menu's do not), whether a candidate within ``NEARBY`` lines holds all its
words and more or it holds all of one's (a breadcrumb ending in the title), and, for HTML,
how much of it the page's head titles hold and how much of them it holds (``og:title`` and
``<title>``, "Storm hits the coast | Daily News"). Every candidate also carries what the
rules found on its page (``RULES_EXTRA``); the rules' own candidate is described as the line
they read as the title, where there is one. The ranker scores a page's candidates against each
other; the best is the title, and when the best is the rules' own candidate, their title
stands.

>>> from transforms.labeler.batch import PageEvidence
>>> from transforms.labeler.features import first_stage_matrix
>>> batch = PageBatch.of([PageEvidence(("Home", "Storm hits", "Rain fell. " * 23), (0,) * 3,
...                                    (0,) * 3)])
>>> words = BatchWords.of([text for page in batch.pages for text in page.texts])
>>> found = title_matrix(batch, first_stage_matrix(batch, None), np.array([.1, .2, .9]), words)
>>> found.lines.tolist()  # the two short lines, then the rules' candidate
[0, 1, -1]
>>> found.rows[:, len(FIRST_STAGE_FEATURES)].tolist()  # 2 and 1 above the block
[-2.0, -1.0, nan]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from transforms.labeler.batch import Floats, Ints, PageBatch
from transforms.labeler.blocks import likely_blocks
from transforms.labeler.features import FIRST_STAGE_FEATURES, LABEL_CODES, TITLE_CODE
from transforms.labeler.lexicon import BatchWords
from transforms.records import Label

MAX_TITLE_WORDS = 40
# How far from the start of the largest block a title is looked for (lines above, below).
ABOVE, BELOW = 100, 30
BLOCK_GAP = 6
RULES_EXTRA = ("is_rules_title", "rules_title_line", "rules_teaser", "rules_title_glued",
               "rules_title_words", "candidates")  # fmt: skip
TITLE_EXTRA = ("from_largest_block", "words_in_article", "holds_line_nearby", "in_line_nearby",
               "in_head_title", "holds_head_title", *RULES_EXTRA)  # fmt: skip
# How near (in lines) another candidate is looked for that holds a candidate's words, or whose
# words it holds ("Home » Storm hits the coast" above "Storm hits the coast").
NEARBY = 3
_WORD = re.compile(r"\w+")
_TEASER = LABEL_CODES[Label.TEASER]
_SIZE = FIRST_STAGE_FEATURES.index("size")
_RULE_LABEL = FIRST_STAGE_FEATURES.index("rule_label")


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


def _rules_title_lines(batch: PageBatch, codes: Floats) -> Ints:
    """Each page's first line the rules read as its title (``codes``: the rules' label code
    of each line), as its line in the batch; -1: none.

    >>> from transforms.labeler.batch import PageEvidence
    >>> batch = PageBatch.of([PageEvidence(("a", "b"), (0, 0), (0, 0))] * 2)
    >>> _rules_title_lines(batch, np.array([0, 0, TITLE_CODE, TITLE_CODE])).tolist()
    [-1, 2]
    """
    at = np.flatnonzero(codes == TITLE_CODE)
    pages, first = np.unique(batch.page[at], return_index=True)
    found = np.full(len(batch.pages), -1, dtype=np.int64)
    found[pages] = at[first]
    return found


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


def title_matrix(
    batch: PageBatch, second: Floats, p1: Floats, words: BatchWords
) -> TitleCandidates:
    """The title candidates of ``batch`` and their rows for the ranker: the second stage's
    matrix ``second`` (one row per line of ``batch``; any matrix that begins with the first
    stage's features) with ``TITLE_EXTRA`` after it (``p1``: the first stage's probabilities;
    ``words``: the batch's words). The rules' candidate's line columns are those of the line
    they read as the title (NaN where their title is no line of its own: glued, or none)."""
    mask, offset = _candidates(second, batch, p1)
    lines = np.flatnonzero(mask)
    n = len(batch.pages)
    titles = [page.title or "" for page in batch.pages]
    shared = _shared_words(batch, p1, words, mask, titles)
    within, holds = _head_overlap(batch, lines, titles)
    line_rows = np.column_stack([second[lines], offset[lines], *(c[lines] for c in shared)])
    codes = second[:, _RULE_LABEL]  # the rules' label of each line
    title_at = _rules_title_lines(batch, codes)
    has = title_at >= 0
    rules_line = np.full((n, second.shape[1] + 1), np.nan)
    rules_line[has] = np.column_stack([second[title_at[has]], offset[title_at[has]]])
    rules_rows = np.column_stack([rules_line, *(c[-n:] for c in shared)])
    page = np.concatenate([batch.page[lines], np.arange(n)])
    on_page = np.bincount(page, minlength=n)  # candidates, the rules' own too
    rules = np.column_stack([
        np.concatenate([np.zeros(len(lines)), np.ones(n)]),
        has[page],
        (np.bincount(batch.page, weights=codes == _TEASER, minlength=n) > 0)[page],
        np.array([p.title_glued for p in batch.pages], dtype=bool)[page],
        np.array([len(_WORD.findall(t)) for t in titles], dtype=np.float64)[page],
        on_page[page],
    ])  # fmt: skip
    rows = np.column_stack([np.vstack([line_rows, rules_rows]), within, holds, rules])
    order = np.argsort(page, kind="stable")  # by page, the rules' candidate last
    all_lines = np.concatenate([lines, np.full(n, -1)])
    return TitleCandidates(all_lines[order], page[order], rows[order].astype(np.float32))


def _shared_words(
    batch: PageBatch, p1: Floats, words: BatchWords, asked: np.ndarray, titles: list[str]
) -> tuple[Floats, Floats, Floats]:
    """For each line of ``batch`` (those of ``asked``; NaN elsewhere) and then each page's
    rules' title (``titles``), counting its distinct words of four letters or more:

    - the share that another line of its page with p1 >= 0.5 holds (a word counts when the
      page's likely lines hold it more often than the asked line itself does);
    - when it holds all the words of an asked line within ``NEARBY`` lines, and more: the
      largest share of its words such a line has (0: it holds no such line whole);
    - whether an asked line within ``NEARBY`` lines holds all its words and more (1) or not
      (0).

    NaN where the line has no such word. A rules' title has no neighbours: 0 and 0.
    """
    n, u = batch.n_lines, len(words.distinct)
    extra = BatchWords.of(titles)  # the titles' words, numbered after the batch's
    number = dict(zip(words.distinct, range(u), strict=True))
    more = np.fromiter((number.setdefault(w, len(number)) for w in extra.distinct), np.int64,
                       len(extra.distinct))  # fmt: skip
    ids = np.concatenate([words.ids, more[extra.ids]])
    line = np.concatenate([words.line, extra.line + n])
    long = np.fromiter(map(len, number), np.int64, len(number))[ids] >= 4
    ids, line = ids[long], line[long]
    u = len(number)
    key = np.concatenate([batch.page, np.arange(len(titles))])[line] * u + ids
    likely = np.concatenate([p1 >= 0.5, np.zeros(len(titles), dtype=bool)])[line]
    held_by_likely = np.sort(key[likely])
    want = np.concatenate([asked, np.ones(len(titles), dtype=bool)])[line]
    key, line, likely = key[want], line[want], likely[want]
    order = np.lexsort((key, line))  # each asked line's words, a word's repeats together
    key, line, likely = key[order], line[order], likely[order]
    new = np.ones(len(key), dtype=bool)  # a line's first sight of a word
    new[1:] = (key[1:] != key[:-1]) | (line[1:] != line[:-1])
    run = np.cumsum(new) - 1
    own = np.bincount(run)[run]  # how often the asked line itself holds the word
    found = np.searchsorted(held_by_likely, key, "right") - np.searchsorted(held_by_likely, key)
    elsewhere = found - np.where(likely, own, 0) > 0
    size = n + len(titles)
    counted = np.bincount(line[new], minlength=size)
    some = counted > 0
    share = np.full(size, np.nan)
    held = np.bincount(line[new], weights=elsewhere[new], minlength=size)
    np.divide(held, counted, out=share, where=some)
    # the asked lines' distinct words as line * size + key, sorted: a neighbour's are found
    line_words = np.sort(line[new] * (size * u) + key[new])
    holds_near = np.where(some, 0.0, np.nan)
    in_near = np.where(some, 0.0, np.nan)
    page = np.concatenate([batch.page, np.full(len(titles), -1)])
    for d in range(1, min(NEARBY, n - 1) + 1):
        on, by = line[new][line[new] + d < n], key[new][line[new] + d < n]
        both = np.searchsorted(line_words, (on + d) * (size * u) + by)
        hit = both < len(line_words)
        hit[hit] = line_words[both[hit]] == ((on + d) * (size * u) + by)[hit]
        common = np.bincount(on, weights=hit, minlength=size)  # words of l in l + d too
        lo = np.flatnonzero(some[: n - d] & some[d:n] & (page[: n - d] == page[d:n]))
        hi = lo + d
        for a, b in ((lo, hi), (hi, lo)):  # a holds b's words whole, having more
            whole = (common[lo] == counted[b]) & (counted[b] < counted[a])
            a, b = a[whole], b[whole]
            holds_near[a] = np.maximum(holds_near[a], counted[b] / counted[a])
            in_near[b] = 1.0
    return share, holds_near, in_near


def _head_overlap(batch: PageBatch, lines: Ints, titles: list[str]) -> tuple[Floats, Floats]:
    """For each candidate line and then each page's rules' title: how much of it the page's
    head titles hold, and how much of them it holds (NaN: the page has no head title)."""
    n = len(batch.pages)
    within = np.full(len(lines) + n, np.nan)
    holds = np.full(len(lines) + n, np.nan)
    heads = [_head_words(page.markup.titles if page.markup else ()) for page in batch.pages]
    page = np.concatenate([batch.page[lines], np.arange(n)])
    for j in np.flatnonzero(np.array([bool(h) for h in heads], dtype=bool)[page]).tolist():
        k = int(page[j])
        if j < len(lines):
            line = int(lines[j])
            text = batch.pages[k].texts[line - int(batch.start[line])]
        else:
            text = titles[k]
        seen = set(_WORD.findall(text.lower()))
        if seen:
            within[j] = max(len(seen & t) / len(seen) for t in heads[k])
            holds[j] = max(len(seen & t) / len(t) for t in heads[k])
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
