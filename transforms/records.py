"""Frozen records passed between the pipeline's stages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from transforms.keys import word_count


class Label(StrEnum):
    """What a line of a page is. Every input line gets exactly one label."""

    CONTENT = "content"
    TITLE = "title"
    TEASER = "teaser"
    BYLINE = "byline"
    BREADCRUMB = "breadcrumb"
    SITE_NAME = "site_name"
    NAV = "nav"
    SIDEBAR_HEADER = "sidebar_header"
    SIDEBAR_HEADLINE = "sidebar_headline"
    SIDEBAR_TEASER = "sidebar_teaser"
    FOOTER = "footer"
    AD = "ad"
    BOILERPLATE = "boilerplate"  # removed by the line model between kept lines, kind unnamed
    REPEAT = "repeat"
    BLANK = "blank"


class Rule(StrEnum):
    """Which rule labeled a line: the ``rule`` of its ``lines`` row (stored as these strings,
    pinned by the golden labels). A few are composed with another name: ``markup:<region>``
    (the HTML region the line stood in), ``recheck:<rule>``, and ``model:<rule>`` for a line
    the line model kept although that rule removed it."""

    EMPTY = "empty"  # a blank line
    SEPARATOR_PATH = "separator_path"
    BREADCRUMB_TITLE = "breadcrumb_title"
    COMMENT_THREAD = "comment_thread"
    AFTER_BODY = "after_body"
    TITLE_REPEAT = "title_repeat"
    BOILERPLATE_PROMPT = "boilerplate_prompt"
    ARTICLE_SPAN = "article_span"
    AUTHOR_OR_DATE = "author_or_date"
    LAST_SHORT_LINE_BEFORE_BODY = "last_short_line_before_body"
    METADATA = "metadata"
    FIRST_LINE = "first_line"
    BEFORE_TITLE = "before_title"
    FALLBACK_LONGEST = "fallback_longest"
    OUTSIDE_ARTICLE = "outside_article"
    SECTION_ALTERNATION = "section_alternation"
    REPEATED_IN_BODY = "repeated_in_body"
    DUPLICATE_LINE = "duplicate_line"
    MODEL = "model"  # the line model removed a line the rules kept


class LabeledLine(NamedTuple):
    """One input line with its label and the rule that decided it (a tuple: a page has many,
    and tuples build several times faster than frozen dataclasses)."""

    line_no: int
    text: str
    label: Label
    rule: str


@dataclass(frozen=True, slots=True)
class HeadlineMention:
    """A headline listed in a sidebar section of a page."""

    headline: str
    headline_key: str
    section: str
    position: int
    truncated: bool  # ends in "...", "…" or "[…]": may be the start of a longer headline
    line_no: int  # the logical line it stands on, among the non-blank ones the rules read


@dataclass(frozen=True, slots=True)
class CleanDocument:
    """The result of cleaning one page. Its input lines' labels and rules are columns, one
    entry per line (``lines`` gives them as records): a page of 50 lines builds 50 records
    only when a reader asks for them."""

    title: str | None
    body: str
    texts: tuple[str, ...]  # the input lines, as they came
    labels: tuple[Label, ...]
    rules: tuple[str, ...]
    mentions: tuple[HeadlineMention, ...]
    # the line model's probability that each line is article text (None: blank, or the rules
    # decided alone)
    p_content: tuple[float | None, ...] = ()
    encoding: str | None = None  # how its bytes were decoded (``Decoded``); None: given text
    replaced_bytes: int = 0  # of its bytes, each now U+FFFD

    @property
    def lines(self) -> tuple[LabeledLine, ...]:
        """Each input line with its number, label and rule."""
        columns = zip(range(len(self.texts)), self.texts, self.labels, self.rules, strict=True)
        return tuple(map(LabeledLine._make, columns))

    @property
    def n_words(self) -> int:
        return word_count(self.body)


@dataclass(frozen=True, slots=True)
class Decoded:
    """A page's bytes as text, with how they were decoded."""

    text: str
    encoding: str  # Python's name of the codec: "utf-8", "utf-8-sig" (after a BOM), "cp1252"...
    replaced_bytes: int  # bytes the encoding could not decode, each now U+FFFD


class Reason(StrEnum):
    """Why an input could not be turned into a document: the ``reason`` of its ``quarantine``
    row (stored as these strings; docs/reliability.md says when each applies)."""

    EMPTY = "empty"
    BLANK = "blank"  # whitespace only
    BINARY = "binary"
    UNDECODABLE = "undecodable"
    UNREADABLE = "unreadable"
    TOO_LARGE = "too_large"
    TOO_SLOW = "too_slow"
    BAD_GZIP = "bad_gzip"
    BAD_ZSTD = "bad_zstd"
    BAD_JSON_LINE = "bad_json_line"
    NOT_A_FILE = "not_a_file"
    OUTSIDE_SOURCE = "outside_source"
    CHANGED_WHILE_READING = "changed_while_reading"
    NO_TEXT = "no_text"
    CLEANING_FAILED = "cleaning_failed"


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why an input could not be turned into a document."""

    reason: Reason
    detail: str
