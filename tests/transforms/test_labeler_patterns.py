"""Each page pattern the rules must recognise, on small pages written for these tests.

The rules are the line model's evidence (``transforms.labeler.rules``); what the whole labeler
keeps is judged on real pages (``make bench-quality``) and on the samples and seeds."""

import textwrap

import pytest

from transforms.labeler.rules import label_lines
from transforms.records import Label

BODY_1 = (
    "The harbor council voted on Tuesday to close the old ferry pier for repairs, a decision "
    "that fishermen say will cost them a whole season. The pier, built in 1962, has been "
    "sinking slowly for a decade, and engineers warned in March that its pilings were failing."
)
BODY_2 = (
    "Repairs are expected to take eleven months. During that time boats will dock at the "
    "northern quay, which the council says can handle the extra traffic if schedules shift."
)
SIDEBAR = [
    "New Articles",
    "Lighthouse Keeper Retires After Forty Years",
    "After four decades of climbing the same spiral stairs every night, the keeper of Gull Rock "
    "handed over the keys on Sunday in a small ceremony that...",
    "Fish Market Moves Indoors for Winter",
    "Traders will set up in the old rope works from November, ending the open-air market.",
    "School Rowing Team Wins Regional Title",
    "The under-16 crew beat five rival schools on a choppy estuary course, finishing almost...",
    "Most viewed",
    "Storm Damages Sea Wall Near the Old Town",
    "Waves up to six metres high tore a gap in the sea wall late on Friday, flooding two...",
    "Bakery on Quay Street Celebrates a Century",
    "The family-run bakery opened in 1924 and still uses the original brick oven for its bread.",
]


def page(*lines: str) -> list[str]:
    """Lines separated by blank lines, as scraped text usually is."""
    out: list[str] = []
    for line in lines:
        out += [line, ""]
    return out[:-1]


def labels_of(doc, text):
    return [line.label for line in doc.lines if line.text == text]


def test_teaser_repeated_at_start_of_body_is_kept_once():
    teaser = BODY_1[:140].rsplit(" ", 1)[0] + " ci"  # cut mid-word, as scrapers do
    doc = label_lines(page(teaser, BODY_1, BODY_2, *SIDEBAR))
    assert doc.body.count("voted on Tuesday to close the old ferry pier") == 1
    assert labels_of(doc, teaser) == [Label.TEASER]
    assert doc.body.startswith("The harbor council voted")


def test_title_glued_before_repeated_teaser_becomes_the_title():
    teaser = BODY_1[:120].rsplit(" ", 1)[0]
    glued = "Will the ferry pier survive? Source: " + BODY_1
    doc = label_lines(page(teaser, glued, BODY_2, *SIDEBAR))
    assert doc.title == "Will the ferry pier survive?"
    assert doc.body.startswith("The harbor council voted")
    assert "Source:" not in doc.body


def test_breadcrumb_is_removed_and_the_repeated_title_extracted():
    title = "Council closes the old ferry pier"
    doc = label_lines(page(f"Home » Local News » {title}", title, BODY_1, BODY_2))
    assert doc.title == title
    assert labels_of(doc, f"Home » Local News » {title}") == [Label.BREADCRUMB]
    assert title not in doc.body and "Home" not in doc.body


def test_breadcrumb_with_other_separators_is_recognised():
    for crumb in ("Home > World > Pier closes", "News / Harbor / Pier closes", "Inicio › Pier"):
        doc = label_lines(page(crumb, "Pier closes", BODY_1))
        assert labels_of(doc, crumb) == [Label.BREADCRUMB], crumb


def test_site_name_line_above_the_title_is_removed():
    doc = label_lines(page("Gull Rock Courier", "Council closes the old ferry pier", BODY_1))
    assert doc.title == "Council closes the old ferry pier"
    assert labels_of(doc, "Gull Rock Courier") == [Label.SITE_NAME]
    assert doc.body == BODY_1


def test_sidebar_sections_of_headlines_and_teasers_are_removed():
    doc = label_lines(page(BODY_1, BODY_2, *SIDEBAR))
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"
    assert [m.headline for m in doc.mentions] == SIDEBAR[1:7:2] + SIDEBAR[8::2]
    assert [m.section for m in doc.mentions] == ["New Articles"] * 3 + ["Most viewed"] * 2
    assert [m.position for m in doc.mentions] == [1, 2, 3, 1, 2]
    assert labels_of(doc, "Most viewed") == [Label.SIDEBAR_HEADER]


def test_unlisted_section_name_is_found_by_its_structure():
    renamed = ["Cosas que quizá te interesen"] + SIDEBAR[1:7]
    doc = label_lines(page(BODY_1, BODY_2, *renamed))
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"
    assert len(doc.mentions) == 3


