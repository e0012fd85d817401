"""Print what compaction does to a warehouse built by many small incremental loads.

    python -m benchmarks.compaction [--docs 5000] [--loads 25] [--keep DIR] [--wide-rows N]

Generates ``--docs`` pages over ``--docs / 100`` sites and ingests them with the real
``ingest`` flow in ``--loads`` incremental loads (each brings a few new pages of every site,
as an hourly crawl does); then runs the real ``maintain`` flow. Before and after, it prints
the data files and MB per table, the median time of a few queries on one read-only
connection, and the row groups DuckDB read out of those in the files (from its detailed
profile: ``EXPLAIN ANALYZE``). With ``--wide-rows N``, it then compacts N ``articles`` rows
of 1 KB bodies, written as 100 files, and prints the time and this process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from benchmarks.synthetic_pages import generate_corpus
from runtime.settings import apply_prefect_defaults

REPEATS = 5
QUERIES = {
    "one page's lines": "SELECT count(*) FROM lines WHERE doc_id = '{doc_id}'",
    "one site's articles": "SELECT count(*), sum(n_words) FROM articles WHERE site = '{site}'",
    "one site's sidebar headlines": (
        "SELECT count(DISTINCT headline_key) FROM headline_mentions WHERE site = '{site}'"
    ),
    "headlines view (whole tables)": "SELECT count(*) FROM headlines",
    "unique_articles view": "SELECT count(*) FROM unique_articles",
}


def _write_loads(inbox: Path, n_docs: int, n_loads: int) -> list[list[tuple[Path, str]]]:
    """The pages of each load: page i goes to load i % n_loads, so every load has every site."""
    sites = max(1, n_docs // 100)
    pages = generate_corpus(n_sites=sites, pages_per_site=-(-n_docs // sites), seed=3)[:n_docs]
    loads: list[list[tuple[Path, str]]] = [[] for _ in range(n_loads)]
    for i, page in enumerate(pages):
        loads[i % n_loads].append((inbox / page.site / page.name, page.text))
    return loads


def _measure(catalog: Path, doc_id: str, site: str) -> dict[str, tuple[float, str]]:
    """Per query: median milliseconds, and row groups read / in the files."""
    out: dict[str, tuple[float, str]] = {}
    with duckdb.connect(str(catalog), read_only=True) as con:
        con.execute("SET profiling_mode = 'detailed'")
        for name, template in QUERIES.items():
            sql = template.format(doc_id=doc_id, site=site)
            con.execute(sql).fetchall()  # warm the file system cache
            times = []
            for _ in range(REPEATS):
                start = time.perf_counter()
                con.execute(sql).fetchall()
                times.append((time.perf_counter() - start) * 1000)
            plan = con.execute(f"EXPLAIN (ANALYZE, FORMAT json) {sql}").fetchall()[0][1]
            query = json.loads(plan)["query"]
            groups = f"{query['total_row_groups_scanned']}/{query['total_row_groups_to_scan']}"
            out[name] = (statistics.median(times), groups)
    return out


def _files(root: Path) -> dict[str, tuple[int, float]]:
    from warehouse.layout import EMPTY_FILE, Layout, file_name
    from warehouse.loads import visible_files

    return {
        table: (
            sum(file_name(p) != EMPTY_FILE for p in paths),
            sum(Path(p).stat().st_size for p in paths) / 2**20,
        )
        for table, paths in visible_files(Layout.at(root)).items()
    }


def _wide_rows(root: Path, n_rows: int) -> str:
    """Compact ``n_rows`` articles of 1 KB bodies in 100 files; say how long it took and the
    peak RSS before and after."""
    from warehouse import compaction, loads
    from warehouse.compaction import CompactionRule
    from warehouse.layout import Layout, new_load_id, part_file
    from warehouse.maintenance import commit_maintenance
    from warehouse.parquet_files import to_table, write_atomically
    from warehouse.schemas import SCHEMAS

    layout = Layout.at(root)
    loads.initialize(layout)
    per_file = n_rows // 100
    for k in range(100):
        load_id = new_load_id()
        ids = [f"{k:03d}{i:09d}" for i in range(per_file)]
        rows = {name: ids for name in ("doc_id", "source", "title", "title_key")}
        articles = pa.table(
            rows
            | {
                "site": [f"site-{(i * 7919) % 500:03d}" for i in range(per_file)],
                "body": ["word " * 200 + i for i in ids],
                "n_words": [200] * per_file,
                "load_id": [load_id] * per_file,
            },
        ).select(SCHEMAS["articles"].names)
        write_atomically(
            layout,
            articles.cast(SCHEMAS["articles"]),
            layout.path("articles", part_file(load_id, "1")),
        )
        record = to_table("loads", [{"load_id": load_id, "lines_removed": {}}])
        write_atomically(layout, record, layout.path("loads", part_file(load_id, "load")))
    loads.refresh_catalog(layout)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    start = time.perf_counter()
    files = compaction.stored_files(layout)["articles"]
    plan = compaction.plan_compaction("articles", files, CompactionRule(128 * 2**20, 8))
    assert plan is not None
    run_id = new_load_id()
    commit_maintenance(
        layout, run_id, [compaction.compact(layout, run_id, plan)], datetime.now(UTC)
    )
    data = sum(f.data_bytes for f in files) / 2**20
    return (
        f"{n_rows:,} articles rows of 1 KB bodies ({data:,.0f} MB of data) in 100 files -> "
        f"{len(plan.groups)} files in {time.perf_counter() - start:.1f} s; peak RSS "
        f"{before} MB before, {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB after"
    )


def _incremental(work: Path, n_docs: int, n_loads: int) -> None:
    """Build the warehouse in ``n_loads`` loads, maintain it, print before and after."""
    apply_prefect_defaults()
    from flows.ingest import ingest
    from flows.maintain import maintain

    inbox, warehouse = work / "inbox", work / "wh"
    start = time.perf_counter()
    for pages in _write_loads(inbox, n_docs, n_loads):
        for path, text in pages:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        ingest(str(inbox), str(warehouse))
    built = time.perf_counter() - start
    first = next(p for p in sorted(inbox.rglob("*.txt")))
    with duckdb.connect(str(warehouse / "pagewash.duckdb"), read_only=True) as con:
        doc_id, site = con.execute(
            "SELECT doc_id, site FROM documents WHERE source = ?",
            [str(first.relative_to(inbox))],
        ).fetchall()[0]

    files_before, before = _files(warehouse), _measure(warehouse / "pagewash.duckdb", doc_id, site)
    start = time.perf_counter()
    summary = maintain(str(warehouse))
    seconds = time.perf_counter() - start
    files_after, after = _files(warehouse), _measure(warehouse / "pagewash.duckdb", doc_id, site)

    print(f"\n{n_docs:,} pages in {n_loads} incremental loads ({built:.0f} s to ingest)")
    print(f"maintain: {seconds:.1f} s ({summary.verdict})\n")
    print(f"{'table':<20}{'files before':>14}{'after':>8}{'MB before':>12}{'after':>8}")
    for table, (n, mb) in files_before.items():
        print(
            f"{table:<20}{n:>14}{files_after[table][0]:>8}{mb:>12.2f}{files_after[table][1]:>8.2f}"
        )
    print(f"\n{'query':<32}{'ms before':>10}{'after':>8}{'row groups before':>19}{'after':>8}")
    for name, (ms, groups) in before.items():
        ms_after, groups_after = after[name]
        print(f"{name:<32}{ms:>10.1f}{ms_after:>8.1f}{groups:>19}{groups_after:>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000, help="0: skip the incremental part")
    parser.add_argument("--loads", type=int, default=25)
    parser.add_argument("--keep", metavar="DIR", help="build the warehouses here and keep them")
    parser.add_argument("--wide-rows", type=int, default=0, metavar="N")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="pagewash-compaction-"))
    if args.docs:
        _incremental(work, args.docs, args.loads)
    if args.wide_rows:
        print("\n" + _wide_rows(work / "wide", args.wide_rows))


if __name__ == "__main__":
    main()
