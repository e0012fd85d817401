"""Words as evidence: how much likelier a line is article text for each word it holds,
learned from real pages ("Share", "Reply", "Cookies" lean one way; "said", "the" the other).

Rule: a line's words are its ``\\w+`` tokens, lowercased, digits read as 0, the first
``MAX_WORDS`` of them, and each pair of neighbouring ones ("read more", "0 comments"), each
once. A word's weight is its smoothed log-odds of standing in an
article line rather than a boilerplate line, less the same odds over all lines, learned
(``training.train``) only from words seen on ``MIN_SITES`` or more sites: a rarer word says
more about one site than about pages in general. A line is described by the mean, least,
greatest and summed weight of its known words, the share of its words that are known, and
the mean weight of the known words within 1 and 3 lines of it on its page.

>>> line_words("Share this: 3 Comments, 3 comments")
['share', 'this', '0', 'comments', 'share this', 'this 0', '0 comments', 'comments 0']
>>> from transforms.labeler.batch import PageEvidence
>>> lexicon = Lexicon({"share": -2.0, "this": 0.5})
>>> batch = PageBatch.of([PageEvidence(("Share this", "Rain"), (0, 0), (0, 0))])
>>> columns = lexicon.columns(batch)
>>> [round(float(columns[name][0]), 2) for name in ("word_weight_mean", "known_words")]
[-0.75, 0.67]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from transforms.labeler.batch import Floats, Ints, PageBatch, window_sum

_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
# Words of a line read (a long paragraph is article text by its length alone).
MAX_WORDS = 40
# A word is weighed only when the pages learned from show it on this many sites or more.
MIN_SITES = 3
# Neighbourhoods whose mean weight describes a line too (lines above and below, same page).
WORD_WINDOWS = (1, 3)
LEXICAL_FEATURES = (
    "word_weight_mean",
    "word_weight_min",
    "word_weight_max",
    "word_weight_sum",
    "known_words",
    *(f"word_weight_window_{k}" for k in WORD_WINDOWS),
)


def line_words(text: str) -> list[str]:
    """The words of a line, as the lexicon reads them (see the module's rule), in order."""
    words = _WORD.findall(_DIGIT.sub("0", text.lower()))[:MAX_WORDS]
    pairs = (f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return list(dict.fromkeys([*words, *pairs]))


@dataclass(frozen=True, slots=True)
class WordIds:
    """The words of a run of lines as numbers: ``ids`` word by word, ``line`` each word's line,
    ``counts`` each line's number of words; a word the vocabulary lacks is -1."""

    ids: Ints
    line: Ints
    counts: Ints

    @staticmethod
    def of(texts: Iterable[str], vocabulary: dict[str, int], *, grow: bool = False) -> WordIds:
        """Each line's words looked up in ``vocabulary`` (new words added to it when
        ``grow``)."""
        ids: list[int] = []
        counts: list[int] = []
        if grow:
            for text in texts:
                words = line_words(text)
                counts.append(len(words))
                ids.extend(vocabulary.setdefault(w, len(vocabulary)) for w in words)
        else:
            known: dict[str, list[int]] = {}  # a line seen before in this run: looked up once
            for text in texts:
                line_ids = known.get(text)
                if line_ids is None:
                    line_ids = known[text] = [vocabulary.get(w, -1) for w in line_words(text)]
                counts.append(len(line_ids))
                ids.extend(line_ids)
        per_line = np.array(counts, dtype=np.int64)
        return WordIds(
            np.array(ids, dtype=np.int64), np.repeat(np.arange(len(counts)), per_line), per_line
        )


def lexical_columns(words: WordIds, weights: Floats, batch: PageBatch) -> dict[str, Floats]:
    """The lexical features of every line of ``batch`` (``words`` are its lines' words), each
    word weighing ``weights[id]`` (NaN: not weighed)."""
    n = batch.n_lines
    w = np.full(len(words.ids), np.nan, dtype=np.float64)
    known_id = words.ids >= 0
    w[known_id] = weights[words.ids[known_id]]
    known = ~np.isnan(w)
    line, value = words.line[known], w[known]
    count = np.bincount(line, minlength=n).astype(np.float64)
    total = np.bincount(line, weights=value, minlength=n)
    least = np.full(n, np.inf)
    np.minimum.at(least, line, value)
    most = np.full(n, -np.inf)
    np.maximum.at(most, line, value)
    some = count > 0
    nan = np.full(n, np.nan)
    f32 = np.float32
    columns = {
        "word_weight_mean": np.where(some, total / np.maximum(count, 1), nan).astype(f32),
        "word_weight_min": np.where(some, least, nan).astype(f32),
        "word_weight_max": np.where(some, most, nan).astype(f32),
        "word_weight_sum": np.where(some, total, nan).astype(f32),
        "known_words": np.where(words.counts > 0, count / np.maximum(words.counts, 1), nan)
        .astype(f32),
    }  # fmt: skip
    for k in WORD_WINDOWS:
        around = window_sum(count.astype(f32), batch, k)
        columns[f"word_weight_window_{k}"] = np.where(
            around > 0, window_sum(total.astype(f32), batch, k) / np.maximum(around, 1), np.nan
        ).astype(f32)
    return columns


def batch_texts(batch: PageBatch) -> list[str]:
    """Every line of ``batch``, in order."""
    return [text for page in batch.pages for text in page.texts]


@dataclass(frozen=True)
class Lexicon:
    """Words and their weights (see the module's rule)."""

    weights: Mapping[str, float]
    _ids: dict[str, int] = field(init=False, repr=False, compare=False)
    _array: Floats = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ids", {w: i for i, w in enumerate(self.weights)})
        array = np.fromiter(self.weights.values(), dtype=np.float32, count=len(self.weights))
        object.__setattr__(self, "_array", array)

    def columns(self, batch: PageBatch) -> dict[str, Floats]:
        """The lexical features of every line of ``batch``."""
        return lexical_columns(WordIds.of(batch_texts(batch), self._ids), self._array, batch)

    def save(self, path: Path) -> None:
        """One word and its weight a line, in word order (the file is the same for the same
        weights)."""
        rows = (f"{w}\t{self.weights[w]:.6g}\n" for w in sorted(self.weights))
        path.write_text("".join(rows), encoding="utf-8")

    @staticmethod
    def load(path: Path) -> Lexicon:
        weights: dict[str, float] = {}
        with path.open(encoding="utf-8") as f:
            for row in f:
                word, _, weight = row.rstrip("\n").partition("\t")
                weights[word] = float(weight)
        return Lexicon(weights)

    @staticmethod
    def of(vocabulary: Sequence[str], weights: Floats) -> Lexicon:
        """The weighed words of ``vocabulary`` (word ``i`` weighs ``weights[i]``, NaN: not
        weighed)."""
        return Lexicon({w: float(weights[i]) for i, w in enumerate(vocabulary)
                        if not np.isnan(weights[i])})  # fmt: skip
