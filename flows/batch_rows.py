"""Turn work items into the rows of every table, reading each file once.

Runs in worker processes (see ``parallel``): everything here is picklable and per item, and
no failure of one file escapes: it becomes a quarantine row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flows.discover import SourceFile, WorkItem
from transforms.document import build_document
from transforms.fingerprint import doc_id
from transforms.records import CleanDocument, Label, Rejection

Row = dict[str, Any]
KEPT_LABELS = frozenset({Label.CONTENT, Label.BLANK})


@dataclass
class BatchRows:
    """Rows for each table, plus the counts a run reports."""

    tables: dict[str, list[Row]] = field(
        default_factory=lambda: {
            "documents": [],
            "articles": [],
            "lines": [],
            "headline_mentions": [],
            "quarantine": [],
        }
    )
    removed: Counter[str] = field(default_factory=Counter)

    def extend(self, other: BatchRows) -> None:
        for table, rows in other.tables.items():
            self.tables[table].extend(rows)
        self.removed.update(other.removed)


def _document_row(file: SourceFile, key: str, load_id: str, at: datetime) -> Row:
    return {
        "doc_id": key,
        "source": file.relative,
        "site": file.site,
        "format": file.format,
        "bytes": file.size,
        "ingested_at": at,
        "load_id": load_id,
    }


def _quarantine(
    out: BatchRows,
    files: tuple[SourceFile, ...],
    key: str | None,
    problem: Rejection,
    load_id: str,
    at: datetime,
) -> None:
    for file in files:
        out.tables["quarantine"].append(
            {
                "source": file.relative,
                "content_hash": key,
                "reason": problem.reason,
                "detail": problem.detail,
                "quarantined_at": at,
                "load_id": load_id,
            }
        )


def _clean(item: WorkItem) -> CleanDocument | Rejection:
    first = item.files[0]
    try:
        raw = Path(first.path).read_bytes()
    except OSError as err:
        return Rejection("unreadable", err.strerror or str(err))
    if doc_id(raw) != item.doc_id:
        return Rejection("changed_while_reading", "the file changed after it was hashed")
    try:
        return build_document(raw, first.format)
    except Exception as err:  # a bad file must never stop a run: record what went wrong
        return Rejection("cleaning_failed", f"{type(err).__name__}: {err}"[:500])


def rows_for_item(item: WorkItem, load_id: str, at: datetime) -> BatchRows:
    """All rows that one work item contributes to a load."""
    out = BatchRows()
    if item.stored:
        out.tables["documents"].extend(
            _document_row(f, item.doc_id, load_id, at) for f in item.files
        )
        return out
    result = _clean(item)
    if isinstance(result, Rejection):
        _quarantine(out, item.files, item.doc_id, result, load_id, at)
        return out
    first = item.files[0]
    out.tables["documents"].extend(_document_row(f, item.doc_id, load_id, at) for f in item.files)
    out.tables["articles"].append(
        {
            "doc_id": item.doc_id,
            "source": first.relative,
            "site": first.site,
            "title": result.title,
            "body": result.body,
            "n_words": result.n_words,
            "load_id": load_id,
        }
    )
    out.tables["lines"].extend(
        {
            "doc_id": item.doc_id,
            "line_no": line.line_no,
            "text": line.text,
            "label": str(line.label),
            "rule": line.rule,
            "load_id": load_id,
        }
        for line in result.lines
    )
    out.tables["headline_mentions"].extend(
        {
            "doc_id": item.doc_id,
            "site": first.site,
            "headline": m.headline,
            "headline_key": m.headline_key,
            "section": m.section,
            "position": m.position,
            "load_id": load_id,
        }
        for m in result.mentions
    )
    out.removed.update(str(line.label) for line in result.lines if line.label not in KEPT_LABELS)
    return out


def rows_for_items(items: list[WorkItem], load_id: str, at: datetime) -> BatchRows:
    """All rows of a chunk of work items (the unit sent to a worker process)."""
    out = BatchRows()
    for item in items:
        out.extend(rows_for_item(item, load_id, at))
    return out
