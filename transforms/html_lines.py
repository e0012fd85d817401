"""Render an HTML page to the visible lines the text labeler reads.

Rule: script, style, head, nav, header, footer, aside and similar non-content elements are
dropped; every block element (p, div, h1-h6, li, tr, ...) starts a new line; inline text is
joined with single spaces.

>>> html_lines("<nav>Menu</nav><h1>Storm</h1><p>Rain <b>fell</b>.</p>")
['Storm', 'Rain fell.']
"""

from __future__ import annotations

from bs4 import BeautifulSoup

DROPPED_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "canvas",
    "button",
    "select",
    "object",
    "embed",
)
BLOCK_TAGS = (
    "address",
    "article",
    "blockquote",
    "body",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
    "br",
)


def html_lines(html: str) -> list[str]:
    """The page's visible text, one line per block element, blank lines dropped."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(DROPPED_TAGS):
        tag.decompose()
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(chunk.split()) for chunk in soup.get_text().split("\n"))
    return [line for line in lines if line]
