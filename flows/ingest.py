"""The ``ingest`` flow: read SOURCE, clean every new file, publish one atomic load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from prefect import State, flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Failed

from flows.orphan_runs import watch_this_run
from flows.preflight import source_problem
from flows.run_report import IngestSummary, Stopwatch, publish_report, summarize
from flows.task_runs import in_window, task_runner
from runtime.clean_chunks import BatchCounts, clean_chunk
from runtime.discover import Discovered, WalkPart, discover_part, walk_parts
from runtime.parallel import map_chunks, pool_for_run, release_pool
from runtime.settings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_MAX_FILE_MB,
    DEFAULT_MAX_PAGE_SECONDS,
    Limits,
    warehouse_folder,
)
from runtime.sources import Source
from transforms.labeler import model_version
from warehouse import dedup, loads, site_evidence, work_plan
from warehouse.dedup import DedupCounts
from warehouse.layout import Layout, new_load_id
from warehouse.lock import writer_lock
from warehouse.rows import load_row
from warehouse.site_evidence import SiteEvidence
from warehouse.work_plan import BatchPlan

# Files per discovery task: each task reads and hashes its files on every core.
DISCOVER_BATCH = 50_000
# Clean batches per run at most (larger batches beyond): a Prefect 3.8 task run costs 8-23 ms
# on the client, and its server records only about 16 task runs a second on these machines.
MAX_BATCHES = 100


# Planning a run takes DuckDB memory in proportion to its pages (about 250 MB for 200,000
# pages, 487 MB of text); below this much text read, planning beside the idle workers stays
# far under the 1.5 GB budget, and restarting them would only cost time.
LARGE_RUN_BYTES = 128 * 2**20


@dataclass(frozen=True)
class LoadJob:
    """What every task of one load needs; picklable, since tasks may run on Dask workers.

    ``in_process``: on a Dask cluster each task cleans its pages in its own worker thread,
    with no process pool of its own. Cleaning is CPU-bound Python, so the cluster's unit of
    parallelism is the worker process (run them with one thread each, one per core: the same
    2 processes on 2 cores clean as fast as the local pool); a pool inside each Dask worker
    would multiply processes past the cores, and Dask's worker processes are daemons, which
    may not start children. The per-page time limit works in any thread (``time_limit``).
    """

    layout: Layout
    load_id: str
    at: datetime
    limits: Limits
    in_process: bool


@task(name="prepare warehouse", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def prepare_warehouse(job: LoadJob) -> None:
    """Create the warehouse if needed, clear what killed runs left, snapshot what it holds."""
    logger = get_run_logger()
    loads.initialize(job.layout)
    removed = loads.recover(job.layout)
    if removed:
        logger.warning("removed %d files left by an interrupted run", len(removed))
    stored = work_plan.snapshot_known(job.layout, job.load_id)
    logger.info("the warehouse holds %d source paths", stored)


@task(
    name="discover files",
    task_run_name="discover files {part.number}",
    cache_policy=NO_CACHE,
)
def discover_files(job: LoadJob, source: Source, part: WalkPart) -> Discovered:
    """Read and hash the new or changed files of a part of the walk, and count those skipped
    unread (``runtime.discover.discover_part``)."""
    found = discover_part(
        job.layout, job.load_id, source, part, job.limits.max_bytes, job.in_process
    )
    get_run_logger().info(
        "discovery part %d: %d files, %d unchanged since stored",
        part.number,
        found.files,
        found.skipped,
    )
    return found


@task(name="plan batches", cache_policy=NO_CACHE)
def plan_batches(job: LoadJob, batch_size: int) -> BatchPlan:
    """Match what discovery found against the warehouse, in DuckDB, and cut it into batches."""
    found = work_plan.plan_batches(job.layout, job.load_id, job.at, batch_size, MAX_BATCHES)
    get_run_logger().info(
        "%d new or changed pages (%d already stored, %d unreadable) in %d batches",
        found.items,
        found.skipped,
        found.unreadable,
        found.batches,
    )
    return found


@task(
    name="clean batch",
    task_run_name="clean batch {batch_no}/{n_batches}",
    cache_policy=NO_CACHE,
)
def clean_batch(job: LoadJob, batch_no: int, n_batches: int) -> BatchCounts:
    """Clean one batch of the plan on every core and stage its rows as Parquet."""
    items = work_plan.batch_items(job.layout, job.load_id, batch_no)
    parts = map_chunks(
        clean_chunk,
        items,
        job.layout,
        job.load_id,
        f"{batch_no:06d}",
        job.at,
        job.limits,
        in_process=job.in_process,
    )
    counts = sum(parts, BatchCounts())
    get_run_logger().info(
        "batch %d/%d: %d files stored, %d articles, %d quarantined",
        batch_no,
        n_batches,
        counts.documents,
        counts.articles,
        counts.quarantined,
    )
    return counts


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


@task(name="find site boilerplate", cache_policy=NO_CACHE)
def find_site_boilerplate(layout: Layout, load_id: str, changed: bool) -> SiteEvidence | None:
    """Count the paragraphs that recur over the sites this load touched, over the whole
    warehouse, and refine the bodies they change (after ``find duplicates``); a load that
    stored no new article or version changes no site's evidence."""
    if not changed:
        return None
    found = site_evidence.find_site_boilerplate(layout, load_id)
    get_run_logger().info(
        "site evidence counted again for %d sites: %d boilerplate paragraphs known, "
        "%d articles refined",
        found.sites,
        found.boilerplate,
        found.refined,
    )
    return found


