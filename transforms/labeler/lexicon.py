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
>>> columns = lexicon.columns(batch, BatchWords.of(batch_texts(batch)))
>>> [round(float(columns[name][0]), 2) for name in ("word_weight_mean", "known_words")]
[-0.75, 0.67]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from pathlib import Path

import numpy as np
import numpy.typing as npt

from transforms.labeler.batch import Floats, Ints, PageBatch, window_sum

_WORD = re.compile(r"\w+")
_WORD_OR_BREAK = re.compile(r"\w+|\n")
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
    def of(texts: Iterable[str], vocabulary: dict[str, int]) -> WordIds:
        """Each line's words as numbers, new words added to ``vocabulary`` (training)."""
        ids: list[int] = []
        counts: list[int] = []
        for text in texts:
            words = line_words(text)
            counts.append(len(words))
            ids.extend(vocabulary.setdefault(w, len(vocabulary)) for w in words)
        per_line = np.array(counts, dtype=np.int64)
        return WordIds(
            np.array(ids, dtype=np.int64), np.repeat(np.arange(len(counts)), per_line), per_line
        )


def batch_words(texts: Sequence[str]) -> tuple[list[str], Ints]:
    """The words of every line of ``texts`` as ``line_words`` reads them (without the pairs
    and repeats), in order, and the line of each.

    >>> words, line = batch_words(["Rain, 12 days", "", "RAIN"])
    >>> words, line.tolist()
    (['rain', '00', 'days', 'rain'], [0, 0, 0, 2])
    """
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # a line holding a line break: a space there
        joined = "\n".join(" ".join(text.splitlines()) for text in texts)
    tokens = _WORD_OR_BREAK.findall(_DIGIT.sub("0", joined.lower()))
    breaks = np.fromiter(map("\n".__eq__, tokens), dtype=bool, count=len(tokens))
    line = np.cumsum(breaks)[~breaks]
    starts = np.flatnonzero(np.concatenate(([True], line[1:] != line[:-1])))
    rank = np.arange(len(line)) - np.repeat(starts, np.diff(np.append(starts, len(line))))
    read = ~breaks
    read[read] = rank < MAX_WORDS
    return list(compress(tokens, read)), line[rank < MAX_WORDS]


@dataclass(frozen=True)
class BatchWords:
    """The words of a batch's lines as ``batch_words`` reads them, each numbered by its place
    in ``distinct``: read once a batch, for the lexicon and the title ranker.

    >>> words = BatchWords.of(["Rain, 12 days", "", "RAIN"])
    >>> words.ids.tolist(), words.line.tolist(), words.distinct
    ([0, 1, 2, 0], [0, 0, 0, 2], ['rain', '00', 'days'])
    """

    ids: Ints
    line: Ints
    distinct: list[str]
    n_lines: int

    @staticmethod
    def of(texts: Sequence[str]) -> BatchWords:
        flat, line = batch_words(texts)
        distinct = list(dict.fromkeys(flat))
        number = dict(zip(distinct, range(len(distinct)), strict=True))
        ids = np.fromiter(map(number.__getitem__, flat), np.int64, len(flat))
        return BatchWords(ids, line, distinct, len(texts))


def first_occurrences(line: Ints, key: Ints, span: int) -> npt.NDArray[np.bool_]:
    """Whether each ``(line, key)`` is the first of its value (keys lie in ``[0, span)``).

    >>> first_occurrences(np.array([0, 0, 0, 1]), np.array([5, 7, 5, 5]), 10).tolist()
    [True, True, False, True]
    """
    first = np.zeros(len(key), dtype=bool)
    if len(key) == 0:
        return first
    if int(line.max()) < 2**62 // span:  # each pair as one number
        first[np.unique(line * span + key, return_index=True)[1]] = True
        return first
    order = np.lexsort((key, line))
    a, b = line[order], key[order]
    first[order[np.concatenate(([True], (a[1:] != a[:-1]) | (b[1:] != b[:-1])))]] = True
    return first


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
    _pair_keys: Ints = field(init=False, repr=False, compare=False)  # sorted
    _pair_ids: Ints = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ids = {w: i for i, w in enumerate(self.weights)}
        object.__setattr__(self, "_ids", ids)
        array = np.fromiter(self.weights.values(), dtype=np.float32, count=len(self.weights))
        object.__setattr__(self, "_array", array)
        pairs = [(w.split(" "), i) for w, i in ids.items() if " " in w]
        for (a, b), _ in pairs:
            if a not in ids or b not in ids:
                raise ValueError(f"the lexicon weighs the pair {a!r} {b!r} but not both words")
        keys = np.array([ids[a] * len(ids) + ids[b] for (a, b), _ in pairs], dtype=np.int64)
        order = np.argsort(keys)
        object.__setattr__(self, "_pair_keys", keys[order])
        object.__setattr__(self, "_pair_ids", np.array([i for _, i in pairs], np.int64)[order])

    def columns(self, batch: PageBatch, words: BatchWords) -> dict[str, Floats]:
        """The lexical features of every line of ``batch`` (``words``: its lines' words)."""
        return lexical_columns(self.word_ids(words), self._array, batch)

    def word_ids(self, words: BatchWords) -> WordIds:
        """The words of a batch's lines (``line_words``) looked up in the lexicon (-1: not in
        it), for all lines at once: the words of every line, then the pairs of every line. A
        line's own words keep their order, so its sums add up as ``line_words`` lists them.

        Each distinct word of the batch is looked up once; a pair is found by its two words'
        numbers (training weighs a pair only where it weighs both its words).
        """
        local, line = words.ids, words.line
        known = np.fromiter(map(self._ids.get, words.distinct, repeat(-1)), np.int64,
                            len(words.distinct))  # fmt: skip
        u = max(len(words.distinct), 1)
        same = line[1:] == line[:-1]
        first, second, pair_line = local[:-1][same], local[1:][same], line[1:][same]
        word_kept = first_occurrences(line, local, u)
        pair_kept = first_occurrences(pair_line, first * u + second, u * u)
        pairs = self._pair_ids_of(known[first[pair_kept]], known[second[pair_kept]])
        ids = np.concatenate([known[local[word_kept]], pairs])
        lines = np.concatenate([line[word_kept], pair_line[pair_kept]])
        return WordIds(ids, lines, np.bincount(lines, minlength=words.n_lines).astype(np.int64))

    def _pair_ids_of(self, first: Ints, second: Ints) -> Ints:
        """The id of each pair of words (given by their ids; -1: not in the lexicon)."""
        found = np.full(len(first), -1, dtype=np.int64)
        both = np.flatnonzero((first >= 0) & (second >= 0))
        if len(self._pair_keys) == 0 or len(both) == 0:
            return found
        wanted = first[both] * len(self._ids) + second[both]  # as __post_init__ keys them
        at = np.minimum(np.searchsorted(self._pair_keys, wanted), len(self._pair_keys) - 1)
        hit = self._pair_keys[at] == wanted
        found[both[hit]] = self._pair_ids[at[hit]]
        return found

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
