"""The title ranker's candidates: which lines, and what it reads of each."""

from __future__ import annotations

import numpy as np

from transforms.labeler.batch import PageBatch, PageEvidence
from transforms.labeler.features import first_stage_matrix
from transforms.labeler.lexicon import BatchWords
from transforms.labeler.title import TITLE_EXTRA, TitleCandidates, title_matrix

STORY = "The storm reached the coast at dawn and the harbour closed until the evening. " * 3


def _candidates(texts: list[str], p1: list[float], title: str | None = None) -> TitleCandidates:
    batch = PageBatch.of([PageEvidence(texts, [0] * len(texts), [0] * len(texts), title=title)])
    second = first_stage_matrix(batch, None)
    return title_matrix(batch, second, np.array(p1), BatchWords.of(texts))


def _column(found: TitleCandidates, name: str) -> list[float]:
    at = found.rows.shape[1] - len(TITLE_EXTRA) + TITLE_EXTRA.index(name)
    return [round(float(x), 3) for x in found.rows[:, at]]


def test_each_page_has_its_short_lines_and_the_rules_title_as_candidates():
    found = _candidates(["Menu", "Storm hits the coast", STORY], [0.1, 0.2, 0.9], "Menu")
    assert found.lines.tolist() == [0, 1, -1] and found.page.tolist() == [0, 0, 0]
    assert _column(found, "is_rules_title") == [0.0, 0.0, 1.0]
    assert _column(found, "rules_title_words") == [1.0, 1.0, 1.0]


def test_a_title_whose_words_recur_in_the_article_says_so_and_a_menu_line_does_not():
    found = _candidates(["Weather Sports", "Storm hits the coast", STORY], [0.1, 0.2, 0.9])
    # storm, hits, coast: the story holds storm and coast; the rules' title: none, so no words
    menu, title, rules = _column(found, "words_in_article")
    assert (menu, title) == (0.0, 0.667) and np.isnan(rules)


def test_a_breadcrumb_ending_in_the_title_holds_the_title_line_whole():
    texts = ["Home » Weather » Storm hits the coast", "Storm hits the coast", STORY]
    found = _candidates(texts, [0.1, 0.2, 0.9])
    # the breadcrumb's words: home, weather, storm, hits, coast; the title's three of them
    assert _column(found, "holds_line_nearby")[:2] == [0.6, 0.0]
    assert _column(found, "in_line_nearby")[:2] == [0.0, 1.0]


def test_the_rules_candidate_is_described_as_the_line_they_read_as_their_title():
    from transforms.labeler.features import TITLE_CODE

    texts = ["Today", "Storm hits the coast", STORY]
    codes = [TITLE_CODE, 0, 0]
    batch = PageBatch.of([PageEvidence(texts, codes, [0] * 3, title="Today")])
    second = first_stage_matrix(batch, None)
    found = title_matrix(batch, second, np.array([0.1, 0.2, 0.9]), BatchWords.of(texts))
    line_columns = second.shape[1] + 1  # the second stage's row and the distance from the block
    today, rules = found.rows[found.lines == 0][0], found.rows[found.lines == -1][0]
    assert np.array_equal(rules[:line_columns], today[:line_columns], equal_nan=True)
    # without a title line of their own (none found, or glued), those columns are NaN
    assert np.isnan(_candidates(texts, [0.1, 0.2, 0.9]).rows[-1, :line_columns]).all()
