"""Label every line of a page: the rules read the page's structure, and a model learned from
real pages weighs their verdicts with the rest of the evidence and decides what is kept.

Rule: ``read_page`` runs the rules (``rules``) and gathers each non-blank line's evidence
(``evidence``, ``features``); ``decide`` asks the model (``model``) once for a whole batch of
pages. A page keeps its most likely lines, down to a cut chosen per page (``kept_lines``);
a line of a run the rules removed alike (a sidebar section, a menu) weighs half its run's
mean (``decided_probability``).
The kind of a removed line is the rules' label when they removed it too; a line only the
model removed is ``nav`` above the first kept line, ``footer`` below the last,
``boilerplate`` between (rule ``model``). A line the rules removed but the model keeps is
content (rule ``model:<the rules' rule>``). A teaser the rules found repeated in the body
stays out of it. The title is the line the model's title ranker picks (``title``), never
part of the body (the references of real pages leave it out too); the rules say whether a
page has a title at all (a teaser-first page has none), and their title stands where the
ranker has no candidate or where they cut a title glued to the body's first line (the ranker
picks whole lines) (``title_line``). Sidebar headlines are the rules' sidebar entries that the
model did not keep. A page never comes out empty: when the model
keeps nothing, the rules' article text stands.

>>> doc = label_lines(["Home", "News", "", "Storm hits the coast", "", "Rain fell all day on "
...                    "the coast, and the roads were closed by noon as the river rose. " * 2])
>>> doc.body.startswith("Rain fell")
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from transforms.keys import word_count
from transforms.labeler.batch import Floats, Markup, PageBatch, PageEvidence
from transforms.labeler.evidence import page_evidence
from transforms.labeler.features import CONTENT_CODE, LABEL_CODES
from transforms.labeler.model import PRECISION_WEIGHT, line_decisions, model_version
from transforms.labeler.rules import RuleReading
from transforms.records import CleanDocument, Label, Rule

__all__ = [
    "RuledPage",
    "decide",
    "decided_probability",
    "kept_lines",
    "label_lines",
    "model_version",
    "read_page",
    "title_line",
]


@dataclass(frozen=True, slots=True)
class RuledPage:
    """A page the rules have read, waiting for the model's decision."""

    reading: RuleReading
    evidence: PageEvidence


def read_page(
    lines: Sequence[str], outside: Mapping[int, str] | None = None, markup: Markup | None = None
) -> RuledPage:
    """Run the rules over ``lines`` and gather the evidence of each non-blank line."""
    return RuledPage(*page_evidence(lines, outside, markup))


def decide(pages: Sequence[RuledPage]) -> list[CleanDocument]:
    """The clean documents of ``pages``, with one call of the model for all of them."""
    batch = PageBatch.of([page.evidence for page in pages])
    p, titles = line_decisions(batch)
    bounds = np.concatenate(([0], np.cumsum([len(page.evidence.texts) for page in pages])))
    return [
        _apply(page, p[bounds[k] : bounds[k + 1]], int(titles[k])) for k, page in enumerate(pages)
    ]


def label_lines(
    lines: Sequence[str], outside: Mapping[int, str] | None = None, markup: Markup | None = None
) -> CleanDocument:
    """One page's clean document (see ``decide``; batch pages where there are many)."""
    return decide([read_page(lines, outside, markup)])[0]


def decided_probability(evidence: PageEvidence, p: Floats) -> Floats:
    """The model's probabilities ``p`` as the decision reads them: each line of a run of lines
    the rules removed alike (one label other than content; a sidebar section's header,
    headlines and teasers count as one) weighs half its own probability and half its run's
    mean. So a sidebar list or a menu tends to be kept or removed whole (no entry of a sidebar
    stays, no item of an article's own list goes), while a line the model is sure of still
    counts. (On the real pages of ``training.wcxb``, cross-validated by site, against a
    sidebar section's lines taking their mean and other lines their own: F1 +0.003 on
    article pages and +0.004 on all types as text, +0.002 and +0.006 as HTML; a share of 0.3
    or 0.7 for the line's own, sections alone, or runs of content too scored lower.)

    >>> from transforms.labeler.batch import PageEvidence
    >>> section = [LABEL_CODES[Label.SIDEBAR_HEADER]] + [LABEL_CODES[Label.SIDEBAR_HEADLINE]] * 2
    >>> page = PageEvidence(["Most read", "A story", "Another", "Text"], section + [0], [0] * 4)
    >>> decided_probability(page, np.array([0.1, 0.2, 0.9, 0.8])).astype(float).round(2).tolist()
    [0.25, 0.3, 0.65, 0.8]
    """
    codes = np.asarray(evidence.rule_labels)
    removed = codes != CONTENT_CODE
    if not removed.any():
        return p
    kinds = np.where(np.isin(codes, SECTION_CODES), SECTION_CODES[0], codes)
    run = np.cumsum(np.concatenate(([True], kinds[1:] != kinds[:-1]))) - 1
    mean = np.bincount(run, weights=p) / np.bincount(run)
    return np.where(removed, (p + mean[run]) / 2, p).astype(np.float32)


