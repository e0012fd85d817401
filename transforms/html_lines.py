"""Render an HTML page to the visible lines the text labeler reads, with the markup's evidence.

Rule: script, style, head, forms and other non-text elements are dropped; every block element
(p, div, h1-h6, li, tr, ...) starts a new line; inline text is joined with single spaces.
A line inside a *region* the markup places outside the article keeps that region's name,
for the labeler (``label_lines(..., outside=...)``): the landmarks ``nav``, ``aside``,
``footer`` and ``header`` (a header inside an ``article`` or ``main`` is the article's own),
and elements whose class or id names a kind of boilerplate (``BOILERPLATE_NAMES``: menu,
sidebar, breadcrumb, related, share, comment, cookie, ...). An element that holds the
page's ``article`` or ``main`` is never a region, whatever its names.

>>> html_lines("<nav>Menu</nav><h1>Storm</h1><p>Rain <b>fell</b>.</p>")
['Menu', 'Storm', 'Rain fell.']
>>> html_blocks('<div class="site-menu">Home</div><article><p>Rain.</p></article>')
[('Home', 'menu'), ('Rain.', None)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup
from bs4.element import CData, NavigableString, PageElement, Tag

from transforms.labeler.batch import Markup
from transforms.regions import BOILERPLATE_NAMES, REGION_CODES, REGION_TAGS

# fmt: off
DROPPED_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "iframe", "svg", "canvas",
    "button", "select", "object", "embed",
})
ARTICLE_TAGS = frozenset({"article", "main"})
# Class and id words of the element that holds the article (after trafilatura's lists).
CONTENT_NAMES = frozenset({
    "article", "content", "post", "entry", "story", "body", "text", "main", "blog", "news",
    "prose", "richtext",
})
BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "body", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "main", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
})
# fmt: on
# The line model's code of a line's block element (0: another element).
BLOCK_CODES = {name: code for code, name in enumerate(sorted(BLOCK_TAGS), start=1)}
# Visible text nodes; comments, doctypes and processing instructions are other subclasses.
_TEXT_TYPES = (NavigableString, CData)
_NAME_WORD = re.compile(r"[a-z0-9]+")
_NOT_A_REGION = ""  # memo value of a tag whose ancestors hold no region


def _after(tag: Tag) -> PageElement | None:
    """The first element after ``tag``'s whole subtree in document order."""
    node: PageElement | None = tag
    while node is not None:
        if node.next_sibling is not None:
            return node.next_sibling
        node = node.parent
    return None


def _block_of(tag: Tag | None, memo: dict[int, Tag | None]) -> Tag | None:
    """The nearest block element at or above ``tag`` (memoized, so a walk stays linear)."""
    path: list[Tag] = []
    node = tag
    while node is not None and id(node) not in memo and node.name not in BLOCK_TAGS:
        path.append(node)
        node = node.parent
    found = memo[id(node)] if node is not None and id(node) in memo else node
    for visited in path:
        memo[id(visited)] = found
    return found


def _names(tag: Tag) -> set[str]:
    """The lower-cased words of a tag's class and id ("sidebarWidget" is one word)."""
    classes = tag.get("class")
    words = [str(c) for c in classes] if isinstance(classes, list) else [str(classes or "")]
    text = " ".join([*words, str(tag.get("id") or "")])
    return set(_NAME_WORD.findall(text.lower()))


def _own_region(tag: Tag, holds_article: set[int]) -> str | None:
    """The region ``tag`` itself opens, if any (see the module's rule)."""
    if id(tag) in holds_article:
        return None
    if tag.name in REGION_TAGS:
        return tag.name
    named = _names(tag) & BOILERPLATE_NAMES
    return min(named) if named else None


def _region_of(tag: Tag | None, memo: dict[int, str], holds_article: set[int]) -> str | None:
    """The innermost region at or above ``tag`` (memoized, so a walk stays linear)."""
    path: list[Tag] = []
    node, found = tag, _NOT_A_REGION
    while node is not None and node.name != "[document]":
        if id(node) in memo:
            found = memo[id(node)]
            break
        path.append(node)
        region = _own_region(node, holds_article)
        if region is not None:
            found = region
            break
        node = node.parent
    for visited in path:
        memo[id(visited)] = found
    return found or None


def _holding_article(soup: BeautifulSoup) -> set[int]:
    """Ids of the article/main elements and of every element above them."""
    held: set[int] = set()
    articles = soup.find_all(ARTICLE_TAGS)
    for tag in articles:
        node: Tag | None = tag
        while node is not None and id(node) not in held:
            held.add(id(node))
            node = node.parent
    inner = {id(t) for t in articles}
    for tag in soup.find_all("header"):  # an article's own header is no region
        if any(id(p) in inner for p in tag.parents):
            held.add(id(tag))
    return held


