"""The lexicon's lookup of a whole batch of lines at once (``Lexicon.word_ids``) against its
rule, line by line (``line_words``)."""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.labeler.lexicon import (
    MAX_WORDS,
    BatchWords,
    Lexicon,
    first_occurrences,
    line_words,
)

WORDS = "share this comments the harbor 0 pier 港口 über straße Σίσυφος İstanbul".split()
# Weighed: some words and some pairs of them (training weighs a pair only with its words).
LEXICON = Lexicon(
    {"share": -2.0, "this": 0.5, "comments": -1.0, "0": 0.1, "the": 0.3, "港口": 0.7,
     "share this": -3.0, "0 comments": -2.5, "the the": 0.2, "straße": 0.4}
)  # fmt: skip
TOKEN = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(["Share", "THIS", "3", "42", "٣", ",", "!", " ", "\n", "\r\n", "\u2028"]),
    st.text(max_size=4),
)
LINES = st.lists(st.lists(TOKEN, max_size=MAX_WORDS + 15).map(" ".join), max_size=30)
EXAMPLES = int(os.environ.get("PAGEWASH_HYPOTHESIS_EXAMPLES", "300"))


@settings(max_examples=EXAMPLES, deadline=None)
@given(LINES)
def test_a_batch_is_looked_up_as_its_lines_one_by_one(texts):
    found = LEXICON.word_ids(BatchWords.of(texts))
    assert found.counts.tolist() == [len(line_words(text)) for text in texts]
    for at, text in enumerate(texts):
        expected = [LEXICON._ids.get(word, -1) for word in line_words(text)]
        assert found.ids[found.line == at].tolist() == expected, text


def test_a_repeated_word_or_pair_counts_once_per_line_and_digits_read_as_0():
    found = LEXICON.word_ids(
        BatchWords.of(["Share this, share THIS: 3 comments 12 comments", "", "the the the"])
    )
    assert found.counts.tolist() == [11, 0, 2]
    ids = LEXICON._ids
    # share, this, 0, comments, 00; share this, this share, this 0, 0 comments, comments 00, ...
    assert found.ids[found.line == 0].tolist() == [
        ids["share"], ids["this"], ids["0"], ids["comments"], -1,
        ids["share this"], -1, -1, ids["0 comments"], -1, -1,
    ]  # fmt: skip
    assert found.ids[found.line == 2].tolist() == [ids["the"], ids["the the"]]


def test_a_lexicon_weighing_a_pair_without_its_words_is_refused():
    with pytest.raises(ValueError, match="'read' 'more'"):
        Lexicon({"read more": -1.0})


def test_an_empty_batch_has_no_words():
    found = LEXICON.word_ids(BatchWords.of([]))
    assert (len(found.ids), len(found.counts)) == (0, 0)
    assert np.array_equal(LEXICON.word_ids(BatchWords.of([""])).counts, [0])


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 9)), max_size=40))
def test_first_occurrences_are_found_whether_or_not_line_and_key_fit_one_number(pairs):
    ordered = sorted(pairs, key=lambda pair: pair[0])  # by line, keys as they come
    line = np.array([a for a, _ in ordered], dtype=np.int64)
    key = np.array([b for _, b in ordered], dtype=np.int64)
    expected = [pair not in ordered[:at] for at, pair in enumerate(ordered)]
    assert first_occurrences(line, key, 10).tolist() == expected
    assert first_occurrences(line, key, 2**61).tolist() == expected  # compared column by column
