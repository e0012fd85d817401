"""Render an HTML page to the visible lines the text labeler reads.

Rule: script, style, head, nav, header, footer, aside and similar non-content elements are
dropped; every block element (p, div, h1-h6, li, tr, ...) starts a new line; inline text is
joined with single spaces.

>>> html_lines("<nav>Menu</nav><h1>Storm</h1><p>Rain <b>fell</b>.</p>")
['Storm', 'Rain fell.']
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.element import CData, NavigableString, PageElement, Tag

# fmt: off
DROPPED_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside",
    "form", "iframe", "svg", "canvas", "button", "select", "object", "embed",
})
BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "body", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "main", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
})
# fmt: on
# Visible text nodes; comments, doctypes and processing instructions are other subclasses.
_TEXT_TYPES = (NavigableString, CData)


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


def html_lines(html: str) -> list[str]:
    """The page's visible text, one line per block element, blank lines dropped.

    The tree is walked once in document order without modifying it, so the cost stays
    linear even for pages nested 100,000 levels deep.
    """
    soup = BeautifulSoup(html, "html.parser")
    lines: list[list[str]] = [[]]
    memo: dict[int, Tag | None] = {}
    current: Tag | None = None
    element: PageElement | None = soup.contents[0] if soup.contents else None
    while element is not None:
        if isinstance(element, Tag):
            if element.name in DROPPED_TAGS:
                lines[-1].append(" ")  # what stood between two texts still separates them
                element = _after(element)
                continue
            if element.name == "br":
                lines.append([])
        elif type(element) in _TEXT_TYPES:
            block = _block_of(element.parent, memo)
            if block is not current:
                lines.append([])
                current = block
            lines[-1].append(str(element))
        element = element.next_element
    joined = (" ".join("".join(parts).split()) for parts in lines)
    return [line for line in joined if line]
