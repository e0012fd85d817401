"""Sidebar sections (rule 2): a short header line followed by two or more entries of a
headline and (optionally) its teaser, accepted on combined evidence.

>>> from transforms.line_features import measure
>>> page = RulePage([measure(line) for line in (
...     "Rain fell all day on the coast and the roads were closed by noon.",
...     "Most read",
...     "Harbor plan splits council",
...     "Bridge reopens after repairs",
...     "School budget passes",
... )])
>>> mark_sidebars(page)
>>> [page.labels.get(i, (None, "free"))[1] for i in range(len(page.feats))]
['free', 'section_alternation', 'section_alternation', 'section_alternation', 'section_alternation']
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from transforms.keys import headline_key, without_list_markers
from transforms.labeler.repeats import MIN_REPEAT_CHARS, repeat_needle
from transforms.labeler.rule_page import INNER_SENTENCE_END, RulePage
from transforms.line_features import LineFeatures
from transforms.records import HeadlineMention, Label, Rule

# A sidebar section is accepted with this much evidence (see _section_evidence).
SECTION_EVIDENCE_NEEDED = 4


@dataclass(frozen=True)
class _Section:
    header: int
    entries: tuple[tuple[int, int | None], ...]

    @property
    def end(self) -> int:
        last = self.entries[-1]
        return (last[1] if last[1] is not None else last[0]) + 1


def _strong_teaser(headline: LineFeatures, line: LineFeatures) -> bool:
    """Does ``line`` read like the teaser of ``headline`` on its own evidence?"""
    if line.size > 80 or line.section_name or line.boilerplate:
        return False
    return (
        line.truncated
        or (line.sentence_end and line.size >= 6)
        or line.size >= max(headline.size + 4, 12)
    )


def _starts_section(page: RulePage, i: int) -> bool:
    """Is line ``i`` a section header: a known name, or a header-like line whose next two
    lines read as a headline and its teaser?"""
    f = page.feats[i]
    if f.section_name and f.size <= 8:
        return True
    if not f.header_like or not (i + 1 in page.unlabeled and i + 2 in page.unlabeled):
        return False
    headline, teaser = page.feats[i + 1], page.feats[i + 2]
    return headline.title_like and _strong_teaser(headline, teaser)


def _parse_section(page: RulePage, start: int, first_paragraph: int) -> _Section | None:
    """The section headed by line ``start``: its entries up to the first line that is no
    headline (or starts the article, or another section), when there are two or more."""
    entries: list[tuple[int, int | None]] = []
    singles = 0  # entries without a teaser; while there are none, a pair is expected
    pos = start + 1
    before_article = start < first_paragraph
    while pos in page.unlabeled:
        headline = page.feats[pos]
        if not headline.title_like or headline.boilerplate:
            break
        if headline.path_like or headline.byline_like:  # the article's head, never an entry
            break
        if _starts_section(page, pos):
            break
        pair_mode = bool(entries) and not singles
        teaser = pos + 1
        is_pair = (
            teaser in page.unlabeled
            and not _starts_section(page, teaser)
            and not page.feats[teaser].boilerplate
            and page.feats[teaser].size <= 80
            and (pair_mode or _strong_teaser(headline, page.feats[teaser]))
        )
        if before_article and teaser in page.unlabeled and _opens_article(page, pos):
            break  # the article's head, after a section in a left column
        if is_pair:
            entries.append((pos, teaser))
            pos += 2
        else:
            entries.append((pos, None))
            singles += 1
            pos += 1
    return _Section(start, tuple(entries)) if len(entries) >= 2 else None


def _opens_article(page: RulePage, i: int) -> bool:
    """Does the article start at line ``i``, not a sidebar entry? It does when the next line
    is a byline or repeats ``i`` (a teaser-first page), or when running text follows it for
    two lines (the first paragraph is no teaser when a second one comes after it)."""
    feats = page.feats
    nxt = feats[i + 1]
    needle = repeat_needle(feats[i].text)
    if nxt.byline_like or (len(needle) >= MIN_REPEAT_CHARS and needle in nxt.text):
        return True
    following = range(i + 2, min(i + 4, len(feats)))
    after = next((n for n in following if not feats[n].boilerplate), None)  # past a link
    return (
        after is not None
        and after in page.unlabeled
        and _running_text(nxt)
        and _running_text(feats[after])
    )


def _running_text(f: LineFeatures) -> bool:
    """Paragraph text, not a headline: long, or holding more than one sentence."""
    return f.paragraph_like and (not f.title_like or bool(INNER_SENTENCE_END.search(f.text)))


def _section_evidence(page: RulePage, section: _Section) -> int:
    """Points for a candidate section; see SECTION_EVIDENCE_NEEDED."""
    feats = page.feats
    teasers = [feats[t] for _, t in section.entries if t is not None]
    points = 2 if feats[section.header].section_name else 0
    if teasers and sum(t.truncated for t in teasers) * 3 >= len(teasers):
        points += 2
    if len(section.entries) >= 3:
        points += 1
    if page.first_paragraph() < section.header:
        points += 1
    end = section.end
    if (
        end == len(feats)
        or _starts_section(page, end)
        or not any(page.open_paragraphs(end, len(feats)))
    ):
        points += 1  # the page, another section, or the article text ends with it
    if teasers and statistics.median(t.size for t in teasers) <= 45:
        points += 1
    headlines = [feats[h].size for h, _ in section.entries]
    if not teasers and len(headlines) >= 3 and statistics.median(headlines) >= 5:
        points += 1  # a list of headlines, longer than a menu's items
    return points


def mark_sidebars(page: RulePage) -> None:
    """Label every section with enough evidence: its header, each headline (recorded as a
    headline mention) and each teaser."""
    i, first_paragraph = 0, page.first_paragraph()
    while i < len(page.feats):
        header = page.feats[i]
        candidate = i in page.unlabeled and (header.header_like or header.section_name)
        section = _parse_section(page, i, first_paragraph) if candidate else None
        if section is None or _section_evidence(page, section) < SECTION_EVIDENCE_NEEDED:
            i += 1
            continue
        page.mark(i, Label.SIDEBAR_HEADER, Rule.SECTION_ALTERNATION)
        shown = without_list_markers([page.feats[h].text for h, _ in section.entries])
        for position, ((h, t), text) in enumerate(zip(section.entries, shown, strict=True), 1):
            page.mark(h, Label.SIDEBAR_HEADLINE, Rule.SECTION_ALTERNATION)
            feats = page.feats[h]
            key = feats.key if text == feats.text else headline_key(text)
            mention = HeadlineMention(text, key, header.text, position, feats.truncated, h)
            page.mentions.append(mention)
            if t is not None:
                page.mark(t, Label.SIDEBAR_TEASER, Rule.SECTION_ALTERNATION)
        i, first_paragraph = section.end, page.first_paragraph()
