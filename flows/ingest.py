"""The ``ingest`` flow: read SOURCE, clean every new file, publish one atomic load."""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from flows.batch_rows import BatchRows, rows_for_items
from flows.discover import Discovery, WorkItem, discover
from flows.parallel import map_chunks
from flows.run_report import IngestSummary, removed_table, summary_markdown
from flows.settings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_MAX_FILE_MB,
    DEFAULT_MAX_PAGE_SECONDS,
    Limits,
    warehouse_folder,
)
from warehouse import dedup, loads
from warehouse.dedup import DedupCounts
from warehouse.known import KnownState, known_state
from warehouse.layout import Layout, new_load_id
from warehouse.lock import writer_lock

# Batches cleaned at once: bounds memory while keeping every core busy.
BATCHES_IN_FLIGHT = 3


@dataclass(frozen=True)
class BatchCounts:
    documents: int
    articles: int
    quarantined: int
    removed: Counter[str]
    sites: Counter[str]
    sample: tuple[tuple[str, str], ...]  # (label, text) of the batch's first non-blank lines


@task(name="prepare warehouse", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def prepare_warehouse(layout: Layout) -> KnownState:
    """Create the warehouse if needed, clear what killed runs left, read what it holds."""
    logger = get_run_logger()
    loads.initialize(layout)
    removed = loads.recover(layout)
    if removed:
        logger.warning("removed %d files left by an interrupted run", len(removed))
    return known_state(layout)


@task(name="discover files", cache_policy=NO_CACHE)
def discover_files(source: Path, known: KnownState, max_bytes: int) -> Discovery:
    found = discover(source, known, max_bytes)
    new_files = sum(len(item.files) for item in found.items)
    get_run_logger().info(
        "found %d files under %s: %d new or changed, %d already stored, %d unreadable",
        found.files_seen,
        source,
        new_files,
        found.skipped,
        len(found.unreadable),
    )
    return found


@task(
    name="clean batch",
    task_run_name="clean batch {batch_no}/{n_batches}",
    cache_policy=NO_CACHE,
)
def clean_batch(
    layout: Layout,
    load_id: str,
    at: datetime,
    limits: Limits,
    items: list[WorkItem],
    batch_no: int,
    n_batches: int,
) -> BatchCounts:
    """Clean a batch of work items on every core and stage its rows as Parquet."""
    rows = BatchRows()
    for part in map_chunks(rows_for_items, items, load_id, at, limits):
        rows.extend(part)
    for table, table_rows in rows.tables.items():
        loads.stage(layout, load_id, table, f"{batch_no:06d}", table_rows)
    articles = rows.tables["articles"]
    first = articles[0]["doc_id"] if articles else None
    counts = BatchCounts(
        documents=len(rows.tables["documents"]),
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
    get_run_logger().info(
        "batch %d/%d: %d files stored, %d articles, %d quarantined",
        batch_no,
        n_batches,
        counts.documents,
        counts.articles,
        counts.quarantined,
    )
    return counts


@task(name="quarantine unreadable files", cache_policy=NO_CACHE)
def stage_unreadable(layout: Layout, load_id: str, at: datetime, found: Discovery) -> int:
    rows = [
        {
            "source": u.relative,
            "content_hash": None,
            "reason": u.reason,
            "detail": u.detail,
            "quarantined_at": at,
            "load_id": load_id,
        }
        for u in found.unreadable
    ]
    return loads.stage(layout, load_id, "quarantine", "unreadable", rows)


@task(name="find duplicates", cache_policy=NO_CACHE)
def find_duplicates(layout: Layout, load_id: str, changed: bool) -> DedupCounts:
    """Match this load's articles against every stored one and rebuild ``duplicates``; a load
    that stored no new article or version changes no cluster and only counts them."""
    if not changed:
        return DedupCounts(0, dedup.stored_duplicates(layout))
    counts = dedup.find_duplicates(layout, load_id)
    get_run_logger().info(
        "%d new near-duplicate body pairs; %d articles are copies of another",
        counts.new_pairs,
        counts.duplicates,
    )
    return counts


@task(name="publish load", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def publish_load(layout: Layout, summary: IngestSummary, started_at: datetime) -> None:
    """Move the staged files into place and record the load: the run's commit point."""
    row = asdict(summary)
    row.pop("warehouse")
    row.update(started_at=started_at, finished_at=datetime.now(UTC))
    loads.publish(layout, summary.load_id, row)


def _batches(items: tuple[WorkItem, ...], size: int) -> list[list[WorkItem]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


@flow(name="ingest", log_prints=True)
def ingest(
    source: str,
    warehouse: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_file_mb: float = DEFAULT_MAX_FILE_MB,
    max_page_seconds: float = DEFAULT_MAX_PAGE_SECONDS,
) -> IngestSummary:
    """Ingest every page under ``source`` (.txt, .html, .htm, JSON Lines; optionally .gz)
    into the warehouse as one load."""
    logger = get_run_logger()
    limits = Limits(int(max_file_mb * 2**20), max_page_seconds)
    source_path = Path(source).expanduser().resolve()
    if not source_path.is_dir():
        raise FileNotFoundError(f"SOURCE {source} is not a folder")
    layout = Layout.at(warehouse_folder(warehouse))
    started_at = datetime.now(UTC)
    summary = IngestSummary(new_load_id(started_at), str(source_path), str(layout.root))
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = now - clock
        clock = now

    sites: Counter[str] = Counter()
    sample: tuple[tuple[str, str], ...] = ()
    with writer_lock(layout):
        known = prepare_warehouse(layout)
        lap("prepare warehouse")
        # quote(): large collections that Prefect would otherwise walk item by item (seconds)
        found = discover_files(source_path, quote(known), limits.max_bytes)
        lap("discover files")
        summary.files_seen, summary.skipped = found.files_seen, found.skipped
        summary.quarantined = stage_unreadable(layout, summary.load_id, started_at, quote(found))
        batches = _batches(found.items, max(1, batch_size))
        removed: Counter[str] = Counter()
        in_flight: deque[PrefectFuture[BatchCounts]] = deque()

        def collect(future: PrefectFuture[BatchCounts]) -> None:
            nonlocal sample
            counts = future.result()
            summary.ingested += counts.documents
            summary.articles += counts.articles
            summary.quarantined += counts.quarantined
            removed.update(counts.removed)
            sites.update(counts.sites)
            sample = sample or counts.sample

        for batch_no, batch in enumerate(batches, start=1):
            if len(in_flight) >= BATCHES_IN_FLIGHT:  # a sliding window bounds memory
                collect(in_flight.popleft())
            in_flight.append(
                clean_batch.submit(
                    layout,
                    summary.load_id,
                    started_at,
                    limits,
                    quote(batch),
                    batch_no,
                    len(batches),
                )
            )
        while in_flight:
            collect(in_flight.popleft())
        lap(f"clean {len(batches)} batches")
        counts = find_duplicates(layout, summary.load_id, changed=summary.ingested > 0)
        summary.new_pairs, summary.duplicates = counts.new_pairs, counts.duplicates
        lap("find duplicates")
        summary.lines_removed = dict(sorted(removed.items()))
        publish_load(layout, summary, started_at)
        lap("publish load")
    create_markdown_artifact(
        summary_markdown(summary, seconds, sites, sample),
        key="ingest-summary",
        description=f"pagewash load {summary.load_id}",
    )
    create_table_artifact(
        removed_table(summary.lines_removed),
        key="lines-removed",
        description="lines removed from article bodies, by label",
    )
    logger.info(
        "load %s: %d files seen, %d ingested, %d skipped, %d quarantined, %d new articles",
        summary.load_id,
        summary.files_seen,
        summary.ingested,
        summary.skipped,
        summary.quarantined,
        summary.articles,
    )
    return summary
