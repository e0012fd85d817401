"""The rows a load stages for each table, built against the table's one declaration.

Rule: a row names every column of its table's schema (``schemas.SCHEMAS``) and nothing else;
``row`` refuses any other, so the schema stays the only list of a table's columns. The rows
of the pages a worker cleans are gathered per table in ``BatchRows``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from transforms.body_fingerprint import fingerprint
from transforms.keys import headline_key
from transforms.records import CleanDocument, Label, Rejection
from warehouse.schemas import SCHEMAS
from warehouse.work_items import SourceFile, WorkItem

Row = dict[str, Any]
_COLUMNS = {table: frozenset(schema.names) for table, schema in SCHEMAS.items()}
# The tables cleaning a page adds rows to (the others are derived or commit records).
CLEANED_TABLES = (
    "documents",
    "articles",
    "lines",
    "headline_mentions",
    "signatures",
    "bands",
    "quarantine",
)
# Lines kept in an article's body; the others are counted as removed, by label and rule.
KEPT_LABELS = frozenset({Label.CONTENT, Label.BLANK})


def row(table: str, **values: Any) -> Row:
    """A row of ``table``, its columns by name: exactly those its schema declares.

    >>> row("bands", body_key="k", band=0, bucket=7, load_id="L")["bucket"]
    7
    >>> row("bands", body_key="k", band=0, load_id="L", buckets=7)
    Traceback (most recent call last):
    ValueError: a bands row has no column buckets and needs bucket
    """
    if values.keys() != _COLUMNS[table]:
        extra = ", ".join(sorted(values.keys() - _COLUMNS[table])) or "none"
        missing = ", ".join(sorted(_COLUMNS[table] - values.keys())) or "nothing else"
        raise ValueError(f"a {table} row has no column {extra} and needs {missing}")
    return values


def document_rows(
    item: WorkItem, load_id: str, at: datetime, doc: CleanDocument | None = None
) -> Iterable[Row]:
    """The ``documents`` row of each file of ``item``; ``doc`` (None for bytes stored
    before) says how they were decoded."""
    for file in item.files:
        yield row(
            "documents",
            doc_id=item.doc_id,
            source=file.relative,
            version=file.version,
            site=file.site,
            format=file.format,
            bytes=file.size,
            file_size=file.file_size,
            file_mtime_ns=file.file_mtime_ns,
            encoding=None if doc is None else doc.encoding,
            replaced_bytes=None if doc is None else doc.replaced_bytes,
            ingested_at=at,
            load_id=load_id,
        )


def quarantine_rows(
    files: Iterable[SourceFile], key: str | None, problem: Rejection, load_id: str, at: datetime
) -> Iterable[Row]:
    """A ``quarantine`` row for each of ``files``, rejected for ``problem``."""
    for file in files:
        yield row(
            "quarantine",
            source=file.relative,
            content_hash=key,
            reason=problem.reason,
            detail=problem.detail,
            quarantined_at=at,
            load_id=load_id,
        )


def load_row(
    load_id: str,
    source: str,
    started_at: datetime,
    finished_at: datetime,
    labeler_model: str,
    counts: Mapping[str, object],
) -> Row:
    """The ``loads`` row that commits a load: its id, source, start and end, the line model
    that labeled it, and what it counted (``counts``: every other column of ``loads``).

    >>> counts = dict(files_seen=2, ingested=2, skipped=0, quarantined=0, articles=1,
    ...               new_pairs=0, duplicates=0, lines_removed={"nav": 3})
    >>> at = datetime(2026, 1, 1)
    >>> load_row("L", "samples", at, at, "lines-0123", counts)["lines_removed"]
    {'nav': 3}
    """
    return row(
        "loads",
        load_id=load_id,
        source=source,
        started_at=started_at,
        finished_at=finished_at,
        labeler_model=labeler_model,
        **counts,
    )


def article_row(item: WorkItem, doc: CleanDocument, load_id: str) -> Row:
    first = item.files[0]
    return row(
        "articles",
        doc_id=item.doc_id,
        source=first.relative,
        site=first.site,
        title=doc.title,
        title_key=headline_key(doc.title) if doc.title else None,
        body=doc.body,
        n_words=doc.n_words,
        load_id=load_id,
    )


def line_rows(key: str, doc: CleanDocument, load_id: str) -> Iterable[Row]:
    """A ``lines`` row per input line, with its label, rule and the model's probability
    (None for every line where the rules decided alone)."""
    probabilities = doc.p_content or (None,) * len(doc.texts)
    columns = zip(doc.texts, doc.labels, doc.rules, probabilities, strict=True)
    for line_no, (text, label, rule, p) in enumerate(columns):
        yield row(
            "lines",
            doc_id=key,
            line_no=line_no,
            text=text,
            label=str(label),
            rule=rule,
            p_content=p,
            load_id=load_id,
        )


def mention_rows(key: str, site: str, doc: CleanDocument, load_id: str) -> Iterable[Row]:
    for m in doc.mentions:
        yield row(
            "headline_mentions",
            doc_id=key,
            site=site,
            headline=m.headline,
            headline_key=m.headline_key,
            section=m.section,
            position=m.position,
            truncated=m.truncated,
            load_id=load_id,
        )


@dataclass
class BatchRows:
    """Rows for each table a chunk of pages adds, plus the lines removed by (label, rule)."""

    tables: dict[str, list[Row]] = field(
        default_factory=lambda: {table: [] for table in CLEANED_TABLES}
    )
    removed: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add_stored(self, item: WorkItem, load_id: str, at: datetime) -> None:
        """Bytes already stored under another path: only their ``documents`` rows."""
        self.tables["documents"].extend(document_rows(item, load_id, at))

    def add_rejected(self, item: WorkItem, problem: Rejection, load_id: str, at: datetime) -> None:
        self.tables["quarantine"].extend(
            quarantine_rows(item.files, item.doc_id, problem, load_id, at)
        )

    def add_cleaned(self, item: WorkItem, doc: CleanDocument, load_id: str, at: datetime) -> None:
        """Every row a cleaned page adds: its files, article, lines, mentions, fingerprint."""
        self.tables["documents"].extend(document_rows(item, load_id, at, doc))
        self.tables["articles"].append(article_row(item, doc, load_id))
        self.tables["lines"].extend(line_rows(item.doc_id, doc, load_id))
        self.tables["headline_mentions"].extend(
            mention_rows(item.doc_id, item.files[0].site, doc, load_id)
        )
        self.add_fingerprint(item.doc_id, doc.body, load_id)
        self.removed.update(
            (str(label), rule)
            for label, rule in zip(doc.labels, doc.rules, strict=True)
            if label not in KEPT_LABELS
        )

    def add_fingerprint(self, key: str, body: str, load_id: str) -> None:
        """The ``signatures`` and ``bands`` rows of an article body (none under 10 words)."""
        fp = fingerprint(body)
        if fp is None:
            return
        self.tables["signatures"].append(
            row(
                "signatures",
                doc_id=key,
                body_key=fp.body_key,
                signature=fp.signature,
                load_id=load_id,
            )
        )
        self.tables["bands"].extend(
            row("bands", body_key=fp.body_key, band=band, bucket=bucket, load_id=load_id)
            for band, bucket in enumerate(fp.buckets)
        )
