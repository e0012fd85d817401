"""Split a JSON Lines file into page records, or say which lines are broken.

Rule: each non-blank line is a JSON object with a ``text`` or ``html`` string field and
optional ``id``, ``url``, ``title`` and ``fetched_at``. A record's key is its ``id``, else
its 1-based line number; its site is the URL's host when there is a URL. A line that is not
such an object is reported with its line number and why, and the other lines still count.

>>> [r.key for r in parse_jsonl(b'{"id": "a", "text": "Hi"}\\n{oops\\n{"html": "<p>x</p>"}')]
['a', 2, '3']
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from transforms.records import Rejection

BAD_LINE = "bad_json_line"


@dataclass(frozen=True, slots=True)
class JsonRecord:
    """One page taken from a JSON Lines file."""

    line_no: int
    key: str
    content: str
    format: str
    site: str | None
    title: str | None


@dataclass(frozen=True, slots=True)
class BrokenLine(Rejection):
    """A line of a JSON Lines file that is not a usable record: rejected as
    ``bad_json_line``, with the line's number as its ``key``."""

    key: int = 0


def _broken(line_no: int, detail: str) -> BrokenLine:
    return BrokenLine(BAD_LINE, detail, line_no)


def _site(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def parse_record(line_no: int, line: bytes) -> JsonRecord | BrokenLine:
    """Parse one line (``line_no`` is 1-based)."""
    try:
        value = json.loads(line)
    except (ValueError, UnicodeDecodeError) as err:
        return _broken(line_no, f"line {line_no}: not JSON ({err})"[:300])
    if not isinstance(value, dict):
        return _broken(line_no, f"line {line_no}: not a JSON object")
    for field, fmt in (("text", "text"), ("html", "html")):
        content = value.get(field)
        if isinstance(content, str):
            key = value.get("id")
            title = value.get("title")
            return JsonRecord(
                line_no=line_no,
                key=str(key) if isinstance(key, str | int) else str(line_no),
                content=content,
                format=fmt,
                site=_site(value.get("url")),
                title=title if isinstance(title, str) and title.strip() else None,
            )
    return _broken(line_no, f"line {line_no}: no string 'text' or 'html' field")


def parse_jsonl(data: bytes) -> list[JsonRecord | BrokenLine]:
    """Every non-blank line of ``data`` as a record or a broken line, in file order."""
    return [
        parse_record(n, line) for n, line in enumerate(data.splitlines(), start=1) if line.strip()
    ]
