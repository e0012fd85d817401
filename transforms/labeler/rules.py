"""Label every line of a page as article text or one kind of boilerplate.

The rules read the page's structure, in this order (each rule only sees lines no earlier
rule has labeled):

1. ``separator_path``: a short line of segments joined by » › > / | near the top is a
   breadcrumb; the next line or the one after it, when it equals the last or the longest
   segment, is the title (``breadcrumb_title``).
2. ``section_alternation``: a short header line followed by two or more entries of a
   title-like headline and (optionally) a teaser is a sidebar section. It is accepted on
   combined evidence: truncated teasers, number of entries, article text before it, a known
   section name (a supporting signal only).
3. ``repeated_in_body``: a line whose text (less a truncated last word) reappears inside a
   longer nearby line is a teaser; the fuller line is kept. Text glued in front of the
   repeat ("Title Source: body...") is taken as the title (``glued_title``). A line equal to
   an earlier one is a repeat (``duplicate_line``).
4. ``markup:<region>``: a line the HTML markup places outside the article (``outside``,
   from ``html_lines.html_blocks``: a nav, aside, footer, or an element named like a menu,
   sidebar or cookie notice) gets its region's label; a region holding most of the page's
   paragraph text wraps the article itself and is ignored.
5. ``comment_thread``: after the first paragraph, two or more date lines that each follow
   a short author line ("Jane says:" / "March 3, 2024 at 10:14") start a comment thread,
   footer to the end of the page (with the short lines just above it, "3 Comments").
6. The article span runs from the first to the last paragraph-like line left that is no
   copyright notice (on a page of short lines only: its finished sentences), and any short
   finished sentences next to it. Before it:
   bylines/dates, the title (the last short line, or a title-like one just above a line
   of metadata such as "5 min read" or a caption), a site name (the first line) and
   navigation. After it: footer. Inside it: content, less known boilerplate prompts and
   links to other stories ("Read more: ...") and exact repeats.
7. ``fallback_longest``: a page never comes out empty; if no line qualified as article text,
   the longest free lines are kept, or else the single longest line.
8. ``recheck:<rule>``: the kept text is read again as a page of its own until the rules
   remove nothing more, so cleaning a clean body changes nothing.

>>> doc = label_lines(["My Site", "", "A storm hits the coast", "", "Rain fell all day. " * 3])
>>> doc.title, doc.body
('A storm hits the coast', 'Rain fell all day. Rain fell all day. Rain fell all day.')
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from transforms.keys import headline_key, strip_truncation, without_list_markers
from transforms.line_features import (
    LineFeatures,
    breadcrumb_parts,
    has_digit,
    measure,
    shape_flags,
)
from transforms.records import CleanDocument, HeadlineMention, Label
from transforms.regions import REGION_LABELS
from transforms.unwrap import rejoin_wrapped

# A sidebar section is accepted with this much evidence (see _section_evidence).
SECTION_EVIDENCE_NEEDED = 4
# A teaser must keep at least this many characters, less its last word, to count as a repeat.
MIN_REPEAT_CHARS = 25
# A sentence ending inside a line ("... the vote. Residents ..."): the line is running text.
_INNER_SENTENCE_END = re.compile(r"[.!?。！？]\s+\S")
# A line of metadata ("5 min read", "Updated 2 hours ago") has at most this many words.
MAX_METADATA_SIZE = 5
# A comment's author line ("Jane Doe says:") has at most this many words.
MAX_AUTHOR_SIZE = 6
# A page without paragraph-like lines is an article when it has this many finished sentences.
MIN_SENTENCE_LINES = 2
# The fuller copy of a teaser is one of the next 3 longer lines among the next 12 lines.
REPEAT_LOOKAHEAD = 3
REPEAT_WINDOW = 12
# Re-reads of the kept text (see _settle); each removes lines, so few are ever needed.
MAX_SETTLE_ROUNDS = 4
# Text glued in front of a repeated teaser is a title only when at most this long.
MAX_GLUED_TITLE_SIZE = 30


@dataclass
class _Page:
    """Working state of one page while rules label it (private, never leaves this module)."""

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

    def free_lines(self) -> list[int]:
        """The numbers of the lines no rule has labeled yet, in order."""
        return sorted(self.unlabeled)

    def mark(self, i: int, label: Label, rule: str) -> None:
        self.labels[i] = (label, rule)
        self.unlabeled.discard(i)
        if label is Label.CONTENT:
            self.content.add(i)
        else:  # a re-read may take a line out of the content
            self.content.discard(i)

    def mark_rest(self, label: Label, rule: str) -> None:
        """Label every line still free."""
        for i in self.free_lines():
            self.mark(i, label, rule)


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
        line_labels, line_rules = [Label.BLANK] * n, ["empty"] * n
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
    page = _Page([measure(logical[i]) for i in nonblank])
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


def _apply_rules(page: _Page) -> None:
    _mark_breadcrumbs(page)
    _mark_sidebars(page)
    _mark_breadcrumbs(page)  # again: one below a left column is before the first paragraph now
    _mark_teaser_repeats(page)
    _mark_duplicates(page)
    _mark_outside(page)
    _mark_comment_thread(page)
    _mark_article_span(page)
    _mark_fallback(page)


def _settle(page: _Page) -> None:
    """Re-read the kept text as a page of its own until nothing more comes off.

    Rules see context, and removing lines changes it: a line kept in a noisy page can look
    like boilerplate once the noise is gone. Re-reading makes the result a fixed point, so
    cleaning a clean body changes nothing (``recheck:<rule>`` marks what a re-read removed).
    """
    for _ in range(MAX_SETTLE_ROUNDS):
        kept = sorted(page.content)
        again = _Page([_trimmed(page, k) for k in kept])
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


def _trimmed(page: _Page, k: int) -> LineFeatures:
    """Line ``k`` of ``page`` as its kept part, measured again only if trimmed."""
    offset = page.kept_from.get(k, 0)
    feat = page.feats[k]
    return measure(feat.text[offset:]) if offset else feat


def _mark_breadcrumbs(page: _Page) -> None:
    for i in range(page.first_paragraph()):
        f = page.feats[i]
        if i not in page.unlabeled or f.byline_like or not f.path_like:
            continue
        parts = breadcrumb_parts(f.text)
        page.mark(i, Label.BREADCRUMB, "separator_path")
        # the title is the path's last or longest segment: "Home » World » Storm hits" or
        # "Storm hits coast | Daily Harbor" (a page's <title>, then perhaps the site's name)
        sizes = {headline_key(p): len(p) for p in (parts[-1], max(parts, key=len))}
        matched = [n for n in (i + 1, i + 2) if n in page.unlabeled and page.feats[n].key in sizes]
        if page.title is None and matched:  # of two, the one equal to the longer segment
            title = max(matched, key=lambda n: sizes[page.feats[n].key])
            page.mark(title, Label.TITLE, "breadcrumb_title")
            page.title, page.title_key = page.feats[title].text, page.feats[title].key


# --- sidebar sections -------------------------------------------------------------------


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


def _starts_section(page: _Page, i: int) -> bool:
    """Is line ``i`` a section header: a known name, or a header-like line whose next two
    lines read as a headline and its teaser?"""
    f = page.feats[i]
    if f.section_name and f.size <= 8:
        return True
    if not f.header_like or not (i + 1 in page.unlabeled and i + 2 in page.unlabeled):
        return False
    headline, teaser = page.feats[i + 1], page.feats[i + 2]
    return headline.title_like and _strong_teaser(headline, teaser)


def _parse_section(page: _Page, start: int, first_paragraph: int) -> _Section | None:
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


def _open_paragraphs(page: _Page, start: int, stop: int) -> Iterator[int]:
    """The paragraph-like lines from ``start`` to before ``stop`` no rule has labeled yet."""
    return (i for i in range(start, stop) if page.feats[i].paragraph_like and i in page.unlabeled)


def _opens_article(page: _Page, i: int) -> bool:
    """Does the article start at line ``i``, not a sidebar entry? It does when the next line
    is a byline or repeats ``i`` (a teaser-first page), or when running text follows it for
    two lines (the first paragraph is no teaser when a second one comes after it)."""
    feats = page.feats
    nxt = feats[i + 1]
    needle = _repeat_needle(feats[i].text)
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
    return f.paragraph_like and (not f.title_like or bool(_INNER_SENTENCE_END.search(f.text)))


def _section_evidence(page: _Page, section: _Section) -> int:
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
        or not any(_open_paragraphs(page, end, len(feats)))
    ):
        points += 1  # the page, another section, or the article text ends with it
    if teasers and statistics.median(t.size for t in teasers) <= 45:
        points += 1
    headlines = [feats[h].size for h, _ in section.entries]
    if not teasers and len(headlines) >= 3 and statistics.median(headlines) >= 5:
        points += 1  # a list of headlines, longer than a menu's items
    return points


def _mark_sidebars(page: _Page) -> None:
    i, first_paragraph = 0, page.first_paragraph()
    while i < len(page.feats):
        header = page.feats[i]
        candidate = i in page.unlabeled and (header.header_like or header.section_name)
        section = _parse_section(page, i, first_paragraph) if candidate else None
        if section is None or _section_evidence(page, section) < SECTION_EVIDENCE_NEEDED:
            i += 1
            continue
        page.mark(i, Label.SIDEBAR_HEADER, "section_alternation")
        shown = without_list_markers([page.feats[h].text for h, _ in section.entries])
        for position, ((h, t), text) in enumerate(zip(section.entries, shown, strict=True), 1):
            page.mark(h, Label.SIDEBAR_HEADLINE, "section_alternation")
            feats = page.feats[h]
            key = feats.key if text == feats.text else headline_key(text)
            mention = HeadlineMention(text, key, header.text, position, feats.truncated, h)
            page.mentions.append(mention)
            if t is not None:
                page.mark(t, Label.SIDEBAR_TEASER, "section_alternation")
        i, first_paragraph = section.end, page.first_paragraph()


# --- repeats inside one page ------------------------------------------------------------


def _repeat_needle(text: str) -> str:
    """The part of a teaser that must reappear: truncation mark and last word dropped (the
    last character, in a script written without spaces)."""
    text = strip_truncation(text)
    head, space, _ = text.rpartition(" ")
    return head if space else text[:-1]


def _glued_title(prefix: str) -> str | None:
    """Title text glued before a repeated teaser, less a trailing "Label:" token."""
    prefix = prefix.strip()
    head, _, last = prefix.rpartition(" ")
    if last.endswith(":") and len(last) <= 20 and head:  # a "Source:"-style label
        prefix = head
    prefix = prefix.rstrip(" :-–—|")
    return prefix if 0 < len(prefix.split()) <= MAX_GLUED_TITLE_SIZE else None


def _mark_teaser_repeats(page: _Page) -> None:
    free = page.free_lines()
    texts = [page.feats[i].text for i in free]
    # the free lines as one text, so that one search tells whether a window can hold a repeat
    joined = "\n".join(texts)  # no line holds a line break
    starts = list(itertools.accumulate((len(text) + 1 for text in texts), initial=0))
    for k, text in enumerate(texts):
        size = len(text)  # the needle is shorter: a line this short has none
        if size < MIN_REPEAT_CHARS or free[k] not in page.unlabeled:
            continue
        head = text[:MIN_REPEAT_CHARS]  # every needle long enough starts with it
        stop = min(k + 1 + REPEAT_WINDOW, len(free))  # the window: lines k + 1 to before stop
        if joined.find(head, starts[k + 1], starts[stop]) < 0:
            continue  # not in any line of the window, so in none of the longer ones
        longer = [g for g in range(k + 1, stop) if len(texts[g]) > size][:REPEAT_LOOKAHEAD]
        if not any(head in texts[g] for g in longer):
            continue
        needle = _repeat_needle(text)
        if len(needle) < MIN_REPEAT_CHARS:
            continue
        for g in longer:
            offset = texts[g].find(needle)
            if offset < 0:
                continue
            page.mark(free[k], Label.TEASER, "repeated_in_body")
            title = _glued_title(texts[g][:offset]) if offset > 0 else None
            if title is not None:
                page.kept_from[free[g]] = offset
                if page.title is None:
                    page.title, page.title_key = title, headline_key(title)
            break


# --- article span, header and footer ----------------------------------------------------


def _mark_duplicates(page: _Page) -> None:
    """A free line equal to an earlier free line (or the title) is a repeat; the first stays."""
    seen: set[str] = set() if page.title_key is None else {page.title_key}
    for i in page.free_lines():
        key = page.feats[i].key
        if key in seen:
            page.mark(i, Label.REPEAT, "duplicate_line")
        seen.add(key)


def _mark_outside(page: _Page) -> None:
    """Label the free lines the markup places outside the article, by region (rule 4).

    A region holding more than half of the page's paragraph text is the article's own
    wrapper, whatever its name (``<div class="content-with-sidebar">``), and is ignored; so
    are all regions when no paragraph would be left outside the others.
    """
    if not page.outside:
        return
    held: Counter[str] = Counter()
    paragraphs = [(i, f.size) for i, f in enumerate(page.feats) if f.paragraph_like]
    for i, size in paragraphs:
        held[page.outside.get(i, "")] += size
    total = sum(held.values())
    trusted = {r for r in set(page.outside.values()) if held[r] * 2 <= total}
    if not any(page.outside.get(i) not in trusted for i, _ in paragraphs):
        return
    for k, region in page.outside.items():
        if region in trusted and k in page.unlabeled:
            page.mark(k, REGION_LABELS.get(region, Label.NAV), f"markup:{region}")


def _mark_comment_thread(page: _Page) -> None:
    """A comment thread after the article is footer: it starts at the first of the date
    lines that each follow a short author line ("Jane says:" / "March 3, 2024 at 10:14"),
    less the short lines just above it ("3 Comments"), and runs to the end.

    One such pair is a thread only after two paragraphs (before them it is a byline); dates
    that follow paragraphs are a live blog's, not a thread.
    """
    feats, first = page.feats, page.first_paragraph()

    def author_like(f: LineFeatures) -> bool:
        return f.size <= MAX_AUTHOR_SIZE and not (f.sentence_end or f.truncated or f.boilerplate)

    dated = [
        i
        for i in range(first + 2, len(feats))
        if feats[i].byline_like and i in page.unlabeled and i - 1 in page.unlabeled
        and author_like(feats[i - 1]) and not feats[i - 1].byline_like
    ]  # fmt: skip
    if not dated:
        return
    paragraphs_before = sum(1 for _ in _open_paragraphs(page, 0, dated[0]))
    if len(dated) < 2 and paragraphs_before < 2:
        return
    start = dated[0] - 1
    while start - 1 > first and start - 1 in page.unlabeled and author_like(feats[start - 1]):
        start -= 1
    for i in range(start, len(feats)):
        if i in page.unlabeled:
            page.mark(i, Label.FOOTER, "comment_thread")


def _span_anchors(feats: list[LineFeatures], free: list[int]) -> list[int]:
    """The lines the article span runs between: paragraph-like lines that are no notice, or
    on a page of short lines, its short sentences (``_short_sentence``)."""
    paragraphs = [i for i in free if feats[i].paragraph_like and not feats[i].boilerplate]
    if paragraphs:
        return paragraphs
    sentences = [i for i in free if _short_sentence(feats[i])]
    return sentences if len(sentences) >= MIN_SENTENCE_LINES else []


def _short_sentence(f: LineFeatures) -> bool:
    """A finished sentence of three words or more that is no notice and no byline."""
    return f.sentence_end and f.size >= 3 and not f.boilerplate and not f.byline_like


def _mark_article_span(page: _Page) -> None:
    free = page.free_lines()
    paragraphs = _span_anchors(page.feats, free)
    if not paragraphs:
        return
    first, last = paragraphs[0], paragraphs[-1]
    # short sentences ("Work begins in April.") next to the span still belong to the article
    while last + 1 in page.unlabeled and _short_sentence(page.feats[last + 1]):
        last += 1
    above = first - 1  # links and prompts between the sentences go inside the span too
    while above in page.unlabeled and (
        _short_sentence(page.feats[above]) or page.feats[above].boilerplate
    ):
        first = above if _short_sentence(page.feats[above]) else first
        above -= 1
    _mark_header(page, first)
    for i in free:
        if i > last:
            page.mark(i, Label.FOOTER, "after_body")
        elif i >= first:
            if page.feats[i].key == page.title_key:
                page.mark(i, Label.REPEAT, "title_repeat")
            elif page.feats[i].boilerplate:
                page.mark(i, Label.AD, "boilerplate_prompt")
            else:
                page.mark(i, Label.CONTENT, "article_span")


def _mark_header(page: _Page, first_paragraph: int) -> None:
    """Label the free lines above the article: byline, title, then site name and nav."""
    title = None if page.title is not None else _title_line(page, first_paragraph)
    for i in range(first_paragraph - 1, -1, -1):
        if i not in page.unlabeled:
            continue
        f = page.feats[i]
        if f.byline_like:
            page.mark(i, Label.BYLINE, "author_or_date")
        elif f.boilerplate:
            page.mark(i, Label.AD, "boilerplate_prompt")
        elif i == title:
            page.mark(i, Label.TITLE, "last_short_line_before_body")
            page.title, page.title_key = f.text, f.key
        elif page.title is None and _no_title(f):
            page.mark(i, Label.BYLINE, "metadata")
        elif i == 0 and f.size <= 8:
            page.mark(i, Label.SITE_NAME, "first_line")
        elif page.title is not None and f.key == page.title_key:
            page.mark(i, Label.REPEAT, "title_repeat")
        else:
            page.mark(i, Label.NAV, "before_title")


def _title_line(page: _Page, first_paragraph: int) -> int | None:
    """The title above the article: its last short line, unless that line is no title
    ("5 min read", a caption) and a title-like line sits just above it."""
    candidates = [
        i
        for i in range(first_paragraph - 1, -1, -1)
        if i in page.unlabeled and not (page.feats[i].byline_like or page.feats[i].boilerplate)
        and page.feats[i].size <= MAX_GLUED_TITLE_SIZE and not page.feats[i].truncated
    ]  # fmt: skip
    if not candidates:
        return None
    if not _no_title(page.feats[candidates[0]]):
        return candidates[0]
    # a title-like line of three words or more above it (a site's name is often two), one
    # below the page's first line (the site name's place) first, then one that reads as a
    # title ("Harbor plan splits", then "Apollo 11 at 50")
    above = [c for c in candidates[1:3] if page.feats[c].size >= 3 and page.feats[c].title_like]
    above.sort(key=lambda c: (c == 0, _no_title(page.feats[c])))
    return above[0] if above else candidates[0]


def _no_title(f: LineFeatures) -> bool:
    """A line that reads as no title: a few words with a figure ("5 min read", "Updated 2
    hours ago", "12 comments") or a finished sentence with more after it (a caption)."""
    return (f.size <= MAX_METADATA_SIZE and has_digit(f.text)) or bool(
        _INNER_SENTENCE_END.search(f.text)
    )


def _mark_fallback(page: _Page) -> None:
    """Keep the longest free lines, or failing that the longest line, when nothing is content."""
    if page.content or not page.feats:
        page.mark_rest(Label.NAV, "outside_article")
        return
    feats, free = page.feats, page.free_lines()
    # a breadcrumb-shaped line is no article text while any other line is left
    free = [i for i in free if not feats[i].path_like] or free
    if free:
        longest = max(feats[i].size for i in free)
        for i in free:
            if feats[i].size * 2 >= longest:
                page.mark(i, Label.CONTENT, "fallback_longest")
    else:  # every line was judged boilerplate: keep the single longest one
        longest_line = max(
            range(len(feats)), key=lambda i: (page.labels[i][0] is not Label.TITLE, feats[i].size)
        )
        page.mark(longest_line, Label.CONTENT, "fallback_longest")
    page.mark_rest(Label.NAV, "outside_article")