@task(name="match final bodies", cache_policy=NO_CACHE)
def match_final_bodies(layout: Layout, load_id: str, changed: bool) -> DedupCounts | None:
    """Match the bodies site evidence changed this load against every stored body and rebuild
    ``duplicates`` (after ``find site boilerplate``); a load that stored nothing new changes
    no body."""
    counts = dedup.match_final_bodies(layout, load_id) if changed else None
    if counts is None:
        return None
    get_run_logger().info(
        "%d new near-duplicate body pairs after site evidence; %d articles are copies of another",
        counts.new_pairs,
        counts.duplicates,
    )
    return counts


@task(name="publish load", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def publish_load(layout: Layout, summary: IngestSummary, started_at: datetime) -> None:
    """Move the staged files into place and record the load: the run's commit point."""
    work_plan.remember_known(layout, summary.load_id)
    record = load_row(
        summary.load_id,
        summary.source,
        started_at,
        datetime.now(UTC),
        model_version(),
        summary.counts(),
    )
    loads.publish(layout, summary.load_id, record)


@flow(name="ingest", log_prints=True)
def ingest(
    source: str,
    warehouse: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_file_mb: float = DEFAULT_MAX_FILE_MB,
    max_page_seconds: float = DEFAULT_MAX_PAGE_SECONDS,
    dask_address: str | None = None,
) -> IngestSummary | State:
    """Ingest every page under ``source`` (.txt, .html, .htm, JSON Lines; optionally .gz)
    into the warehouse as one load; with ``dask_address``, discover and clean on that Dask
    cluster."""
    watch_this_run(flow_run.id)  # a killed run is marked Crashed (flows.orphan_runs)
    logger = get_run_logger()
    if (problem := source_problem(source)) is not None:
        # one line and a Failed run (a deployed tick on a missing inbox), not a traceback
        logger.error(problem)
        return Failed(message=problem)
    pages = Source.at(source)
    layout = Layout.at(warehouse_folder(warehouse))
    started_at = datetime.now(UTC)
    job = LoadJob(
        layout,
        new_load_id(started_at),
        started_at,
        Limits(int(max_file_mb * 2**20), max_page_seconds),
        in_process=dask_address is not None,
    )
    clock = Stopwatch()
    with writer_lock(layout), pool_for_run(), task_runner(dask_address) as runner:
        prepare_warehouse(job)
        clock.lap("prepare warehouse")
        parts = walk_parts(pages, DISCOVER_BATCH)
        discovered = list(
            in_window(
                runner,
                discover_files,
                ({"job": job, "source": pages, "part": part} for part in parts),
            )
        )
        # The pool lives only while a stage maps work over it: the DuckDB stages (planning
        # here, duplicates and site evidence after cleaning) run in this process, and idle
        # workers beside them made a 200,000-page run's peak (runtime.parallel.release_pool).
        # Starting the workers again for cleaning costs ~3 s of CPU (their imports): worth it
        # before planning a large run only.
        if sum(d.read_bytes for d in discovered) >= LARGE_RUN_BYTES:
            release_pool()
        clock.lap("discover files")
        plan = plan_batches(job, max(1, batch_size))
        clock.lap("plan batches")
        batches = range(1, plan.batches + 1)
        totals = sum(
            in_window(
                runner,
                clean_batch,
                ({"job": job, "batch_no": n, "n_batches": plan.batches} for n in batches),
            ),
            BatchCounts(),
        )
        release_pool()
        clock.lap(f"clean {plan.batches} batches")
        changed = totals.documents > 0  # a load that stored nothing new changes no cluster
        counts = find_duplicates(layout, job.load_id, changed)
        clock.lap("find duplicates")
        evidence = find_site_boilerplate(layout, job.load_id, changed)
        clock.lap("find site boilerplate")
        final = match_final_bodies(layout, job.load_id, changed)
        clock.lap("match final bodies")
        summary = summarize(
            job.load_id, pages.url, layout.url, discovered, plan, totals, counts, final
        )
        publish_load(layout, summary, started_at)
        clock.lap("publish load")
    publish_report(summary, clock.seconds, totals, evidence)
    return summary
