"""Label every line of a page as article text or one kind of boilerplate.

The rules read the page's structure, in this order (each rule only sees lines no earlier
rule has labeled). They mark a ``rule_page.RulePage``; the module each lives in is named in
brackets.

1. ``separator_path`` [article_span]: a short line of segments joined by » › > / | near the
   top is a breadcrumb; the next line or the one after it, when it equals the last or the
   longest segment, is the title (``breadcrumb_title``).
2. ``section_alternation`` [sections]: a short header line followed by two or more entries
   of a title-like headline and (optionally) a teaser is a sidebar section. It is accepted on
   combined evidence: truncated teasers, number of entries, article text before it, a known
   section name (a supporting signal only).
3. ``repeated_in_body`` [repeats]: a line whose text (less a truncated last word) reappears
   inside a longer nearby line is a teaser; the fuller line is kept. Text glued in front of
   the repeat ("Title Source: body...") is taken as the title (``glued_title``). A line equal
   to an earlier one is a repeat (``duplicate_line``).
4. ``markup:<region>`` [article_span]: a line the HTML markup places outside the article
   (``outside``, from ``html_lines.html_blocks``: a nav, aside, footer, or an element named
   like a menu, sidebar or cookie notice) gets its region's label; a region holding most of
   the page's paragraph text wraps the article itself and is ignored.
5. ``comment_thread`` [article_span]: after the first paragraph, two or more date lines that
   each follow a short author line ("Jane says:" / "March 3, 2024 at 10:14") start a comment
   thread, footer to the end of the page (with the short lines just above it, "3 Comments").
6. The article span [article_span] runs from the first to the last paragraph-like line left
   that is no copyright notice (on a page of short lines only: its finished sentences), and
   any short finished sentences next to it. Before it:
   bylines/dates, the title (the last short line, or a title-like one just above a line
   of metadata such as "5 min read" or a caption), a site name (the first line) and
   navigation. After it: footer. Inside it: content, less known boilerplate prompts and
   links to other stories ("Read more: ...") and exact repeats.
7. ``fallback_longest`` [article_span]: a page never comes out empty; if no line qualified as
   article text, the longest free lines are kept, or else the single longest line.
8. ``recheck:<rule>`` [this module]: the kept text is read again as a page of its own until
   the rules remove nothing more, so cleaning a clean body changes nothing.

>>> doc = label_lines(["My Site", "", "A storm hits the coast", "", "Rain fell all day. " * 3])
>>> doc.title, doc.body
('A storm hits the coast', 'Rain fell all day. Rain fell all day. Rain fell all day.')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from transforms.labeler.article_span import (
    mark_article_span,
    mark_breadcrumbs,
    mark_comment_thread,
    mark_fallback,
    mark_outside,
)
from transforms.labeler.repeats import mark_duplicates, mark_teaser_repeats
from transforms.labeler.rule_page import RulePage
from transforms.labeler.sections import mark_sidebars
from transforms.line_features import LineFeatures, measure, shape_flags
from transforms.records import CleanDocument, HeadlineMention, Label, Rule
from transforms.unwrap import rejoin_wrapped

# Re-reads of the kept text (see _settle); each removes lines, so few are ever needed.
MAX_SETTLE_ROUNDS = 4


@dataclass(frozen=True, slots=True)
class RuleReading:
    """What the rules make of a page, one entry per non-blank *logical* line (a line, or a
    rejoined paragraph of a hard-wrapped page), before anything decides what is kept."""

    lines: tuple[str, ...]  # the input lines, as they came
    texts: tuple[str, ...]  # each logical line, single-spaced
    members: tuple[tuple[int, ...], ...]  # the input lines each logical line is made of
    labels: tuple[Label, ...]
    rules: tuple[str, ...]
    shapes: tuple[int, ...]  # line_features.shape_flags of each logical line
    kept_from: tuple[int, ...]  # characters a kept line drops at its start (a glued title)
    title: str | None
    mentions: tuple[HeadlineMention, ...]  # line_no: the logical line

    def document(
        self,
        labels: Sequence[Label] | None = None,
        rules: Sequence[str] | None = None,
        p_content: Sequence[float] = (),
    ) -> CleanDocument:
        """The clean document when each logical line gets ``labels`` and ``rules`` (the
        rules' own by default) and the model's ``p_content``: every input line takes its
        logical line's label; the body is the content lines; a sidebar headline that is
        content is no mention."""
        labels, rules = labels or self.labels, rules or self.rules
        n = len(self.lines)
        line_labels, line_rules = [Label.BLANK] * n, [str(Rule.EMPTY)] * n
        line_p: list[float | None] = [None] * n
        for k, members in enumerate(self.members):
            for i in members:
                line_labels[i], line_rules[i] = labels[k], rules[k]
                if p_content:
                    line_p[i] = p_content[k]
        content = [k for k, label in enumerate(labels) if label is Label.CONTENT]
        body = "\n\n".join(self.texts[k][self.kept_from[k] :] for k in content)
        kept = set(content)
        mentions = tuple(m for m in self.mentions if m.line_no not in kept)
        return CleanDocument(
            self.title,
            body,
            self.lines,
            tuple(line_labels),
            tuple(line_rules),
            mentions,
            tuple(line_p) if p_content else (),
        )


def label_lines(lines: Sequence[str], outside: Mapping[int, str] | None = None) -> CleanDocument:
    """Label each line of ``lines`` and assemble the clean document; ``outside`` maps the
    numbers of lines the markup places outside the article to their region (rule 4).

    A hard-wrapped text page (``unwrap.rejoin_wrapped``) is labeled as its rejoined
    paragraphs, and each of its lines gets the label and rule of the paragraph it is in.
    """
    return read_lines(lines, outside).document()


def read_lines(lines: Sequence[str], outside: Mapping[int, str] | None = None) -> RuleReading:
    """What the rules make of ``lines`` (see ``label_lines``), line by logical line."""
    # an HTML page (``outside`` given, if empty) has one line per block: never hard-wrapped
    groups = None if outside is not None else rejoin_wrapped(lines)
    if groups is None:
        logical: Sequence[str] = lines
        members: list[tuple[int, ...]] = [(i,) for i in range(len(lines))]
    else:
        logical = [" ".join(lines[i].strip() for i in g) for g in groups]
        members = [tuple(g) for g in groups]
    nonblank = [i for i, line in enumerate(logical) if line and not line.isspace()]
    page = RulePage([measure(logical[i]) for i in nonblank])
    if outside:
        page.outside = {k: outside[i] for k, i in enumerate(nonblank) if i in outside}
    _apply_rules(page)
    _settle(page)
    verdicts = [page.labels[k] for k in range(len(page.feats))]
    return RuleReading(
        lines=tuple(lines),
        texts=tuple(f.text for f in page.feats),
        members=tuple(members[i] for i in nonblank),
        labels=tuple(label for label, _ in verdicts),
        rules=tuple(rule for _, rule in verdicts),
        shapes=tuple(shape_flags(f) for f in page.feats),
        kept_from=tuple(page.kept_from.get(k, 0) for k in range(len(nonblank))),
        title=page.title,
        mentions=tuple(page.mentions),
    )


def _apply_rules(page: RulePage) -> None:
    mark_breadcrumbs(page)
    mark_sidebars(page)
    mark_breadcrumbs(page)  # again: one below a left column is before the first paragraph now
    mark_teaser_repeats(page)
    mark_duplicates(page)
    mark_outside(page)
    mark_comment_thread(page)
    mark_article_span(page)
    mark_fallback(page)


def _settle(page: RulePage) -> None:
    """Re-read the kept text as a page of its own until nothing more comes off.

    Rules see context, and removing lines changes it: a line kept in a noisy page can look
    like boilerplate once the noise is gone. Re-reading makes the result a fixed point, so
    cleaning a clean body changes nothing (``recheck:<rule>`` marks what a re-read removed).
    """
    for _ in range(MAX_SETTLE_ROUNDS):
        kept = sorted(page.content)
        again = RulePage([_trimmed(page, k) for k in kept])
        _apply_rules(again)
        changed = False
        for j, k in enumerate(kept):
            label, rule = again.labels[j]
            if label is not Label.CONTENT:
                page.mark(k, label, f"recheck:{rule}")
                changed = True
            elif j in again.kept_from:
                page.kept_from[k] = page.kept_from.get(k, 0) + again.kept_from[j]
                changed = True
        if page.title is None:
            page.title, page.title_key = again.title, again.title_key
        # the re-read page's line j is line kept[j] of this one
        page.mentions.extend(
            dataclasses.replace(m, line_no=kept[m.line_no]) for m in again.mentions
        )
        if not changed:
            return


def _trimmed(page: RulePage, k: int) -> LineFeatures:
    """Line ``k`` of ``page`` as its kept part, measured again only if trimmed."""
    offset = page.kept_from.get(k, 0)
    feat = page.feats[k]
    return measure(feat.text[offset:]) if offset else feat
