"""Print end-to-end ingest speed on generated pages, against a read-and-write floor.

    python -m benchmarks.throughput [--docs 20000] [--batch-size 1000] [--keep DIR]
                                    [--shard-mb 512] [--no-jsonl | --no-files]

Writes ``--docs`` generated pages as files, and the same pages as JSON Lines shards of
``--shard-mb`` each; then prints for each input a full ``ingest`` run, and for files also an
incremental run with 1% new files and a no-op rerun, against the *floor* (the same bytes only
read and written to Parquet with pyarrow): wall time, documents/s, MB/s of raw input, peak RSS
of the flow process, of its worker processes (together) and of both, seconds per stage and
the Prefect task-run count (both from the Prefect API), and the machine's load average; last,
JSON Lines beside files: wall time and peak summed RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.synthetic_pages import iter_corpus
from runtime.settings import apply_prefect_defaults

DEFAULT_SHARD_MB = 512  # corpora for language models come in shards of 0.1-few GB
FLOOR_CHUNK = 10_000
SAMPLE_SECONDS = 0.2
API_PAGE = 200  # the most task runs the API returns at once


def _pages(n_docs: int, seed: int) -> Iterator[tuple[str, str, str]]:
    """``(site, name, text)`` of ``n_docs`` generated pages, 200 per site."""
    sites = max(1, n_docs // 200)
    for i, page in enumerate(iter_corpus(sites, -(-n_docs // sites), seed)):
        if i == n_docs:
            return
        yield page.site, f"{seed}-{page.name}", page.text


def _write_files(folder: Path, n_docs: int, seed: int) -> int:
    written = 0
    for site, name, text in _pages(n_docs, seed):
        path = folder / site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        written += path.write_bytes(text.encode("utf-8"))
    return written


def _write_jsonl(folder: Path, n_docs: int, seed: int, shard_mb: float) -> int:
    """The same pages as JSON Lines shards of about ``shard_mb`` each; returns the bytes of
    page text written (as for files)."""
    folder.mkdir(parents=True, exist_ok=True)
    pages, written = iter(_pages(n_docs, seed)), 0
    for part in itertools.count():
        with open(folder / f"{seed}-{part:05d}.jsonl", "w", encoding="utf-8") as out:
            for site, name, text in pages:
                record = {
                    "id": f"{site}/{name}",
                    "url": f"https://{site}.example/{name}",
                    "text": text,
                }
                out.write(json.dumps(record) + "\n")
                written += len(text.encode("utf-8"))
                if out.tell() >= shard_mb * 2**20:
                    break
            else:
                return written
    return written


def _floor(source: Path, target: Path) -> float:
    """Seconds to read every page under ``source`` and write them to Parquet, with pyarrow."""
    target.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    paths = sorted(p for p in source.rglob("*") if p.is_file())
    texts: list[str] = []
    part = 0

    def flush() -> None:
        nonlocal part, texts
        pq.write_table(pa.table({"text": texts}), target / f"{part}.parquet", compression="zstd")
        part, texts = part + 1, []

    for path in paths:
        if path.suffix == ".jsonl":
            with open(path, encoding="utf-8") as lines:
                for line in lines:
                    texts.append(json.loads(line)["text"])
                    if len(texts) >= FLOOR_CHUNK:
                        flush()
        else:
            texts.append(path.read_bytes().decode("utf-8"))
        if len(texts) >= FLOOR_CHUNK:
            flush()
    if texts:
        flush()
    return time.perf_counter() - started


@dataclass
class PeakRss:
    """Peak resident memory, in MB, sampled every ``SAMPLE_SECONDS``."""

    flow: float = 0.0  # this process, which runs the flow
    workers: float = 0.0  # its pool worker processes, together
    total: float = 0.0  # both (not Prefect's own server, which is a child too)


@contextmanager
def _sampled_rss() -> Iterator[PeakRss]:
    peak, done = PeakRss(), threading.Event()
    me = psutil.Process()

    def sample() -> None:
        while not done.is_set():
            flow, workers = me.memory_info().rss, 0
            for child in me.children(recursive=True):
                try:
                    if "spawn_main" in " ".join(child.cmdline()):
                        workers += child.memory_info().rss
                except psutil.Error:  # it ended meanwhile
                    continue
            peak.flow = max(peak.flow, flow / 2**20)
            peak.workers = max(peak.workers, workers / 2**20)
            peak.total = max(peak.total, (flow + workers) / 2**20)
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()


def _task_runs(flow_run_id: Any) -> list[Any]:
    """The flow run's task runs from the Prefect API, once their count stops growing (the
    server records them shortly after they finish)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async def read() -> list[Any]:
        async with get_client() as client:
            runs = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            found: list[Any] = []
            while page := await client.read_task_runs(
                flow_run_filter=runs, limit=API_PAGE, offset=len(found)
            ):
                found.extend(page)
            return found

    runs, deadline = asyncio.run(read()), time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(1)
        again = asyncio.run(read())
        if len(again) == len(runs) and all(r.end_time for r in again):
            return again
        runs = again
    return runs


