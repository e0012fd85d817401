"""The evidence the line model reads: one row of numbers per non-blank line, a batch of pages
at a time, computed with numpy over the whole batch (no Python loop per feature).

Rule: a line is described by its shape (characters by class, words, how it starts and ends),
what the rule labeler said of it, where it stands on its page, how much text stands around it
(windows of +-1, 2, 5 and 10 lines), whether it lies between the page's first and last long
line, how often it repeats on the page, and, for HTML, what the markup says (link density,
tag, a form, an article element, class/id words). Which of these carry weight was measured by
cross-validation grouped by site on real pages (``training/``), not chosen by hand.

>>> batch = PageBatch.of([PageEvidence(("Home", "Rain fell."), (1, 0), (32, 64))])
>>> first_stage_matrix(batch, None).shape == (2, len(FIRST_STAGE_FEATURES))
True
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from transforms.labeler.batch import Floats, PageBatch, PageEvidence, window_sum
from transforms.labeler.blocks import BLOCK_COLUMNS, BLOCK_GAPS, likely_blocks
from transforms.labeler.lexicon import LEXICAL_FEATURES
from transforms.records import Label

# Character classes, counted per line.
(OTHER, SPACE, DIGIT, UPPER, LOWER, SENTENCE, CLAUSE, SEPARATOR, PUNCT, UNSPACED, BREAK) = range(11)
N_CLASSES = 11
_SENTENCE_MARKS = ".!?。！？؟।"
_CLAUSE_MARKS = ",;:，；：、"
_SEPARATOR_MARKS = "|»›>→/•·–—-"
# A line of this many words or more is long: the article lies between the first and the last.
LONG_LINE_WORDS = 20
# The code of each of the rules' labels: its place in ``Label``.
LABEL_CODES: dict[Label, int] = {label: code for code, label in enumerate(Label)}
CONTENT_CODE, TITLE_CODE = LABEL_CODES[Label.CONTENT], LABEL_CODES[Label.TITLE]
WINDOWS = (1, 2, 5, 10)
REACH = 100


@cache
def _class_table() -> npt.NDArray[np.uint8]:
    """The class of every code point of the Basic Multilingual Plane (one more entry for all
    code points above it)."""
    table = np.full(0x10001, OTHER, dtype=np.uint8)
    for cp in range(0x10000):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if ch.isspace():
            table[cp] = SPACE
        elif cat == "Nd":
            table[cp] = DIGIT
        elif cat == "Lu" or cat == "Lt":
            table[cp] = UPPER
        elif cat == "Lo" and cp >= 0x2E80:  # CJK, kana, Hangul: written without spaces
            table[cp] = UNSPACED
        elif cat[0] in "LM":
            table[cp] = LOWER
        elif ch in _SENTENCE_MARKS:
            table[cp] = SENTENCE
        elif ch in _CLAUSE_MARKS:
            table[cp] = CLAUSE
        elif ch in _SEPARATOR_MARKS:
            table[cp] = SEPARATOR
        elif cat[0] in "PS":
            table[cp] = PUNCT
    table[ord("\n")] = BREAK
    table[0x10000] = LOWER  # letters of the supplementary planes, and emoji
    return table


def _page_reduce(values: Floats, batch: PageBatch, how: np.ufunc) -> Floats:
    """``how`` (np.add, np.maximum, ...) over each page, given back on each of its lines."""
    if batch.n_lines == 0:
        return values
    starts = np.unique(batch.start)
    return how.reduceat(values, starts)[np.searchsorted(starts, batch.start)].astype(np.float32)


def _running_max(values: Floats, batch: PageBatch, *, reverse: bool = False) -> Floats:
    """The largest of ``values`` (each in [0, 1]) from the page's start up to each line (or
    from each line to the page's end): pages are kept apart by an offset of 2 a page, growing
    in the direction of the scan."""
    order = (batch.page[-1] - batch.page) if reverse and batch.n_lines else batch.page
    shifted = values.astype(np.float64) + 2.0 * order
    if reverse:
        peaks: npt.NDArray[np.float64] = np.maximum.accumulate(shifted[::-1])[::-1]
    else:
        peaks = np.maximum.accumulate(shifted)
    return (peaks - 2.0 * order).astype(np.float32)


def _reach(lines: npt.NDArray[np.floating[Any]]) -> Floats:
    """A distance in lines, clipped at +-``REACH``: a line 500 lines into a long article
    looks like one 100 lines in (the pages learned from are rarely longer, so farther
    distances would only say "longer than the pages seen")."""
    clipped: Floats = np.clip(lines, -REACH, REACH).astype(np.float32)
    return clipped


def _shift(values: Floats, batch: PageBatch, by: int, fill: float = -1.0) -> Floats:
    """Each line's neighbour's value ``by`` lines down (negative: up), ``fill`` off the page."""
    idx = np.arange(batch.n_lines) + by
    ok = (idx >= batch.start) & (idx < batch.stop)
    out = np.full(batch.n_lines, fill, dtype=np.float32)
    out[ok] = values[idx[ok]]
    return out


def _shape_columns(texts: list[str]) -> dict[str, Floats]:
    """Per-line counts of character classes, words and capitalised words, and the classes of
    the first and last character, over all lines at once."""
    n = len(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    cp = np.frombuffer("\n".join(texts).encode("utf-32-le"), dtype=np.uint32)
    cls = _class_table()[np.minimum(cp, 0x10000)]
    line = np.repeat(np.arange(n), lengths + 1)[: len(cls)]
    counts = np.bincount(line * N_CLASSES + cls, minlength=n * N_CLASSES).reshape(n, N_CLASSES)
    solid = (cls != SPACE) & (cls != BREAK)
    word_start = solid & ~np.concatenate(([False], solid[:-1]))
    words = np.bincount(line[word_start], minlength=n)
    capitals = np.bincount(line[word_start & (cls == UPPER)], minlength=n)
    first_at = np.cumsum(lengths + 1) - lengths - 1
    nonempty = lengths > 0
    first = np.full(n, BREAK, dtype=np.int64)
    last = np.full(n, BREAK, dtype=np.int64)
    first[nonempty] = cls[first_at[nonempty]]
    last[nonempty] = cls[first_at[nonempty] + lengths[nonempty] - 1]
    f32 = np.float32
    return {
        "chars": lengths.astype(f32),
        "words": words.astype(f32),
        "capitals": capitals.astype(f32),
        "first_class": first.astype(f32),
        "last_class": last.astype(f32),
        **{
            name: counts[:, c].astype(f32)
            for name, c in (
                ("digits", DIGIT),
                ("uppers", UPPER),
                ("lowers", LOWER),
                ("sentence_marks", SENTENCE),
                ("clause_marks", CLAUSE),
                ("separators", SEPARATOR),
                ("puncts", PUNCT),
                ("unspaced", UNSPACED),
            )
        },
    }


def _repeats(texts: list[str], batch: PageBatch) -> Floats:
    """How many lines of its page have each line's text."""
    keys = np.fromiter(map(hash, texts), dtype=np.int64, count=len(texts))
    pairs = np.stack([batch.page, keys], axis=1)
    _, inverse, counts = np.unique(pairs, axis=0, return_inverse=True, return_counts=True)
    return counts[inverse.ravel()].astype(np.float32)


