"""Rules that place the article on the page: the breadcrumb and its title (rule 1), regions
the markup places outside the article (rule 4), a comment thread (rule 5), the article span
with its header and footer (rule 6) and the fallback that keeps a page from coming out empty
(rule 7).

>>> from transforms.line_features import measure
>>> page = RulePage([measure(line) for line in (
...     "Home » World » Storm hits coast",
...     "Storm hits coast",
...     "Rain fell all day on the coast and the roads were closed by noon.",
...     "Share this story",
... )])
>>> mark_breadcrumbs(page)
>>> mark_article_span(page)
>>> mark_fallback(page)
>>> page.title, [page.labels[i][1] for i in range(len(page.feats))]
('Storm hits coast', ['separator_path', 'breadcrumb_title', 'article_span', 'after_body'])
"""

from __future__ import annotations

from collections import Counter

from transforms.keys import headline_key
from transforms.labeler.repeats import MAX_GLUED_TITLE_SIZE
from transforms.labeler.rule_page import INNER_SENTENCE_END, RulePage
from transforms.line_features import LineFeatures, breadcrumb_parts, has_digit
from transforms.records import Label, Rule
from transforms.regions import REGION_LABELS

# A line of metadata ("5 min read", "Updated 2 hours ago") has at most this many words.
MAX_METADATA_SIZE = 5
# A comment's author line ("Jane Doe says:") has at most this many words.
MAX_AUTHOR_SIZE = 6
# A page without paragraph-like lines is an article when it has this many finished sentences.
MIN_SENTENCE_LINES = 2


def mark_breadcrumbs(page: RulePage) -> None:
    """A path-like line above the first paragraph is a breadcrumb; the next line or the one
    after it, when it equals the path's last or longest segment, is the title (rule 1)."""
    for i in range(page.first_paragraph()):
        f = page.feats[i]
        if i not in page.unlabeled or f.byline_like or not f.path_like:
            continue
        parts = breadcrumb_parts(f.text)
        page.mark(i, Label.BREADCRUMB, Rule.SEPARATOR_PATH)
        # the title is the path's last or longest segment: "Home » World » Storm hits" or
        # "Storm hits coast | Daily Harbor" (a page's <title>, then perhaps the site's name)
        sizes = {headline_key(p): len(p) for p in (parts[-1], max(parts, key=len))}
        matched = [n for n in (i + 1, i + 2) if n in page.unlabeled and page.feats[n].key in sizes]
        if page.title is None and matched:  # of two, the one equal to the longer segment
            title = max(matched, key=lambda n: sizes[page.feats[n].key])
            page.mark(title, Label.TITLE, Rule.BREADCRUMB_TITLE)
            page.title, page.title_key = page.feats[title].text, page.feats[title].key


def mark_outside(page: RulePage) -> None:
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


def mark_comment_thread(page: RulePage) -> None:
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
    paragraphs_before = sum(1 for _ in page.open_paragraphs(0, dated[0]))
    if len(dated) < 2 and paragraphs_before < 2:
        return
    start = dated[0] - 1
    while start - 1 > first and start - 1 in page.unlabeled and author_like(feats[start - 1]):
        start -= 1
    for i in range(start, len(feats)):
        if i in page.unlabeled:
            page.mark(i, Label.FOOTER, Rule.COMMENT_THREAD)


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


def mark_article_span(page: RulePage) -> None:
    """Label the free lines by the article span (rule 6): inside it content, less title
    repeats and boilerplate prompts; above it the header; after it footer."""
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
            page.mark(i, Label.FOOTER, Rule.AFTER_BODY)
        elif i >= first:
            if page.feats[i].key == page.title_key:
                page.mark(i, Label.REPEAT, Rule.TITLE_REPEAT)
            elif page.feats[i].boilerplate:
                page.mark(i, Label.AD, Rule.BOILERPLATE_PROMPT)
            else:
                page.mark(i, Label.CONTENT, Rule.ARTICLE_SPAN)


def _mark_header(page: RulePage, first_paragraph: int) -> None:
    """Label the free lines above the article: byline, title, then site name and nav."""
    title = None if page.title is not None else _title_line(page, first_paragraph)
    for i in range(first_paragraph - 1, -1, -1):
        if i not in page.unlabeled:
            continue
        f = page.feats[i]
        if f.byline_like:
            page.mark(i, Label.BYLINE, Rule.AUTHOR_OR_DATE)
        elif f.boilerplate:
            page.mark(i, Label.AD, Rule.BOILERPLATE_PROMPT)
        elif i == title:
            page.mark(i, Label.TITLE, Rule.LAST_SHORT_LINE_BEFORE_BODY)
            page.title, page.title_key = f.text, f.key
        elif page.title is None and _no_title(f):
            page.mark(i, Label.BYLINE, Rule.METADATA)
        elif i == 0 and f.size <= 8:
            page.mark(i, Label.SITE_NAME, Rule.FIRST_LINE)
        elif page.title is not None and f.key == page.title_key:
            page.mark(i, Label.REPEAT, Rule.TITLE_REPEAT)
        else:
            page.mark(i, Label.NAV, Rule.BEFORE_TITLE)


def _title_line(page: RulePage, first_paragraph: int) -> int | None:
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
        INNER_SENTENCE_END.search(f.text)
    )


def mark_fallback(page: RulePage) -> None:
    """Keep the longest free lines, or failing that the longest line, when nothing is content."""
    if page.content or not page.feats:
        page.mark_rest(Label.NAV, Rule.OUTSIDE_ARTICLE)
        return
    feats, free = page.feats, page.free_lines()
    # a breadcrumb-shaped line is no article text while any other line is left
    free = [i for i in free if not feats[i].path_like] or free
    if free:
        longest = max(feats[i].size for i in free)
        for i in free:
            if feats[i].size * 2 >= longest:
                page.mark(i, Label.CONTENT, Rule.FALLBACK_LONGEST)
    else:  # every line was judged boilerplate: keep the single longest one
        longest_line = max(
            range(len(feats)), key=lambda i: (page.labels[i][0] is not Label.TITLE, feats[i].size)
        )
        page.mark(longest_line, Label.CONTENT, Rule.FALLBACK_LONGEST)
    page.mark_rest(Label.NAV, Rule.OUTSIDE_ARTICLE)