def _stages(task_runs: list[Any]) -> str:
    """Wall seconds per stage: first start to last end of the task runs of that name."""
    spans: dict[str, tuple[float, float]] = {}
    for run in task_runs:
        if run.start_time is None or run.end_time is None:
            continue
        stage = re.sub(r"[- ][0-9a-f/]+$", "", run.name)
        start, end = run.start_time.timestamp(), run.end_time.timestamp()
        low, high = spans.get(stage, (start, end))
        spans[stage] = (min(low, start), max(high, end))
    ordered = sorted(spans.items(), key=lambda item: item[1][0])
    return ", ".join(f"{stage} {end - start:.1f}" for stage, (start, end) in ordered)


def _files_mode(n_docs: int, inbox: Path, work: Path, mb: float, timed: Any) -> None:
    floor = _floor(inbox, work / "floor")
    print(
        f"floor, files (read + Parquet) {floor:7.1f} s  {n_docs / floor:9,.0f} docs/s  "
        f"{mb / floor:6.1f} MB/s"
    )
    full = timed("full ingest, files", inbox, str(work / "warehouse"), n_docs)
    new = max(1, n_docs // 100)
    _write_files(inbox, new, seed=2)
    incremental = timed("incremental (+1% new files)", inbox, str(work / "warehouse"), new)
    noop = timed("no-op rerun, files", inbox, str(work / "warehouse"), 0)
    print(
        f"files: full / floor {full / floor:.1f}x; incremental {incremental / full:.0%} of "
        f"full; no-op {noop:.1f} s (Prefect's per-run overhead included, not its start-up)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--shard-mb", type=float, default=DEFAULT_SHARD_MB)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--no-jsonl", action="store_true", help="files only")
    only.add_argument("--no-files", action="store_true", help="JSON Lines shards only")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="pagewash-bench-"))
    inbox, feeds = work / "inbox", work / "feeds"
    if not args.no_files:
        mb = _write_files(inbox, args.docs, seed=1) / 2**20
    if not args.no_jsonl:
        mb = _write_jsonl(feeds, args.docs, 1, args.shard_mb) / 2**20
        shards = sorted(feeds.iterdir())
        largest = max(p.stat().st_size for p in shards) / 2**20
        print(f"JSON Lines: {len(shards)} shards, the largest {largest:,.0f} MB")
    print(f"input: {args.docs:,} pages, {mb:,.1f} MB of page text ({os.cpu_count()} cores)")
    peaks: dict[str, tuple[float, float]] = {}  # label: (wall s, peak RSS of both, MB)

    apply_prefect_defaults()
    from flows.ingest import ingest  # Prefect is imported only when the benchmark needs it

    def timed(label: str, source: Path, warehouse: str, n_docs: int) -> float:
        load = os.getloadavg()[0]
        with _sampled_rss() as rss:
            started = time.perf_counter()
            state = ingest(str(source), warehouse, args.batch_size, return_state=True)
            took = time.perf_counter() - started
        summary = state.result()
        runs = _task_runs(state.state_details.flow_run_id)
        rate = f"{mb / took:6.1f} MB/s" if n_docs == args.docs else " " * 11
        print(
            f"{label:29} {took:7.1f} s  {n_docs / took:9,.0f} docs/s  {rate}  peak RSS flow "
            f"{rss.flow:,.0f} MB, workers {rss.workers:,.0f} MB, both {rss.total:,.0f} MB  "
            f"task runs {len(runs)}  load {load:.1f}\n"
            f"{'':31}ingested {summary.ingested:,}, skipped {summary.skipped:,}, quarantined "
            f"{summary.quarantined:,}, articles {summary.articles:,}; stages (s): {_stages(runs)}"
        )
        peaks[label] = (took, rss.total)
        return took

    started = time.perf_counter()
    (work / "empty").mkdir(exist_ok=True)
    ingest(str(work / "empty"), str(work / "warm-up"))
    print(f"Prefect start-up + first run  {time.perf_counter() - started:7.1f} s  (not counted)")

    if not args.no_files:
        _files_mode(args.docs, inbox, work, mb, timed)
    if not args.no_jsonl:
        jsonl_floor = _floor(feeds, work / "floor-jsonl")
        print(
            f"floor, JSON Lines             {jsonl_floor:7.1f} s  "
            f"{args.docs / jsonl_floor:9,.0f} docs/s  {mb / jsonl_floor:6.1f} MB/s"
        )
        jsonl = timed("full ingest, JSON Lines", feeds, str(work / "wh-jsonl"), args.docs)
        timed("no-op rerun, JSON Lines", feeds, str(work / "wh-jsonl"), 0)
        print(f"JSON Lines: full / floor {jsonl / jsonl_floor:.1f}x")
    for label in ("full ingest, files", "full ingest, JSON Lines"):
        if label in peaks:
            took, rss = peaks[label]
            print(f"{label:29} wall {took:7.1f} s  peak summed RSS {rss:,.0f} MB")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