def _markup_columns(batch: PageBatch) -> dict[str, Floats]:
    n = batch.n_lines
    names = ("link_chars", "tag", "in_form", "in_article", "region", "content_name", "depth")
    cols = {name: np.full(n, np.nan, dtype=np.float32) for name in names}
    at = 0
    for page in batch.pages:
        m, size = page.markup, len(page.texts)
        if m is not None:
            for name in names:
                cols[name][at : at + size] = np.asarray(getattr(m, name), dtype=np.float32)
        at += size
    return cols


def first_stage_columns(
    batch: PageBatch, lexical: Mapping[str, Floats] | None
) -> dict[str, Floats]:
    """Every first-stage feature of every line of ``batch``, by name; the lexical ones
    (``lexical``, from ``lexicon``) are NaN without them (training weighs the words itself)."""
    texts = [t for page in batch.pages for t in page.texts]
    c = _shape_columns(texts)
    words, chars = c["words"], c["chars"]
    size = np.maximum(words, c["unspaced"] / 2).astype(np.float32)
    long_line = (size >= LONG_LINE_WORDS).astype(np.float32)
    idx = np.arange(batch.n_lines)
    pos = (idx - batch.start).astype(np.float32)
    n_page = (batch.stop - batch.start).astype(np.float32)
    first_long = _page_reduce(np.where(long_line > 0, pos, np.inf).astype(np.float32), batch,
                              np.minimum)  # fmt: skip
    last_long = _page_reduce(np.where(long_line > 0, pos, -1).astype(np.float32), batch,
                             np.maximum)  # fmt: skip
    page_words = _page_reduce(size, batch, np.add)
    running = np.concatenate(([0.0], np.cumsum(size, dtype=np.float64)))
    words_before = (running[idx] - running[batch.start]).astype(np.float32)
    letters = c["uppers"] + c["lowers"]
    rule_label = np.fromiter(
        (code for page in batch.pages for code in page.rule_labels), dtype=np.float32
    )
    ruled_content = (rule_label == CONTENT_CODE).astype(np.float32)
    title_at = _page_reduce(np.where(rule_label == TITLE_CODE, pos, np.inf).astype(np.float32),
                            batch, np.minimum)  # fmt: skip
    content_from = _page_reduce(np.where(ruled_content > 0, pos, np.inf).astype(np.float32),
                                batch, np.minimum)  # fmt: skip
    content_to = _page_reduce(np.where(ruled_content > 0, pos, -1).astype(np.float32),
                              batch, np.maximum)  # fmt: skip
    page_max_size = _page_reduce(size, batch, np.maximum)
    cols = {
        **c,
        "size": size,
        "size_of_largest": size / np.maximum(page_max_size, 1),
        "after_title": _reach(np.where(np.isfinite(title_at), pos - title_at, np.nan)),
        "after_ruled_content": _reach(
            np.where(np.isfinite(content_from), pos - content_from, np.nan)
        ),
        "before_ruled_content_end": _reach(np.where(content_to >= 0, content_to - pos, np.nan)),
        "digit_share": c["digits"] / np.maximum(chars, 1),
        "upper_share": c["uppers"] / np.maximum(letters, 1),
        "punct_share": (c["puncts"] + c["separators"]) / np.maximum(chars, 1),
        "capital_share": c["capitals"] / np.maximum(words, 1),
        "word_length": (chars - words) / np.maximum(words, 1),
        "ends_sentence": (c["last_class"] == SENTENCE).astype(np.float32),
        "rule_label": rule_label,
        "rule_flags": np.fromiter(
            (shape for page in batch.pages for shape in page.shapes), dtype=np.float32
        ),
        "repeats": _repeats(texts, batch),
        "position": _reach(pos),
        "from_end": _reach(n_page - 1 - pos),
        "relative_position": pos / np.maximum(n_page - 1, 1),
        "page_lines": n_page,
        "page_words": page_words,
        "page_max_size": page_max_size,
        "page_long_lines": _page_reduce(long_line, batch, np.add),
        "words_before_share": words_before / np.maximum(page_words, 1),
        "between_long": ((pos >= first_long) & (pos <= last_long)).astype(np.float32),
        "after_first_long": _reach(np.where(np.isfinite(first_long), pos - first_long, -999)),
        "before_last_long": _reach(np.where(last_long >= 0, last_long - pos, -999)),
        "prev_size": _shift(size, batch, -1),
        "next_size": _shift(size, batch, 1),
        "prev_rule_label": _shift(rule_label, batch, -1, np.nan),
        "next_rule_label": _shift(rule_label, batch, 1, np.nan),
    }
    for k in WINDOWS:
        cols[f"size_window_{k}"] = window_sum(size, batch, k)
        cols[f"long_window_{k}"] = window_sum(long_line, batch, k)
        cols[f"sentence_window_{k}"] = window_sum(cols["ends_sentence"], batch, k)
        cols[f"ruled_content_window_{k}"] = window_sum(ruled_content, batch, k)
    markup = _markup_columns(batch)
    cols.update(markup)
    link_share = markup["link_chars"] / np.maximum(chars, 1)
    cols["link_share"] = link_share
    cols["prev_tag"] = _shift(markup["tag"], batch, -1, np.nan)
    cols["next_tag"] = _shift(markup["tag"], batch, 1, np.nan)
    cols["page_in_article"] = _page_reduce(markup["in_article"], batch, np.add) / n_page
    cols["page_content_name"] = _page_reduce(markup["content_name"], batch, np.add) / n_page
    for k in (2, 5):
        linked = window_sum(np.nan_to_num(markup["link_chars"]), batch, k)
        cols[f"link_share_window_{k}"] = np.where(
            np.isnan(link_share), np.nan, linked / np.maximum(window_sum(chars, batch, k), 1)
        ).astype(np.float32)
    if lexical is not None:
        cols.update(lexical)
    else:
        cols.update({name: np.full(batch.n_lines, np.nan, np.float32) for name in LEXICAL_FEATURES})
    return cols


