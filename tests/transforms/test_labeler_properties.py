"""Properties of the cleaner over hundreds of generated pages (hypothesis)."""

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.labeler import label_lines
from transforms.labeler.rules import label_lines as rule_labels
from transforms.line_features import (
    breadcrumb_parts,
    ends_sentence,
    forget_measured_lines,
    measure,
)
from transforms.records import Label

WORDS = st.sampled_from(
    "the harbor council voted pier ferry storm quay bakery rowing crew Gull Rock "
    "港口 渡轮 über straße año niño — “quoted” 2024 3,800".split()
)
SENTENCE = st.lists(WORDS, min_size=1, max_size=60).map(" ".join)
LINE = st.one_of(
    SENTENCE,
    SENTENCE.map(lambda s: s + "."),
    SENTENCE.map(lambda s: s + "..."),
    SENTENCE.map(lambda s: s + "…"),
    st.sampled_from(
        [
            "",
            "",
            "New Articles",
            "Most viewed",
            "Related Posts",
            "Share this:",
            "Home » News » Storm",
            "Leave a Comment",
            "By Ana Ruiz | 3 March 2024",
        ]
    ),
    st.text(max_size=80),
)
PAGES = st.lists(LINE, max_size=40)
EXAMPLES = int(os.environ.get("PAGEWASH_HYPOTHESIS_EXAMPLES", "300"))


def _stripped(line: str) -> str:
    return " ".join(line.split())


@settings(max_examples=EXAMPLES, deadline=None)
@given(PAGES)
def test_cleaning_never_raises_and_labels_every_line_once(lines):
    doc = label_lines(lines)
    assert [line.line_no for line in doc.lines] == list(range(len(lines)))
    assert all(isinstance(line.label, Label) for line in doc.lines)


@settings(max_examples=EXAMPLES, deadline=None)
@given(PAGES)
def test_body_paragraphs_come_from_input_lines_in_order(lines):
    doc = label_lines(lines)
    sources = [_stripped(line) for line in lines]
    start = 0
    for paragraph in filter(None, doc.body.split("\n\n")):
        # each paragraph is an input line, or the tail of one after a glued title, or of
        # consecutive lines rejoined (a hard-wrapped page), after the previous paragraph's
        runs = (
            (end, " ".join(filter(None, sources[first:end])))
            for first in range(start, len(sources))
            for end in range(first + 1, len(sources) + 1)
        )
        start = next((end for end, text in runs if text.endswith(paragraph)), -1)
        assert start >= 0, paragraph


@settings(max_examples=EXAMPLES, deadline=None)
@given(PAGES)
def test_a_page_with_text_never_comes_out_empty(lines):
    doc = label_lines(lines)
    assert bool(doc.body.strip()) == any(line.strip() for line in lines)


@settings(max_examples=EXAMPLES, deadline=None)
@given(PAGES)
def test_the_rules_leave_a_body_they_cleaned_as_it_is(lines):
    # the rules' own fixed point (their re-read); the model weighs them afresh on each page
    body = rule_labels(lines).body
    assert rule_labels(body.split("\n")).body == body


@settings(max_examples=EXAMPLES, deadline=None)
@given(PAGES)
def test_a_remembered_line_measures_as_a_fresh_one_does(lines):
    texts = [line for line in lines if line.strip()]  # as they come: measure spaces them
    fresh = []
    for text in texts:
        forget_measured_lines()
        fresh.append(measure(text))
    forget_measured_lines()
    for text in reversed(texts):  # every line remembered, in another order
        measure(text)
    assert [measure(text) for text in texts] == fresh
    assert [f.text for f in fresh] == [_stripped(text) for text in texts]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.one_of(LINE, st.sampled_from([" » ", " > ", " / ", " | ", "›", "."]))))
def test_a_line_that_ends_a_sentence_is_no_breadcrumb(pieces):
    text = _stripped("".join(pieces))
    assert not (ends_sentence(text) and breadcrumb_parts(text))


@settings(max_examples=EXAMPLES, deadline=None)
@given(PAGES, st.data())
def test_markup_regions_never_empty_a_page_nor_leave_a_line_unlabeled(lines, data):
    regions = st.sampled_from(["nav", "aside", "footer", "cookie", "sidebar", "unknown"])
    outside = data.draw(st.dictionaries(st.integers(0, max(len(lines) - 1, 0)), regions))
    doc = label_lines(lines, outside)
    assert [line.line_no for line in doc.lines] == list(range(len(lines)))
    assert bool(doc.body.strip()) == any(line.strip() for line in lines)
