"""HTML: the markup is evidence for the labeler (transforms/html_lines.py, labeler rule 4)."""

from tests.transforms.test_labeler_patterns import BODY_1, BODY_2
from transforms.cleaning import build_document
from transforms.html_lines import html_blocks
from transforms.records import CleanDocument, Label

TITLE = "Harbour Council Closes the Old Ferry Pier"
ARTICLE = f"<article><header><h1>{TITLE}</h1></header><p>{BODY_1}</p><p>{BODY_2}</p></article>"
POPULAR = [
    ("Lighthouse Keeper Retires After Forty Years", "The keeper of Gull Rock handed over..."),
    ("Fish Market Moves Indoors for Winter", "Traders will set up in the rope works..."),
    ("School Rowing Team Wins Regional Title", "The under-16 crew beat five rival schools..."),
]


def _clean(html: str) -> CleanDocument:
    doc = build_document(html.encode(), "html")
    assert isinstance(doc, CleanDocument), doc
    return doc


def _entries(wrapper: str) -> str:
    items = "".join(f'<li><a href="/x">{h}</a><p>{t}</p></li>' for h, t in POPULAR)
    return wrapper.format(f"<h3>Lo más leído</h3><ul>{items}</ul>")


def test_a_sidebar_in_an_aside_is_labeled_and_its_headlines_recorded():
    doc = _clean(ARTICLE + _entries("<aside>{}</aside>"))
    assert doc.title == TITLE and doc.body == f"{BODY_1}\n\n{BODY_2}"
    assert [m.headline for m in doc.mentions] == [h for h, _ in POPULAR]
    assert {line.label for line in doc.lines if line.text == "Lo más leído"} == {
        Label.SIDEBAR_HEADER
    }


def test_a_div_named_like_boilerplate_is_outside_the_article_whatever_its_text():
    cookie = (
        "We and our partners store cookies on your device to measure how the site is used, "
        "and you can change these choices at any time from the settings page below."
    )
    html = f'{ARTICLE}<div id="cookieConsent" class="gdpr-box"><p>{cookie}</p></div>'
    doc = _clean(html)
    assert cookie not in doc.body
    assert [(line.label, line.rule) for line in doc.lines if line.text == cookie] == [
        (Label.AD, "markup:gdpr")
    ]


def test_an_articles_own_header_keeps_its_title_and_a_page_header_is_navigation():
    html = f"<header><div>The Harbour Gazette</div><div>Home News Sport</div></header>{ARTICLE}"
    doc = _clean(html)
    assert doc.title == TITLE
    assert html_blocks(html)[:3] == [
        ("The Harbour Gazette", "header"),
        ("Home News Sport", "header"),
        (TITLE, None),
    ]


def test_an_element_that_holds_the_article_is_never_a_region_whatever_its_names():
    html = f'<div class="layout-with-sidebar">{ARTICLE}</div>'
    assert [region for _, region in html_blocks(html)] == [None, None, None]
    assert _clean(html).body == f"{BODY_1}\n\n{BODY_2}"


def test_markup_that_wraps_every_paragraph_is_ignored_rather_than_emptying_the_page():
    html = f'<div class="widget"><h1>{TITLE}</h1><p>{BODY_1}</p><p>{BODY_2}</p></div>'
    assert _clean(html).body == f"{BODY_1}\n\n{BODY_2}"


def test_class_words_are_whole_words_so_a_heading_class_is_no_ad():
    html = f'<div class="heading"><h1>{TITLE}</h1></div><p>{BODY_1}</p>'
    assert html_blocks(html)[0] == (TITLE, None)


def test_a_region_holding_most_of_the_text_wraps_the_article_and_only_it_is_ignored():
    footer = (
        "The Harbour Gazette is published by Harbour Media Ltd, registered in the county, and "
        "all of its content is protected; see the terms of use for the rules on reuse."
    )
    html = (
        f'<div class="content-with-sidebar"><p>{BODY_1}</p><p>{BODY_2}</p></div>'
        f'<div class="site-footer"><p>{footer}</p></div>'
    )
    doc = _clean(html)
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"
    assert [line.rule for line in doc.lines if line.text == footer] == ["markup:footer"]
