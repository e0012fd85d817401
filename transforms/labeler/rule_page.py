"""The page the labeling rules mark: each line's features, and the labels given so far.

>>> from transforms.line_features import measure
>>> from transforms.records import Rule
>>> page = RulePage([measure("Top stories"), measure("Rain fell all day on the whole coast.")])
>>> page.first_paragraph(), page.free_lines()
(1, [0, 1])
>>> page.mark(1, Label.CONTENT, Rule.ARTICLE_SPAN)
>>> page.first_paragraph(), page.free_lines(), page.content
(2, [0], {1})
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from transforms.line_features import LineFeatures
from transforms.records import HeadlineMention, Label

# A sentence ending inside a line ("... the vote. Residents ..."): the line is running text.
# Read by two rule families: sidebar sections (running text is no entry) and the article's
# header (a caption is no title).
INNER_SENTENCE_END = re.compile(r"[.!?。！？]\s+\S")


@dataclass
class RulePage:
    """Working state of one page while the rules label it (never leaves the rule labeler)."""

    feats: list[LineFeatures]
    outside: dict[int, str] = field(default_factory=dict)  # line index -> markup region
    labels: dict[int, tuple[Label, str]] = field(default_factory=dict)
    title: str | None = None
    title_key: str | None = None  # the title's headline key, set with it: rules compare with it
    kept_from: dict[int, int] = field(default_factory=dict)
    mentions: list[HeadlineMention] = field(default_factory=list)
    unlabeled: set[int] = field(init=False)  # the free lines' indices: one lookup per check
    content: set[int] = field(default_factory=set)  # the lines labeled content
    paragraphs_from: int = 0  # no free paragraph-like line is above this one

    def __post_init__(self) -> None:
        self.unlabeled = set(range(len(self.feats)))

    def first_paragraph(self) -> int:
        """The first free paragraph-like line, or the page's length when none is left. Lines
        are only ever labeled, never freed, so it never moves up: the scan resumes where the
        last one stopped."""
        feats, i = self.feats, self.paragraphs_from
        while i < len(feats) and not (feats[i].paragraph_like and i in self.unlabeled):
            i += 1
        self.paragraphs_from = i
        return i

    def open_paragraphs(self, start: int, stop: int) -> Iterator[int]:
        """The paragraph-like lines from ``start`` to before ``stop`` no rule has labeled yet."""
        return (
            i for i in range(start, stop) if self.feats[i].paragraph_like and i in self.unlabeled
        )

    def free_lines(self) -> list[int]:
        """The numbers of the lines no rule has labeled yet, in order."""
        return sorted(self.unlabeled)

    def mark(self, i: int, label: Label, rule: str) -> None:
        """Label line ``i``, by ``rule`` (a ``Rule``, or a name composed with one), kept as a
        plain string as the ``lines`` table stores it."""
        self.labels[i] = (label, str(rule))
        self.unlabeled.discard(i)
        if label is Label.CONTENT:
            self.content.add(i)
        else:  # a re-read may take a line out of the content
            self.content.discard(i)

    def mark_rest(self, label: Label, rule: str) -> None:
        """Label every line still free."""
        for i in self.free_lines():
            self.mark(i, label, rule)
