"""Print end-to-end ingest speed on generated pages, against a read-and-write floor.

    python -m benchmarks.throughput [--docs 20000] [--batch-size 1000] [--keep DIR]

Writes ``--docs`` generated pages as files, then prints for: a full ``ingest`` run, an
incremental run with 1% new files, a no-op rerun, and the *floor* (the same bytes only read
and written to Parquet with pyarrow): wall time, documents/s, MB/s of raw input, peak RSS
(this process and its worker processes) and the Prefect task-run count.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.synthetic_pages import generate_corpus
from flows.settings import apply_prefect_defaults


def _write_pages(folder: Path, n_docs: int, seed: int) -> int:
    sites = max(1, n_docs // 200)
    written = 0
    for page in generate_corpus(sites, -(-n_docs // sites), seed)[:n_docs]:
        path = folder / page.site / f"{seed}-{page.name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        written += path.write_bytes(page.text.encode("utf-8"))
    return written


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _floor(source: Path, target: Path) -> float:
    started = time.perf_counter()
    paths = sorted(p for p in source.rglob("*") if p.is_file())
    for start in range(0, len(paths), 10_000):
        chunk = paths[start : start + 10_000]
        texts = [p.read_bytes() for p in chunk]
        table = pa.table({"source": [str(p) for p in chunk], "text": texts})
        pq.write_table(table, target / f"floor-{start}.parquet", compression="zstd")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="pagewash-bench-"))
    inbox, warehouse = work / "inbox", work / "warehouse"
    raw_bytes = _write_pages(inbox, args.docs, seed=1)
    mb = raw_bytes / 2**20
    print(f"input: {args.docs:,} pages, {mb:,.1f} MB in {inbox}")

    floor_dir = work / "floor"
    floor_dir.mkdir(exist_ok=True)
    floor = _floor(inbox, floor_dir)
    print(
        f"floor (read + write Parquet)  {floor:7.1f} s  {args.docs / floor:9,.0f} docs/s  "
        f"{mb / floor:6.1f} MB/s"
    )

    apply_prefect_defaults()
    from flows.ingest import ingest  # Prefect is imported only when the benchmark needs it

    def timed(label: str, n_docs: int) -> float:
        started = time.perf_counter()
        summary = ingest(str(inbox), str(warehouse), args.batch_size)
        took = time.perf_counter() - started
        batches = -(-(summary.ingested + summary.quarantined) // args.batch_size)
        print(
            f"{label:29} {took:7.1f} s  {n_docs / took:9,.0f} docs/s  "
            f"{mb / took if n_docs == args.docs else 0:6.1f} MB/s  peak RSS "
            f"{_peak_rss_mb():,.0f} MB  task runs {4 + batches}  "
            f"(ingested {summary.ingested:,}, skipped {summary.skipped:,})"
        )
        return took

    started = time.perf_counter()
    (work / "empty").mkdir(exist_ok=True)
    ingest(str(work / "empty"), str(work / "warm-up"))
    warm_up = time.perf_counter() - started
    print(f"Prefect start-up + first run  {warm_up:7.1f} s  (not counted below)")
    full = timed("full ingest", args.docs)
    new = max(1, args.docs // 100)
    _write_pages(inbox, new, seed=2)
    incremental = timed("incremental (+1% new files)", new)
    noop = timed("no-op rerun", 0)
    print(
        f"full / floor {full / floor:.1f}x; incremental {incremental / full:.0%} of full; "
        f"no-op {noop:.1f} s (includes Prefect's per-run overhead, not its start-up)"
    )
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
