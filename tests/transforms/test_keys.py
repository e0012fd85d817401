"""Pinned values: a change here re-keys stored data, so it must be deliberate."""

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.keys import (
    doc_id,
    headline_key,
    nfkc,
    single_spaced,
    spaced_key,
    strip_truncation,
)


def test_doc_id_is_pinned():
    assert doc_id(b"") == "e3b0c44298fc1c14"
    assert doc_id(b"Harbor bridge reopens") == "87499c5e35322fa0"


def test_headline_key_folds_case_quotes_dashes_and_space():
    assert headline_key("Council’s  “Bold” Plan – Approved") == "councils bold plan - approved"


def test_headline_key_drops_numbering_bullets_and_truncation():
    assert headline_key("3. Ferry fares rise again...") == "ferry fares rise again"
    assert headline_key("• Ferry fares rise again…") == "ferry fares rise again"
    assert headline_key("Ferry fares rise again [...]") == "ferry fares rise again"


def test_headline_key_applies_unicode_compatibility_forms():
    assert headline_key("ＦＵＬＬ width") == headline_key("full WIDTH") == "full width"


def test_headline_key_collapses_space_left_by_dropped_quotes_and_control_characters():
    # ASCII lines skip the split and join when already single-spaced: these are not
    assert headline_key('Storm " hits" the coast') == "storm hits the coast"
    assert headline_key("Storm\thits the\x0bcoast") == "storm hits the coast"
    assert headline_key('" Storm hits"') == "storm hits"
    assert headline_key("Storm hits '") == "storm hits"


KEY_TEXT = st.text(
    alphabet=st.sampled_from(list("ab Z19.)*-–—•…[]\"'`“”«»\t\u00a0é港ﬁＡ¨İß")), max_size=30
)


@settings(max_examples=500, deadline=None)
@given(KEY_TEXT.map(lambda text: " ".join(text.split())).filter(bool))
def test_spaced_key_keys_a_single_spaced_line_as_headline_key_does(text):
    assert spaced_key(text) == headline_key(text)


# words, runs of spaces, control characters and other kinds of space, in any order
SPACING = st.lists(
    st.sampled_from(
        ["a", "é港", ".", " ", "  ", "\t", "\n", "\x00", "\x1f", "\x7f", "\u00a0", "\u3000"]
    ),
    max_size=6,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(SPACING)
def test_a_single_spaced_text_is_as_split_and_join_leave_it(text):
    # a text with an unprintable character is never taken as spaced
    as_left = " ".join(text.split()) == text
    assert single_spaced(text) == as_left or (as_left and not text.isprintable())


# Letters that compose (e + combining acute, Hangul jamo), compatibility forms, any text.
COMPOSABLE = st.sampled_from(list("ae\u0301\u0308\u0327\u1100\u1161\u11a8ﬁＡ…？½\u00a0ǅ"))


@settings(max_examples=1000, deadline=None)
@given(st.text(COMPOSABLE, max_size=20) | st.text(max_size=20))
def test_nfkc_is_unicode_nfkc(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


# The rule as one pattern: every trailing run of marks and the spaces around them.
TRAILING_MARKS = re.compile(r"(?:\s*(?:\.{3,}|…|\[\s*(?:…|\.{3})\s*\]))+\s*$")


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["a", " ", ".", "...", "…", "[...]", "[ … ]", "[", "]", "\t"])))
def test_strip_truncation_drops_what_the_pattern_of_trailing_marks_matches(pieces):
    text = "".join(pieces)
    assert strip_truncation(text) == TRAILING_MARKS.sub("", text.rstrip())
