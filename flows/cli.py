"""The ``pagewash`` command: ``run`` a load, ``maintain`` or ``query`` the warehouse."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from flows.output_formats import FORMATS, RENDERERS
from flows.prefect_api import start_embedded_server, unreachable_reason
from runtime.settings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_MAX_FILE_MB,
    DEFAULT_MAX_PAGE_SECONDS,
    DEFAULT_PRUNE_RUNS_DAYS,
    apply_prefect_defaults,
    serve_from_here,
    warehouse_folder,
)

EXIT_USAGE = 2
DEFAULT_CRON = "0 * * * *"
EXIT_FAILED = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pagewash",
        description="Clean scraped web pages into Parquet tables you query with DuckDB.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    warehouse_help = "warehouse folder (default: $PAGEWASH_WAREHOUSE or ./data/warehouse)"

    run = commands.add_parser(
        "run", help="ingest every .txt/.html/.htm/.jsonl file (or .gz of one) under SOURCE"
    )
    run.add_argument(
        "source",
        metavar="SOURCE",
        help="folder of scraped pages (searched recursively), a glob, or an fsspec URL "
        "such as s3://bucket/prefix/",
    )
    run.add_argument("--warehouse", metavar="DIR", help=warehouse_help)
    run.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        metavar="N",
        help=f"documents per Prefect task (default: {DEFAULT_BATCH_SIZE})",
    )
    run.add_argument(
        "--max-file-mb",
        type=float,
        default=DEFAULT_MAX_FILE_MB,
        metavar="MB",
        help=f"quarantine larger files unread (default: {DEFAULT_MAX_FILE_MB})",
    )
    run.add_argument(
        "--max-page-seconds",
        type=float,
        default=DEFAULT_MAX_PAGE_SECONDS,
        metavar="S",
        help=f"quarantine pages that take longer to clean (default: {DEFAULT_MAX_PAGE_SECONDS:g})",
    )
    run.add_argument(
        "--dask-address",
        metavar="ADDRESS",
        help="discover and clean on this Dask scheduler (tcp://host:8786); needs PREFECT_API_URL",
    )

    serve = commands.add_parser(
        "serve", help="run `ingest` on SOURCE on a schedule, in this process (Prefect serve)"
    )
    serve.add_argument("source", metavar="SOURCE")
    serve.add_argument("--warehouse", metavar="DIR", help=warehouse_help)
    when = serve.add_mutually_exclusive_group()
    when.add_argument("--cron", metavar="EXPR", help=f'cron schedule (default: "{DEFAULT_CRON}")')
    when.add_argument("--every", type=float, metavar="SECONDS", help="run at this interval")
    serve.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        metavar="N",
        help=f"documents per Prefect task (default: {DEFAULT_BATCH_SIZE})",
    )

    maintain = commands.add_parser(
        "maintain", help="compact small Parquet files and refresh the derived tables"
    )
    maintain.add_argument("--warehouse", metavar="DIR", help=warehouse_help)
    maintain.add_argument(
        "--prune-runs",
        type=float,
        default=DEFAULT_PRUNE_RUNS_DAYS,
        metavar="DAYS",
        help="delete this project's finished Prefect flow runs (and their artifacts) due over "
        f"DAYS ago (default: {DEFAULT_PRUNE_RUNS_DAYS:g}; 0 keeps them all)",
    )

    query = commands.add_parser("query", help="run read-only DuckDB SQL over the warehouse tables")
    query.add_argument("sql", metavar="SQL")
    query.add_argument("--warehouse", metavar="DIR", help=warehouse_help)
    query.add_argument("--format", choices=FORMATS, default="table")
    return parser


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    print(f"pagewash: error: {message}", file=sys.stderr)
    return code


def _prefect_problem() -> str | None:
    """Why Prefect cannot be used now (a PREFECT_API_URL that does not answer, an embedded
    server that does not start), else None after setting the embedded server's defaults and,
    with no PREFECT_API_URL, starting it; call before importing Prefect."""
    api_url = os.environ.get("PREFECT_API_URL")
    if api_url and (reason := unreachable_reason(api_url)):
        return reason
    apply_prefect_defaults()
    if not api_url:
        try:
            start_embedded_server()
        except RuntimeError as err:  # it did not answer within its start-up timeout
            return f"Prefect's embedded server did not start: {err}"
    return None


def _run(args: argparse.Namespace) -> int:
    from flows.preflight import source_problem, writer_problem

    if (problem := source_problem(args.source)) is not None:
        return _fail(problem, EXIT_USAGE)
    if args.batch_size < 1 or args.max_file_mb <= 0 or args.max_page_seconds <= 0:
        return _fail(
            "--batch-size, --max-file-mb and --max-page-seconds must be positive", EXIT_USAGE
        )
    if args.dask_address and not os.environ.get("PREFECT_API_URL"):
        # an embedded server lives in this process only: each Dask worker would start its own
        return _fail("--dask-address needs a Prefect server: set PREFECT_API_URL", EXIT_USAGE)
    warehouse = warehouse_folder(args.warehouse)
    if (problem := writer_problem(warehouse) or _prefect_problem()) is not None:
        return _fail(problem)
    from flows.ingest import ingest  # imported late: Prefect takes seconds to import
    from flows.run_report import IngestSummary
    from warehouse.lock import WarehouseBusy

    try:
        summary = ingest(
            args.source,
            warehouse,
            args.batch_size,
            args.max_file_mb,
            args.max_page_seconds,
            dask_address=args.dask_address,
        )
    except WarehouseBusy as err:  # another run took the lock since the check above
        return _fail(str(err))
    if not isinstance(summary, IngestSummary):  # the flow failed (its source went away)
        return _fail(summary.message or "the ingest run failed")
    removed = ", ".join(f"{label} {n}" for label, n in summary.lines_removed.items()) or "none"
    print(
        f"\nload {summary.load_id} into {summary.warehouse}\n"
        f"  files seen   {summary.files_seen}\n"
        f"  ingested     {summary.ingested} ({summary.articles} new articles)\n"
        f"  skipped      {summary.skipped} (already stored)\n"
        f"  quarantined  {summary.quarantined}\n"
        f"  duplicates   {summary.duplicates} articles are copies of another "
        f"({summary.new_pairs} new near-duplicate pairs)\n"
        f"  lines removed by kind: {removed}"
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from flows.preflight import source_problem
    from runtime.sources import Source
    from warehouse.layout import Layout

    if (problem := source_problem(args.source)) is not None:
        return _fail(problem, EXIT_USAGE)
    if (args.every is not None and args.every <= 0) or args.batch_size < 1:
        return _fail("--every and --batch-size must be positive", EXIT_USAGE)
    source = Source.at(args.source).url
    warehouse = Layout.at(warehouse_folder(args.warehouse)).url
    if (problem := _prefect_problem()) is not None:
        return _fail(problem)
    from flows.ingest import ingest

    parameters = {"source": source, "warehouse": warehouse, "batch_size": args.batch_size}
    schedule = {"interval": args.every} if args.every else {"cron": args.cron or DEFAULT_CRON}
    serve_from_here()  # each flow run exits when this process is gone (runtime.lifeline)
    # one run at a time: a tick that comes while a run is still going waits for it
    ingest.serve(name="pagewash-serve", parameters=parameters, global_limit=1, **schedule)
    return 0


def _maintain(args: argparse.Namespace) -> int:
    from flows.preflight import writer_problem

    if args.prune_runs < 0:
        return _fail("--prune-runs must be 0 or more days", EXIT_USAGE)
    warehouse = warehouse_folder(args.warehouse)
    if (problem := writer_problem(warehouse) or _prefect_problem()) is not None:
        return _fail(problem)
    from flows.maintain import maintain
    from warehouse.lock import WarehouseBusy

    try:
        summary = maintain(warehouse, prune_runs_days=args.prune_runs)
    except WarehouseBusy as err:  # another run took the lock since the check above
        return _fail(str(err))
    print(f"\nmaintenance {summary.run_id} of {summary.warehouse}: {summary.verdict}")
    for t in summary.tables:
        print(f"  {t.table:<18} {t.files_before:>5} -> {t.files_after:<5} files  {t.action}")
    print(f"Prefect server: {summary.pruned}")
    return 0


def _query(args: argparse.Namespace) -> int:
    from warehouse.layout import Layout
    from warehouse.query import QueryError, run_query

    try:
        result = run_query(Layout.at(warehouse_folder(args.warehouse)), args.sql)
    except QueryError as err:
        return _fail(str(err))
    print(RENDERERS[args.format](result.columns, result.rows))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {"run": _run, "serve": _serve, "maintain": _maintain, "query": _query}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
