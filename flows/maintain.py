"""The ``maintain`` flow: compact small Parquet files and refresh derived tables, as one commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

from flows.maintain_report import MaintenanceSummary, summary_markdown, table_reports, verdict
from flows.prune_runs import Pruned, prune_flow_runs
from flows.run_report import Stopwatch
from runtime.settings import (
    DEFAULT_MIN_SMALL_FILES,
    DEFAULT_PRUNE_RUNS_DAYS,
    DEFAULT_TARGET_FILE_MB,
    warehouse_folder,
)
from warehouse import compaction, derived, loads
from warehouse.compaction import Compaction, CompactionRule, StoredFile
from warehouse.layout import Layout, new_load_id
from warehouse.lock import writer_lock
from warehouse.maintenance import Rewrite, commit_maintenance


@task(name="recover warehouse", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def recover_warehouse(layout: Layout) -> None:
    """Create the warehouse if needed, clear what killed runs left, delete replaced files."""
    loads.initialize(layout)
    removed = loads.recover(layout)
    if removed:
        get_run_logger().warning("removed %d files left by an interrupted run", len(removed))


@task(name="refresh derived tables", cache_policy=NO_CACHE)
def refresh_derived(layout: Layout, run_id: str) -> list[Rewrite]:
    """Rebuild the derived tables from all history; keep those the stored ones differ from."""
    refreshed = derived.refresh_derived(layout, run_id)
    for rewrite in refreshed:
        get_run_logger().warning(
            "%s was stale or incomplete: rebuilt, %d rows", rewrite.table_name, rewrite.rows
        )
    if not refreshed:
        get_run_logger().info("the derived tables are up to date")
    return refreshed


@task(name="list table files", cache_policy=NO_CACHE)
def list_table_files(layout: Layout) -> dict[str, tuple[StoredFile, ...]]:
    stored = compaction.stored_files(layout)
    get_run_logger().info("%d data files in %d tables", sum(map(len, stored.values())), len(stored))
    return stored


@task(name="compact table", task_run_name="compact {plan.table}", cache_policy=NO_CACHE)
def compact_table(layout: Layout, run_id: str, plan: Compaction) -> Rewrite:
    """Merge a table's small files into one sorted file, staged until the commit."""
    rewrite = compaction.compact(layout, run_id, plan)
    get_run_logger().info(
        "%s: %d small files (%d rows, %.2f MB) merged into %d of %.2f MB",
        plan.table,
        len(plan.merged),
        rewrite.rows,
        rewrite.bytes_before / 2**20,
        len(plan.groups),
        rewrite.bytes_after / 2**20,
    )
    return rewrite


@task(name="commit maintenance", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def commit(layout: Layout, run_id: str, rewrites: Sequence[Rewrite]) -> None:
    """Move the staged files into place and record the run: its commit point."""
    commit_maintenance(layout, run_id, rewrites, datetime.now(UTC))


@task(name="prune flow runs", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def prune_runs(days: float, keep: UUID | None) -> Pruned:
    """Delete this project's finished flow runs older than ``days``, and their artifacts."""
    pruned = prune_flow_runs(days, keep)
    get_run_logger().info("Prefect server: %s", pruned.describe())
    return pruned


def _table_seconds(rewrites: Sequence[Rewrite], laps: Mapping[str, float]) -> dict[str, float]:
    """Seconds per rewritten table: a compacted table's own lap; a refreshed one the whole
    refresh's, since one task rebuilds them all."""
    refresh = laps.get("refresh derived tables", 0.0)
    return {r.table_name: laps.get(r.table_name, refresh) for r in rewrites}


@flow(name="maintain", log_prints=True)
def maintain(
    warehouse: str | None = None,
    target_file_mb: float = DEFAULT_TARGET_FILE_MB,
    min_small_files: int = DEFAULT_MIN_SMALL_FILES,
    prune_runs_days: float = DEFAULT_PRUNE_RUNS_DAYS,
) -> MaintenanceSummary:
    """Merge the small files (under ``target_file_mb`` of data) of each table that has at
    least ``min_small_files`` of them into files of about that size, and rebuild the derived
    tables, as one atomic commit; then delete this project's finished flow runs (and their
    artifacts) due more than ``prune_runs_days`` ago (0: none)."""
    logger = get_run_logger()
    layout = Layout.at(warehouse_folder(warehouse))
    rule = CompactionRule(int(target_file_mb * 2**20), min_small_files)
    run_id = new_load_id()
    with writer_lock(layout):
        recover_warehouse(layout)
        clock = Stopwatch()
        # first: the rebuild reads the run's staged tables as new rows, so nothing else is staged
        rewrites = list(refresh_derived(layout, run_id))
        clock.lap("refresh derived tables")
        stored = list_table_files(layout)
        clock.lap("list table files")
        for table, files in stored.items():
            if plan := compaction.plan_compaction(table, files, rule):
                rewrites.append(compact_table(layout, run_id, plan))
                clock.lap(table)  # with the planning before it: pure, microseconds
        if rewrites:
            commit(layout, run_id, rewrites)
        else:
            loads.discard_staged(layout, run_id)
    # after the commit: the warehouse never waits on the Prefect server
    context = FlowRunContext.get()
    pruned = prune_runs(
        prune_runs_days, context.flow_run.id if context and context.flow_run else None
    )
    summary = MaintenanceSummary(
        run_id,
        layout.url,
        bool(rewrites),
        verdict(rewrites, f"{min_small_files} files under {target_file_mb:g} MB"),
        table_reports(stored, rewrites, _table_seconds(rewrites, clock.seconds)),
        pruned.describe(),
    )
    create_markdown_artifact(
        summary_markdown(summary),
        key="maintenance-summary",
        description=f"pagewash maintenance {run_id}",
    )
    logger.info("maintenance %s: %s", run_id, summary.verdict)
    return summary