def test_headline_only_sidebar_list_is_removed():
    related = [
        "Related Posts",
        "Pier history in pictures",
        "Ferry timetable changes",
        "Quay works begin",
    ]
    doc = label_lines(page("Pier to close", BODY_1, BODY_2, *related))
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"
    assert [m.headline for m in doc.mentions] == related[1:]


def test_footer_prompts_after_the_article_are_removed():
    footers = ["Share this:", "You may also like", "Leave a Comment", "Exit mobile version"]
    doc = label_lines(page("Pier to close", BODY_1, BODY_2, *footers))
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"
    assert all(labels_of(doc, f) == [Label.FOOTER] for f in footers)


def test_byline_under_the_title_is_not_the_title():
    doc = label_lines(page("Pier to close", "By Ana Ruiz | 3 March 2024", BODY_1))
    assert doc.title == "Pier to close"
    assert labels_of(doc, "By Ana Ruiz | 3 March 2024") == [Label.BYLINE]


def test_subheading_inside_the_article_is_kept():
    doc = label_lines(page("Pier to close", BODY_1, "What happens next", BODY_2, "Share this:"))
    assert doc.body == f"{BODY_1}\n\nWhat happens next\n\n{BODY_2}"


def test_advertisement_line_inside_the_article_is_removed():
    doc = label_lines(page("Pier to close", BODY_1, "Advertisement", BODY_2))
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"
    assert labels_of(doc, "Advertisement") == [Label.AD]


def test_non_english_page_keeps_its_text():
    body = (
        "港口委员会周二投票决定关闭旧渡轮码头进行维修，渔民们说这将使他们损失整整一个季节的收入。"
        * 2
    )
    doc = label_lines(page("港口新闻", body))
    assert doc.body == body


def test_page_of_short_lines_never_comes_out_empty():
    doc = label_lines(page("Ode to the pier", "Old wood", "Salt wind", "Gulls cry"))
    assert doc.body


def test_every_line_gets_exactly_one_label():
    lines = page(BODY_1[:100], BODY_1, *SIDEBAR, "Leave a Comment")
    doc = label_lines(lines)
    assert [line.line_no for line in doc.lines] == list(range(len(lines)))
    assert [line.text for line in doc.lines] == lines


def test_comment_thread_after_the_article_is_footer():
    thread = [
        "2 Comments",
        "Tom Reed says:",
        "4 May 2024 at 10:14",
        "Nobody asked the fishermen before this was decided, and now they pay for it all summer.",
        "Reply",
        "Ana P says:",
        "5 May 2024 at 08:02",
        "The pier has been unsafe for years; closing it now is the responsible thing to do here.",
        "Reply",
    ]
    doc = label_lines(page("Pier to close", BODY_1, BODY_2, *thread))
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"
    assert {line.rule for line in doc.lines if line.text in thread[:4]} == {"comment_thread"}


def test_live_blog_times_between_paragraphs_stay_article_text():
    update = "Work on the northern quay starts next week, the council said in a short statement."
    doc = label_lines(page("Pier to close", "10:14", BODY_1, "11:02", BODY_2, "11:40", update))
    assert doc.body == f"{BODY_1}\n\n11:02\n\n{BODY_2}\n\n11:40\n\n{update}"


def test_copyright_notice_after_the_article_is_removed_whatever_its_length():
    notice = (
        "© 2024 Harbor Media Group. All rights reserved. This material may not be published, "
        "broadcast, rewritten or redistributed without permission."
    )
    doc = label_lines(page("Pier to close", BODY_1, BODY_2, notice))
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"


def test_link_to_another_story_inside_the_article_is_removed():
    links = ["Read more: Fish market moves indoors for winter", "Lire aussi : Le port ferme"]
    doc = label_lines(page("Pier to close", BODY_1, links[0], BODY_2, links[1], BODY_1[:120]))
    assert not any(link in doc.body for link in links)
    assert doc.body.startswith(BODY_1) and BODY_2 in doc.body


def test_chinese_paragraphs_are_article_text_and_headline_lists_are_not():
    body = (
        "港口委员会周二投票决定关闭旧渡轮码头进行维修，渔民们说这将使他们损失整整一个季节的收入。"
    )
    sidebar = ["相关新闻", "风暴关闭沿海公路", "春季渡轮票价上涨", "学校预算再次削减"]
    doc = label_lines(page("港口新闻", "议会讨论港口计划", body, body[::-1], *sidebar))
    assert doc.body == f"{body}\n\n{body[::-1]}"
    assert doc.title == "议会讨论港口计划"