_LINK, _FORM, _ARTICLE, _CONTENT = 1, 2, 4, 8


def _own_flags(tag: Tag) -> int:
    flags = _LINK if tag.name == "a" else _FORM if tag.name == "form" else 0
    if tag.name in ARTICLE_TAGS:
        flags |= _ARTICLE
    if (tag.get("class") or tag.get("id")) and _names(tag) & CONTENT_NAMES:
        flags |= _CONTENT
    return flags


def _ancestry(tag: Tag | None, memo: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """The flags (_LINK, _FORM, ...) that ``tag`` and its ancestors set, and its depth
    (memoized, so a walk stays linear)."""
    path: list[Tag] = []
    node = tag
    while node is not None and node.name != "[document]" and id(node) not in memo:
        path.append(node)
        node = node.parent
    found = memo[id(node)] if node is not None and id(node) in memo else (0, 0)
    for visited in reversed(path):
        found = (found[0] | _own_flags(visited), found[1] + 1)
        memo[id(visited)] = found
    return found


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """A page's visible lines, the region each stands in, and what its markup says of it."""

    lines: list[str]
    regions: list[str | None]
    markup: Markup


@dataclass(slots=True)
class _Line:
    parts: list[str]
    region: str | None
    tag: int = 0
    flags: int = 0
    depth: int = 0
    link_chars: int = 0


def html_page(html: str) -> HtmlPage:
    """The page's visible text, one line per block element, blank lines dropped, each with
    the region it stands in (None: not placed outside the article by the markup) and the
    markup's evidence for the line model.

    The tree is walked once in document order without modifying it, so the cost stays
    linear even for pages nested 100,000 levels deep.
    """
    soup = BeautifulSoup(html, "html.parser")
    titles = _head_titles(soup)
    holds_article = _holding_article(soup)
    lines = [_Line([], None)]
    blocks: dict[int, Tag | None] = {}
    regions: dict[int, str] = {}
    ancestry: dict[int, tuple[int, int]] = {}
    current: Tag | None = None
    element: PageElement | None = soup.contents[0] if soup.contents else None
    while element is not None:
        if isinstance(element, Tag):
            if element.name in DROPPED_TAGS:
                lines[-1].parts.append(" ")  # what stood between two texts still separates them
                element = _after(element)
                continue
            if element.name == "br":
                last = lines[-1]
                lines.append(_Line([], last.region, last.tag, last.flags, last.depth))
        elif type(element) in _TEXT_TYPES:
            block = _block_of(element.parent, blocks)
            flags, depth = _ancestry(element.parent, ancestry)
            if block is not current:
                region = _region_of(element.parent, regions, holds_article)
                tag = BLOCK_CODES.get(block.name, 0) if block is not None else 0
                lines.append(_Line([], region, tag, flags, depth))
                current = block
            text = str(element)
            lines[-1].parts.append(text)
            if flags & _LINK:
                lines[-1].link_chars += len(text.strip())
        element = element.next_element
    kept = [(" ".join("".join(line.parts).split()), line) for line in lines]
    kept = [(text, line) for text, line in kept if text]
    return HtmlPage(
        [text for text, _ in kept],
        [line.region for _, line in kept],
        Markup(
            link_chars=[min(line.link_chars, len(text)) for text, line in kept],
            tag=[line.tag for _, line in kept],
            in_form=[bool(line.flags & _FORM) for _, line in kept],
            in_article=[bool(line.flags & _ARTICLE) for _, line in kept],
            region=[REGION_CODES.get(line.region or "", 0) for _, line in kept],
            content_name=[bool(line.flags & _CONTENT) for _, line in kept],
            depth=[line.depth for _, line in kept],
            titles=titles,
        ),
    )


def _head_titles(soup: BeautifulSoup) -> tuple[str, ...]:
    """The titles a page gives itself, single-spaced: its ``og:title`` and its ``<title>``.

    >>> _head_titles(BeautifulSoup('<title> Storm | News </title><meta property="og:title"'
    ...                            ' content="Storm">', "html.parser"))
    ('Storm', 'Storm | News')
    """
    found = []
    og = soup.find("meta", attrs={"property": "og:title"})
    if isinstance(og, Tag) and isinstance(og.get("content"), str):
        found.append(str(og["content"]))
    if soup.title is not None:
        found.append(soup.title.get_text())
    return tuple(t for t in (" ".join(f.split()) for f in found) if t)


def html_blocks(html: str) -> list[tuple[str, str | None]]:
    """The lines of ``html_page``, each with its region."""
    page = html_page(html)
    return list(zip(page.lines, page.regions, strict=True))


def html_lines(html: str) -> list[str]:
    """The lines of ``html_blocks``, without their regions."""
    return html_page(html).lines