FIRST_STAGE_FEATURES: tuple[str, ...] = ()  # filled below from one sample's columns
CATEGORICAL = ("first_class", "last_class", "rule_label", "prev_rule_label", "next_rule_label",
               "tag", "prev_tag", "next_tag", "region")  # fmt: skip


def first_stage_matrix(batch: PageBatch, lexical: Mapping[str, Floats] | None) -> Floats:
    """The first-stage features of ``batch`` as a matrix, columns as in FIRST_STAGE_FEATURES
    (``lexical``: the lexicon's columns, ``Lexicon.columns``; None: NaN, as training needs)."""
    cols = first_stage_columns(batch, lexical)
    return np.column_stack([cols[name] for name in FIRST_STAGE_FEATURES]).astype(np.float32)


def second_stage_matrix(batch: PageBatch, first: Floats, p: Floats) -> Floats:
    """The first stage's features and its probabilities ``p``, with the neighbours' view of
    them: the mean over windows, the nearest likely line above and below, the page's mean,
    and the line's place among the page's blocks of likely lines (``blocks``)."""
    extra = [p, _shift(p, batch, -1, 0.0), _shift(p, batch, 1, 0.0)]
    ones = np.ones_like(p)
    likely = (p >= 0.5).astype(np.float32)
    for k in (*WINDOWS, 20):
        extra.append(window_sum(p, batch, k) / window_sum(ones, batch, k))
        extra.append(window_sum(likely, batch, k))
    extra += [
        _running_max(p, batch),
        _running_max(p, batch, reverse=True),
        _page_reduce(p, batch, np.add) / (batch.stop - batch.start),
        _page_reduce(p, batch, np.maximum),
    ]
    size = first[:, FIRST_STAGE_FEATURES.index("size")]
    for gap in BLOCK_GAPS:
        above, below, before, after, blocks = likely_blocks(batch, size, likely > 0, gap)
        extra += [above, below, _reach(before), _reach(after), blocks]
    return np.column_stack([first, *extra]).astype(np.float32)


SECOND_STAGE_EXTRA = (
    "p", "p_prev", "p_next",
    *(f"{name}_{k}" for k in (*WINDOWS, 20) for name in ("p_window", "likely_window")),
    "p_max_above", "p_max_below", "p_page_mean", "p_page_max",
    *(f"block_{gap}_{name}" for gap in BLOCK_GAPS for name in BLOCK_COLUMNS),
)  # fmt: skip

FIRST_STAGE_FEATURES = tuple(
    first_stage_columns(PageBatch.of([PageEvidence(("x",), (0,), (0,))]), None)
)