def kept_lines(
    evidence: PageEvidence, decided: Floats, title: int | None = None
) -> npt.NDArray[np.bool_]:
    """Which lines of a page are article text, given ``decided_probability`` and the page's
    ``title`` line (None: the lines the rules read as its title).

    Rule: the page keeps its most likely lines, down to the cut that maximises
    ``PRECISION_WEIGHT`` x expected precision + expected recall, a line weighing its words and
    counting as article text with its probability. So the cut is per page: a page whose article
    is clear keeps only its confident lines, and a page where little is confident keeps its best
    guesses rather than nothing. (Against one fixed threshold of 0.5 this scored +0.004 F1 on
    real article pages never trained on and +0.014 on all page types, as text.) The title
    and a teaser the rules found again in a fuller line below it (the body's first
    sentence) are never kept: a body holds its text once. (Keeping every exact duplicate line
    out too cost 0.003-0.004 F1 on a fold of real pages never trained on: real articles repeat
    lines the reference keeps.)

    >>> from transforms.labeler.batch import PageEvidence
    >>> page = PageEvidence(["a clear line of the article"] * 2 + ["Home", "one guess or two"],
    ...                     [0, 0, 0, 0], [0, 0, 0, 0])
    >>> kept_lines(page, np.array([0.95, 0.9, 0.05, 0.45])).tolist()
    [True, True, False, False]
    >>> kept_lines(page, np.array([0.4, 0.35, 0.05, 0.3])).tolist()
    [True, True, False, True]
    """
    codes = np.asarray(evidence.rule_labels)
    never = np.isin(codes, TEASER_CODES if title is not None else NEVER_KEPT_CODES)
    if title is not None:
        never[title] = True
    p = np.where(never, 0.0, np.asarray(decided, dtype=np.float64))
    words = np.fromiter(map(word_count, evidence.texts), np.float64, len(p))
    order = np.argsort(-p, kind="stable")
    expected = np.cumsum((p * words)[order])  # expected article words kept, by cut
    precision = expected / np.maximum(np.cumsum(words[order]), 1.0)
    recall = expected / max(float(expected[-1]) if len(p) else 0.0, 1e-9)
    keep = np.zeros(len(p), dtype=np.bool_)
    if len(p):
        keep[order[: int(np.argmax(PRECISION_WEIGHT * precision + recall)) + 1]] = True
    keep &= p > 0
    return keep


NEVER_KEPT_CODES = [LABEL_CODES[label] for label in (Label.TITLE, Label.TEASER)]
TEASER_CODES = [LABEL_CODES[Label.TEASER]]
SECTION_CODES = [
    LABEL_CODES[label]
    for label in (Label.SIDEBAR_HEADER, Label.SIDEBAR_HEADLINE, Label.SIDEBAR_TEASER)
]


def title_line(reading: RuleReading, ranked: int) -> int | None:
    """The page's title line given the ranker's pick ``ranked`` (-1: it ranked the rules' own
    title first, or the page had no candidate), or None when the rules' title stands: the
    ranker picked the rules' title, or a line the rules cut as a teaser (a line found again in
    a fuller line below it), or the page is teaser-first (the rules found such a teaser and no
    title above it). The rules' title is then their title line, the text they found glued
    before that repeat, or none. (On the real pages of ``training.wcxb``, cross-validated by
    site, before the ranker weighed the rules' title: letting its pick outrank a glued title
    and the rules finding no title took the titles of article pages from 0.635 to 0.691 as
    text and from 0.703 to 0.840 as HTML; the glued title was the reference on 0 of 123
    pages.)"""
    if ranked < 0 or reading.labels[ranked] is Label.TEASER:
        return None
    if reading.title is None and Label.TEASER in reading.labels:
        return None
    return ranked


def body_texts(reading: RuleReading, title_at: int | None) -> list[str]:
    """Each line's text as a body holds it: less the title glued at its start when the rules'
    title stands (``title_at`` None), whole otherwise."""
    if title_at is not None:
        return list(reading.texts)
    return [text[cut:] for text, cut in zip(reading.texts, reading.kept_from, strict=True)]


def _apply(page: RuledPage, p: Floats, title: int) -> CleanDocument:
    """The page's document when the model gives its lines ``p`` and picks its ``title`` line
    (-1: the rules' title)."""
    reading = page.reading
    title_at = title_line(reading, title)
    if title_at is not None:  # the ranker's title: no glued title is cut from the body
        reading = replace(reading, title=reading.texts[title_at],
                          kept_from=(0,) * len(reading.texts))  # fmt: skip
    p = decided_probability(page.evidence, p)
    keep = kept_lines(page.evidence, p, title_at)
    probabilities = [round(float(x), 4) for x in p]
    if not keep.any():  # a page never comes out empty: the rules' article text stands
        return page.reading.document(p_content=probabilities)
    labels, rules = list(reading.labels), list(reading.rules)
    kept = np.flatnonzero(keep).tolist()
    first, last = kept[0], kept[-1]
    for k, label in enumerate(reading.labels):
        if k == title_at:
            if label is not Label.TITLE:
                labels[k], rules[k] = Label.TITLE, f"model:{rules[k]}"
        elif keep[k] and label is not Label.CONTENT:
            labels[k], rules[k] = Label.CONTENT, f"model:{rules[k]}"
        elif not keep[k] and (
            label is Label.CONTENT or (label is Label.TITLE and title_at is not None)
        ):
            labels[k] = Label.NAV if k < first else Label.FOOTER if k > last else Label.BOILERPLATE
            rules[k] = str(Rule.MODEL)
    return reading.document(labels, rules, probabilities)