def test_page_of_short_sentences_keeps_them_and_finds_its_title():
    sentences = ["The pier closed on Tuesday.", "Boats moved north.", "Repairs take a year."]
    doc = label_lines(page("Harbor News", "Pier closes for a year", *sentences, "Back to top"))
    assert doc.title == "Pier closes for a year"
    assert doc.body == "\n\n".join(sentences)


def test_sidebar_in_a_left_column_before_the_article_keeps_title_and_first_paragraph():
    sidebar = SIDEBAR[:7]
    doc = label_lines(page("Harbor News", *sidebar, "Pier to close", BODY_1, BODY_2))
    assert doc.title == "Pier to close"
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"
    assert len(doc.mentions) == 3


def test_breadcrumb_and_byline_after_a_left_column_are_no_sidebar_entries():
    sidebar = SIDEBAR[:7]
    crumb, byline = "Home » Local » Pier to close", "By Ann Lee | 3 May 2024"
    doc = label_lines(page(*sidebar, crumb, "Pier to close", byline, BODY_1, BODY_2))
    assert labels_of(doc, crumb) == [Label.BREADCRUMB]
    assert labels_of(doc, byline) == [Label.BYLINE]
    assert doc.title == "Pier to close"


def test_chinese_teaser_repeated_at_start_of_body_is_kept_once():
    body = (
        "港口委员会周二投票决定关闭旧渡轮码头进行维修，渔民们说这将使他们损失整整一个季节的收入。"
        * 2
    )
    doc = label_lines(page("港口新闻", body[:33], "议会讨论港口计划", body))  # cut mid-sentence
    assert doc.body == body
    assert labels_of(doc, body[:33]) == [Label.TEASER]


def test_single_comment_after_two_paragraphs_is_footer():
    comment = "Nobody asked the fishermen before this was decided, and now they pay for it."
    doc = label_lines(page("Pier to close", BODY_1, BODY_2, "Tom says:", "4 May 2024", comment))
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"


def test_short_sentences_between_byline_and_first_paragraph_are_article_text():
    opening = "The old pier closes on Monday."
    doc = label_lines(page("Pier to close", "By Ann Lee | 3 May 2024", opening, BODY_1, BODY_2))
    assert doc.title == "Pier to close"
    assert doc.body == f"{opening}\n\n{BODY_1}\n\n{BODY_2}"


def test_long_link_to_another_story_between_paragraphs_is_removed():
    link = "See also: Harbor council votes to keep the old lighthouse open for visitors all winter"
    doc = label_lines(page("Pier to close", BODY_1, link, BODY_2))
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"


def test_title_line_of_title_and_site_name_points_at_the_title_below_it():
    doc = label_lines(page("Pier to close | Harbor News", "Harbor News", "Pier to close", BODY_1))
    assert doc.title == "Pier to close"
    assert doc.body == BODY_1


@pytest.mark.parametrize("between", [[""], []], ids=["blank-lines", "no-blank-lines"])
def test_hard_wrapped_text_dump_is_cleaned_as_its_paragraphs(between):
    lines = [line for text in ["Pier to close", BODY_1, BODY_2, *SIDEBAR] for line in
             [*textwrap.wrap(text, 72), *between]]  # fmt: skip
    doc = label_lines(lines)
    assert doc.title == "Pier to close"
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"
    assert len(doc.lines) == len(lines)
    assert {line.label for line in doc.lines if line.text in textwrap.wrap(BODY_1, 72)} == {
        Label.CONTENT
    }


@pytest.mark.parametrize("meta", ["5 min read", "Updated 2 hours ago", "12 comments"])
def test_metadata_line_between_title_and_body_is_not_the_title(meta):
    doc = label_lines(page("Harbor News", "Pier to close for a year", meta, BODY_1, BODY_2))
    assert doc.title == "Pier to close for a year"
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"


def test_short_title_with_a_figure_stays_the_title():
    doc = label_lines(page("Harbor News", "Pier 39 closes", BODY_1, BODY_2))
    assert doc.title == "Pier 39 closes"
    # above a metadata line too, under a site name as long as the title
    doc = label_lines(page("The Harbor Gazette", "Apollo 11 at 50", "5 min read", BODY_1))
    assert doc.title == "Apollo 11 at 50"


@pytest.mark.parametrize("prompt", ["Listen to this article", "Share", "Artikel anhören"])
def test_prompt_between_title_and_body_is_not_the_title(prompt):
    doc = label_lines(page("Harbor News", "Pier to close for a year", prompt, BODY_1, BODY_2))
    assert doc.title == "Pier to close for a year"
    assert doc.body == f"{BODY_1}\n\n{BODY_2}"
    assert labels_of(doc, prompt) == [Label.AD]
