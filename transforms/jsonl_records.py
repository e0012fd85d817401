"""Split a JSON Lines file into page records, or say which lines are broken.

Rule: each non-blank line (lines end at ``\n``) is a JSON object with a ``text`` or ``html``
string field and optional ``id``, ``url``, ``site``, ``title`` and ``fetched_at``. A record's
key is its ``id``, else its 1-based line number; its site is the URL's host, else its ``site``
field (the caller falls back to the shard's folder). A line that is not such an object is
reported with its line number and why, and the other lines still count.

>>> [r.key for r in parse_jsonl(b'{"id": "a", "text": "Hi"}\\n{oops\\n{"html": "<p>x</p>"}')]
['a', 2, '3']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from transforms.records import Reason, Rejection


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
    return BrokenLine(Reason.BAD_JSON_LINE, detail, line_no)


def _site(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def _given_site(site: object) -> str | None:
    return site.strip().lower() or None if isinstance(site, str) else None


# An ``id`` given first in a record's object: how an oversized record, which is never parsed
# whole, is still named by its id (writers such as datatrove's put ``id`` early or first).
_LEADING_ID = re.compile(rb'\A\s*\{\s*"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,30})\s*[,}]')


def leading_key(line_no: int, head: bytes) -> str:
    """The key of a record from the first bytes of its line: its ``id`` when the object
    opens with it, else its line number.

    >>> leading_key(4, b'{"id": "doc-9", "text": "...'), leading_key(4, b'{"text": "..", "id": 1}')
    ('doc-9', '4')
    """
    found = _LEADING_ID.match(head)
    if found:
        try:
            value = json.loads(found.group(1))
        except ValueError:
            return str(line_no)
        return str(value)
    return str(line_no)


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
                site=_site(value.get("url")) or _given_site(value.get("site")),
                title=title if isinstance(title, str) and title.strip() else None,
            )
    return _broken(line_no, f"line {line_no}: no string 'text' or 'html' field")


def parse_jsonl(data: bytes) -> list[JsonRecord | BrokenLine]:
    """Every non-blank line of ``data`` as a record or a broken line, in file order (a shard
    is streamed instead: ``runtime.shards``)."""
    return [
        parse_record(n, line) for n, line in enumerate(data.split(b"\n"), start=1) if line.strip()
    ]
