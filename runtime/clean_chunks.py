"""Turn work items into the rows of every table and stage them.

Runs in worker processes (see ``parallel``): everything here is picklable and per item, and
no failure of one file escapes: it becomes a quarantine row. A chunk stages its own rows, so
only counts go back to the flow.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from runtime.readers import ReadProblem, read_input
from runtime.settings import Limits
from runtime.shards import RecordLines
from runtime.time_limit import CleaningTimeout, time_limit
from transforms.cleaning import ReadDocument, build_documents, read_document
from transforms.jsonl_records import JsonRecord, parse_record
from transforms.keys import doc_id
from transforms.records import CleanDocument, Reason, Rejection
from warehouse import loads
from warehouse.layout import Layout
from warehouse.rows import CLEANED_TABLES, BatchRows
from warehouse.work_items import SourceFile, WorkItem

# Work items whose rows a chunk converts to Arrow at once (Python dicts take ~10x the memory).
ROWS_EVERY = 200


def _page_bytes(file: SourceFile, max_bytes: int, records: RecordLines) -> bytes:
    """The page's bytes again: the file, or its record's line of a JSON Lines shard (read by
    offset: a plain shard's, or a packed shard's as discovery unpacked it)."""
    if file.record is None:
        return read_input(file.path, max_bytes)
    if file.offset is None or file.length is None:  # planned before shards were streamed
        raise ReadProblem(Reason.CHANGED_WHILE_READING, "the record's place in its file is unknown")
    record = parse_record(file.record, records.line(file.path, file.offset, file.length))
    if not isinstance(record, JsonRecord):
        raise ReadProblem(Reason.CHANGED_WHILE_READING, "the record is gone from the file")
    return record.content.encode("utf-8")


def _read(
    item: WorkItem, max_bytes: int, seconds: float, records: RecordLines
) -> ReadDocument | Rejection:
    """The item's page, decoded and read by the rules within the time limit, or why not."""
    first = item.files[0]
    try:
        raw = _page_bytes(first, max_bytes, records)
    except ReadProblem as problem:
        return problem.rejection
    if doc_id(raw) != item.doc_id:
        return Rejection(Reason.CHANGED_WHILE_READING, "the file changed after it was hashed")
    try:
        with time_limit(seconds):
            return read_document(raw, first.format)
    except CleaningTimeout:
        return Rejection(Reason.TOO_SLOW, f"cleaning took over {seconds:g} s")
    except Exception as err:  # a bad file must never stop a run: record what went wrong
        return _failed(err)


def _built_alone(page: ReadDocument) -> CleanDocument | Rejection:
    try:
        return build_documents([page])[0]
    except Exception as err:  # a bad file must never stop a run: record what went wrong
        return _failed(err)


def _failed(err: Exception) -> Rejection:
    return Rejection(Reason.CLEANING_FAILED, f"{type(err).__name__}: {err}"[:500])


def _clean(
    items: list[WorkItem], limits: Limits, records: RecordLines
) -> list[CleanDocument | Rejection]:
    """The clean document of each item, or why there is none: each page is read alone, then
    the line model decides for all of them at once."""
    read = [_read(item, limits.max_bytes, limits.seconds_per_page, records) for item in items]
    pages = [r for r in read if isinstance(r, ReadDocument)]
    try:
        built = iter(build_documents(pages))
    except Exception:  # one page broke the batch: each page alone, so only that one fails
        built = iter([_built_alone(page) for page in pages])
    results = [next(built) if isinstance(r, ReadDocument) else r for r in read]
    return [
        replace(result, title=item.files[0].title)
        if isinstance(result, CleanDocument) and result.title is None and item.files[0].title
        else result
        for item, result in zip(items, results, strict=True)
    ]


def rows_for_items(
    items: list[WorkItem],
    load_id: str,
    at: datetime,
    limits: Limits,
    records: RecordLines | None = None,
) -> BatchRows:
    """All rows that some work items contribute to a load (their pages cleaned as a batch)."""
    out = BatchRows()
    fresh = [item for item in items if not item.stored]
    # ``records`` is shared by a chunk's items: each shard opened once per chunk
    if records is None:
        records = RecordLines()
        try:
            results = iter(_clean(fresh, limits, records))
        finally:
            records.close()
    else:
        results = iter(_clean(fresh, limits, records))
    for item in items:
        if item.stored:
            out.add_stored(item, load_id, at)
        elif isinstance(result := next(results), Rejection):
            out.add_rejected(item, result, load_id, at)
        else:
            out.add_cleaned(item, result, load_id, at)
    return out


@dataclass(frozen=True)
class BatchCounts:
    """What a chunk or batch of work items added, for the run's summary."""

    documents: int = 0
    bytes: int = 0  # of the pages stored, unpacked
    articles: int = 0
    quarantined: int = 0
    removed: Counter[tuple[str, str]] = field(default_factory=Counter)  # (label, rule)
    sites: Counter[str] = field(default_factory=Counter)
    sample: tuple[tuple[str, str], ...] = ()  # (label, text) of a first article's lines

    def __add__(self, other: BatchCounts) -> BatchCounts:
        return BatchCounts(
            self.documents + other.documents,
            self.bytes + other.bytes,
            self.articles + other.articles,
            self.quarantined + other.quarantined,
            self.removed + other.removed,
            self.sites + other.sites,
            self.sample or other.sample,
        )


def _counts(rows: BatchRows) -> BatchCounts:
    articles = rows.tables["articles"]
    first = articles[0]["doc_id"] if articles else None
    return BatchCounts(
        documents=len(rows.tables["documents"]),
        bytes=sum(row["bytes"] for row in rows.tables["documents"]),
        articles=len(articles),
        quarantined=len(rows.tables["quarantine"]),
        removed=rows.removed,
        sites=Counter(row["site"] for row in articles),
        sample=tuple(
            (row["label"], row["text"])
            for row in rows.tables["lines"]
            if row["doc_id"] == first and row["label"] != "blank"
        ),
    )


def clean_chunk(
    items: list[WorkItem],
    chunk_no: int,
    layout: Layout,
    load_id: str,
    part: str,
    at: datetime,
    limits: Limits,
) -> BatchCounts:
    """Clean a chunk of work items and stage its rows of every table as part ``part``, handing
    them over ``ROWS_EVERY`` items at a time: a worker holds a row group's worth of Arrow rows
    per table, however large the chunk (batches grow with the corpus, ``ingest.MAX_BATCHES``)."""
    name = f"{part}-{chunk_no:03d}"
    stagers = {table: loads.Stager(layout, load_id, table, name) for table in CLEANED_TABLES}
    counts = BatchCounts()
    records = RecordLines()
    try:
        for start in range(0, len(items), ROWS_EVERY):
            out = rows_for_items(items[start : start + ROWS_EVERY], load_id, at, limits, records)
            for table, rows in out.tables.items():
                stagers[table].add(rows)
            counts += _counts(out)
        for stager in stagers.values():
            stager.close()
    except BaseException:
        for stager in stagers.values():
            stager.abort()
        raise
    finally:
        records.close()
    return counts
