"""The regions of a page that its markup places outside the article, and what each holds.

Rule: a region is a landmark element (``REGION_TAGS``) or an element whose class or id names
a kind of boilerplate (``BOILERPLATE_NAMES``); ``html_lines`` finds them, and the labeler's
rule 4 gives a line in one its region's label (``REGION_LABELS``; a region it does not list
is navigation). One vocabulary for both, so a name the renderer finds always has a label.

>>> REGION_LABELS["crumbs"], REGION_LABELS["newsletter"], REGION_LABELS.get("menu", Label.NAV)
(<Label.BREADCRUMB: 'breadcrumb'>, <Label.AD: 'ad'>, <Label.NAV: 'nav'>)
"""

from __future__ import annotations

from transforms.records import Label

# fmt: off
# A form is a region to weigh, not text to drop: an ASP.NET page holds its whole body in one
# (and a region holding most of the page's text is ignored by the labeler's rule 4).
REGION_TAGS = frozenset({"nav", "aside", "footer", "header", "form"})
# Class and id words of boilerplate containers, as sites name them (after boilerpipe's and
# trafilatura's lists of the same kind); "ad" must be a whole word ("ad-slot", not "head").
BOILERPLATE_NAMES = frozenset({
    "nav", "navbar", "navigation", "menu", "menubar", "skip", "pagination", "pager",
    "masthead", "breadcrumb", "breadcrumbs", "crumbs", "footer", "sidebar", "widget",
    "related", "popular", "trending", "recommended", "tags", "tagcloud", "share", "sharing",
    "social", "comment", "comments", "cookie", "cookies", "consent", "gdpr", "advert",
    "advertisement", "ad", "ads", "promo", "sponsored", "newsletter", "subscribe", "signup",
})
# The label of a line in a region (any other region's lines are navigation).
REGION_LABELS: dict[str, Label] = {
    **dict.fromkeys(("breadcrumb", "breadcrumbs", "crumbs"), Label.BREADCRUMB),
    **dict.fromkeys(("footer",), Label.FOOTER),
    **dict.fromkeys(
        ("aside", "sidebar", "widget", "related", "popular", "trending", "recommended", "tags",
         "tagcloud"),
        Label.SIDEBAR_TEASER,
    ),
    **dict.fromkeys(
        ("share", "sharing", "social", "comment", "comments", "cookie", "cookies", "consent",
         "gdpr", "advert", "advertisement", "ad", "ads", "promo", "sponsored", "newsletter",
         "subscribe", "signup"),
        Label.AD,
    ),
}
# fmt: on
# The line model's code of a region (0: none): fixed by the names, as the model was trained.
REGION_CODES = {name: code for code, name in enumerate(sorted(BOILERPLATE_NAMES | REGION_TAGS), 1)}
