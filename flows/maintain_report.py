"""What a maintenance run reports: per table, files, rows and bytes before and after."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from warehouse.compaction import StoredFile
from warehouse.maintenance import Rewrite


@dataclass(frozen=True)
class TableReport:
    """One table before and after a maintenance run."""

    table: str
    action: str  # "compact", "refresh" or "none"
    files_before: int
    files_after: int
    rows: int  # in the table (unchanged by a compaction)
    bytes_before: int
    bytes_after: int
    seconds: float


@dataclass(frozen=True)
class MaintenanceSummary:
    """What one maintenance run did; printed by the CLI, shown in the UI."""

    run_id: str
    warehouse: str
    committed: bool  # False: nothing needed rewriting, the warehouse is as it was
    verdict: str  # what it did, in one line
    tables: tuple[TableReport, ...]
    pruned: str = ""  # what it deleted from the Prefect server (flows.prune_runs)


def table_reports(
    stored: Mapping[str, Sequence[StoredFile]],
    rewrites: Sequence[Rewrite],
    seconds: Mapping[str, float],
) -> tuple[TableReport, ...]:
    """A report per table: each append table (``stored``: its files before the run) whole,
    and each refreshed derived table."""
    by_table = {r.table_name: r for r in rewrites}
    reports = []
    for table, files in stored.items():
        size, rows = sum(f.bytes for f in files), sum(f.rows for f in files)
        r = by_table.pop(table, None)
        after = (r.files_after, size - r.bytes_before + r.bytes_after) if r else (len(files), size)
        action = r.action if r else "none"
        reports.append(
            TableReport(
                table, action, len(files), after[0], rows, size, after[1], seconds.get(table, 0)
            )
        )
    reports.extend(
        TableReport(
            r.table_name,
            r.action,
            r.files_before,
            r.files_after,
            r.rows,
            r.bytes_before,
            r.bytes_after,
            seconds.get(r.table_name, 0),
        )
        for r in by_table.values()
    )
    return tuple(reports)


def verdict(rewrites: Sequence[Rewrite], rule: str) -> str:
    """What a run did, in one line; ``rule`` says when a table would have been compacted."""
    compacted = [r for r in rewrites if r.action == "compact"]
    if compacted:
        merged = sum(len(r.replaced) for r in compacted)
        written = sum(r.files_after - r.files_before + len(r.replaced) for r in compacted)
        tables = f"{len(compacted)} table" + ("s" if len(compacted) > 1 else "")
        done = f"compacted {tables}: {merged} small files into {written}"
    else:
        done = f"nothing to compact (no table has {rule} to merge)"
    refreshed = [r.table_name for r in rewrites if r.action == "refresh"]
    if refreshed:
        return done + "; rebuilt: " + ", ".join(refreshed)
    return done + "; derived tables up to date"


def _mb(n: int) -> str:
    return f"{n / 2**20:.2f}"


def summary_markdown(summary: MaintenanceSummary) -> str:
    """The run's summary: what it did, then a table of files, rows and bytes per table."""
    return "\n".join(
        [
            f"# pagewash maintenance `{summary.run_id}`",
            f"Warehouse `{summary.warehouse}`: {summary.verdict}.",
            "",
            *([f"Prefect server: {summary.pruned}.", ""] if summary.pruned else []),
            "| table | action | files before | files after | rows | MB before | MB after "
            "| seconds |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
            *(
                f"| {t.table} | {t.action} | {t.files_before} | {t.files_after} | {t.rows} "
                f"| {_mb(t.bytes_before)} | {_mb(t.bytes_after)} | {t.seconds:.2f} |"
                for t in summary.tables
            ),
            "",
            "Files and MB count the data files the catalog names. Replaced files are deleted "
            "when the next run starts, so readers holding the previous catalog keep working "
            "until then.",
        ]
    )
