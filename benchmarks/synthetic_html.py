"""Write generated pages (``synthetic_pages``) as the HTML a site would serve, in three markups.

Each site draws one markup for all its pages, as real sites do:

- ``semantic``: HTML5 landmarks (``header``, ``nav``, ``article``, ``aside``, ``footer``);
- ``classed``: plain ``div``s whose class and id names say what they hold (``menu``,
  ``breadcrumbs``, ``post-content``, ``sidebar widget``, ``site-footer``, ``cookie-consent``);
- ``bare``: ``div``s with no names at all, so only the text and the links tell.

Every page also carries a menu of links before the article (text pages have none). The gold
body, title and headlines stay those of the text page.

>>> from benchmarks.synthetic_pages import generate_corpus
>>> page = generate_corpus(n_sites=1, pages_per_site=1, seed=7)[0]
>>> html = to_html(page, "classed")
>>> html.startswith("<!doctype html>") and page.gold_body.split()[0] in html
True
"""

from __future__ import annotations

import hashlib
from html import escape

from benchmarks.synthetic_pages import LINK_PROMPTS, PageParts, SyntheticPage

MARKUPS = ("semantic", "classed", "bare")
MENU = ("Home", "News", "Sport", "Business", "Culture", "Opinion", "Contact")


def markup_for(site: str) -> str:
    """The markup a site uses, fixed by its name."""
    return MARKUPS[hashlib.sha256(site.encode()).digest()[0] % len(MARKUPS)]


def _links(items: list[str], wrap: str = "li") -> str:
    return "".join(
        f'<{wrap}><a href="/{i}">{escape(text)}</a></{wrap}>' for i, text in enumerate(items)
    )


def _paragraph(text: str) -> str:
    """A paragraph, or a link to another story ("Read more: ...") as its own paragraph."""
    if text.startswith(tuple(LINK_PROMPTS)):
        return f'<p><a href="/story">{escape(text)}</a></p>'
    return f"<p>{escape(text)}</p>"


def _comments(parts: PageParts, markup: str) -> str:
    if not parts.comments:
        return ""
    inner = "".join(f"<div>{escape(line)}</div>" for line in parts.comments)
    return {
        "semantic": f'<section id="comments">{inner}</section>',
        "classed": f'<div class="comments-area">{inner}</div>',
    }.get(markup, f"<div>{inner}</div>")


def _sections(parts: PageParts, bare: bool) -> list[str]:
    out = []
    for header, entries in parts.sections:
        items = []
        for headline, teaser in entries:
            link = f'<a href="/story">{escape(headline)}</a>'
            items.append(
                f"<div>{link}</div>" + (f"<div>{escape(teaser)}</div>" if teaser else "")
                if bare
                else f"<li><h4>{link}</h4>"
                + (f"<p>{escape(teaser)}</p>" if teaser else "")
                + "</li>"
            )
        heading = f"<div>{escape(header)}</div>" if bare else f"<h3>{escape(header)}</h3>"
        body = "".join(items) if bare else f"<ul>{''.join(items)}</ul>"
        out.append(heading + body)
    return out


def to_html(page: SyntheticPage, markup: str | None = None) -> str:
    """``page`` as an HTML document in ``markup`` (default: its site's)."""
    parts = page.parts
    if parts is None:
        raise ValueError("page has no parts to render (made by render_page?)")
    markup = markup or markup_for(page.site)
    bare = markup == "bare"
    e = escape
    head_lines = [e(x) for x in (parts.teaser, parts.title) if x]
    title = parts.title or page.gold_title or ""
    paragraphs = "".join(_paragraph(p) for p in parts.paragraphs)
    paragraphs += f"<p>{e(parts.bio)}</p>" if parts.bio else ""
    menu = list(parts.menu or MENU)
    byline = f"<p>{e(parts.byline)}</p>" if parts.byline else ""
    crumbs = f"<div>{e(parts.breadcrumb)}</div>" if parts.breadcrumb else ""
    site_name = f"<div>{e(parts.site_name)}</div>" if parts.site_name else ""
    sections = _sections(parts, bare)
    before, sections = sections[: parts.sections_before], sections[parts.sections_before :]
    comments = _comments(parts, markup)
    footers = "".join(f"<div>{e(f)}</div>" for f in (*parts.footers, parts.legal) if f)
    cookie = f"<div>{e(parts.cookie)}</div>" if parts.cookie else ""
    heading = "".join(
        f"<h1>{h}</h1>" if h == e(parts.title or "") else f"<p>{h}</p>" for h in head_lines
    )
    if markup == "semantic":
        body = (
            f"<header>{site_name}<nav><ul>{_links(menu)}</ul></nav></header>"
            + "".join(f"<aside>{s}</aside>" for s in before)
            + f'<nav class="crumbs">{crumbs}</nav>' * bool(crumbs)
            + f"<main><article>{heading}{byline}{paragraphs}</article>"
            + "".join(f"<aside>{s}</aside>" for s in sections)
            + f"{comments}</main><footer>{footers}</footer>{cookie}"
        )
    elif markup == "classed":
        body = (
            f'<div id="top" class="site-header">{site_name}</div>'
            f'<div class="main-menu">{_links(menu, "span")}</div>'
            + "".join(f'<div class="sidebar widget">{s}</div>' for s in before)
            + f'<div class="breadcrumbs">{crumbs}</div>' * bool(crumbs)
            + f'<div class="post"><div class="post-title">{heading}</div>'
            f'<div class="post-meta">{byline}</div>'
            f'<div class="post-content">{paragraphs}</div></div>'
            + "".join(f'<div class="sidebar widget">{s}</div>' for s in sections)
            + comments
            + f'<div class="site-footer">{footers}</div>'
            + f'<div id="cookie-consent">{cookie}</div>' * bool(cookie)
        )
    else:
        body = (
            f"<div>{site_name}<div>{_links(menu, 'span')}</div></div>{''.join(before)}{crumbs}"
            f"<div><div>{heading}{byline}{paragraphs}</div>{''.join(sections)}{comments}</div>"
            f"<div>{footers}{cookie}</div>"
        )
    return f"<!doctype html><html><head><title>{e(title)}</title></head><body>{body}</body></html>"
