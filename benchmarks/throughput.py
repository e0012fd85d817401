"""Print end-to-end ingest speed and memory on generated pages, against a read-and-write floor.

    python -m benchmarks.throughput [--docs 20000] [--batch-size 1000] [--keep DIR]
                                    [--shard-mb 512] [--no-jsonl | --no-files]

Writes ``--docs`` generated pages as files, and the same pages as JSON Lines shards of
``--shard-mb`` each; then runs
``pagewash run`` on each input as a user would (a process of its own, which starts Prefect's
temporary server, the guard that stops it and the pool's workers), for files also an
incremental run with 1% new files and a no-op rerun, and prints against the *floor* (the same
bytes only read and written to Parquet with pyarrow): the flow run's wall time (and the whole
command's, Prefect's start-up included), documents/s, MB/s of raw input, the peak memory of
every process the command starts, summed (RSS, by process, and PSS: ``process_tree``) against
the budget, seconds per stage and the Prefect task-run count (both from the Prefect API), and
the machine's load average; last, JSON Lines beside files: wall time and peak summed RSS. It
exits with status 1 when a run went over the memory budget.

The runs use a Prefect home of their own (in the work folder): the server's database starts
empty, so its size does not depend on the runs a user made before, and the benchmark reads
their task runs back from it at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.process_tree import TreePeak, sampled_tree
from benchmarks.synthetic_pages import iter_corpus
from runtime.settings import apply_prefect_defaults

DEFAULT_SHARD_MB = 512  # corpora for language models come in shards of 0.1-few GB
FLOOR_CHUNK = 10_000
API_PAGE = 200  # the most task runs the API returns at once
# Everything `pagewash run` starts, together (issue 16): 1.5 GB, read as 1,500 MB of 2**20
# bytes (the stricter reading), held against the peak summed RSS.
MEMORY_BUDGET_MB = 1500
PAGEWASH = str(Path(sys.executable).with_name("pagewash"))


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


@dataclass(frozen=True)
class Run:
    """One timed `pagewash run`: what it printed and how long and how much memory it took."""

    label: str
    n_docs: int
    seconds: float  # the whole command, Prefect's start-up included
    memory: TreePeak
    output: str

    def count(self, what: str) -> int:
        """A count from the command's summary (``ingested``, ``skipped``...)."""
        found = re.search(rf"^  {what} +(\d+)", self.output, re.MULTILINE)
        return int(found.group(1)) if found else -1


def _pagewash_run(
    label: str, n_docs: int, source: Path, warehouse: Path, batch_size: int, env: dict[str, str]
) -> Run:
    """Run ``pagewash run`` and sample the memory of it and every process it starts."""
    log = warehouse.with_suffix(".log")
    started = time.perf_counter()
    with open(log, "w") as out:
        command = [PAGEWASH, "run", str(source), "--warehouse", str(warehouse)]
        process = subprocess.Popen(
            [*command, "--batch-size", str(batch_size)], stdout=out, stderr=out, env=env
        )
        with sampled_tree(process.pid) as memory:
            process.wait()
    seconds = time.perf_counter() - started
    output = log.read_text()
    if process.returncode != 0:
        raise SystemExit(f"pagewash run failed ({process.returncode}):\n{output[-3000:]}")
    return Run(label, n_docs, seconds, memory, output)


def _recorded_runs() -> list[tuple[Any, list[Any]]]:
    """Every flow run in this Prefect home's database, oldest first, with its task runs
    (those the server recorded before the command stopped it)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    async def read() -> list[tuple[Any, list[Any]]]:
        async with get_client() as client:
            flow_runs = await client.read_flow_runs(sort=FlowRunSort.START_TIME_ASC)
            result = []
            for flow_run in flow_runs:
                runs = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id]))
                found: list[Any] = []
                while page := await client.read_task_runs(
                    flow_run_filter=runs, limit=API_PAGE, offset=len(found)
                ):
                    found.extend(page)
                result.append((flow_run, found))
            return result

    return asyncio.run(read())


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


def _memory(run: Run) -> str:
    peak = run.memory
    verdict = "ok" if peak.rss <= MEMORY_BUDGET_MB else "OVER BUDGET"
    return (
        f"peak memory of all {peak.processes} processes: RSS {peak.rss:,.0f} MB "
        f"({peak.breakdown()}), PSS {peak.pss:,.0f} MB; budget {MEMORY_BUDGET_MB:,} MB: "
        f"{verdict}"
    )


def _report(run: Run, flow_run: Any, task_runs: list[Any], docs: int, mb: float) -> float:
    """Print one run; return its flow run's wall seconds."""
    took = run.seconds  # when the server was stopped before it recorded the run's end
    if flow_run.start_time and flow_run.end_time:
        took = (flow_run.end_time - flow_run.start_time).total_seconds()
    rate = f"{mb / took:6.1f} MB/s" if run.n_docs == docs else " " * 11
    print(
        f"{run.label:29} {took:7.1f} s  {run.n_docs / took:9,.0f} docs/s  {rate}  "
        f"command {run.seconds:.1f} s  task runs {len(task_runs)}\n"
        f"{'':31}{_memory(run)}\n"
        f"{'':31}ingested {run.count('ingested'):,}, skipped {run.count('skipped'):,}; "
        f"stages (s): {_stages(task_runs)}"
    )
    return took


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

    # a Prefect home of the benchmark's own, and the embedded server a user gets by default
    env = {**os.environ, "PREFECT_HOME": str(work / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    runs: list[Run] = []

    def timed(label: str, source: Path, warehouse: Path, n_docs: int) -> None:
        load = os.getloadavg()[0]
        run = _pagewash_run(label, n_docs, source, warehouse, args.batch_size, env)
        runs.append(run)
        print(
            f"{label:29} command {run.seconds:7.1f} s  load {load:.1f}  "
            f"peak RSS {run.memory.rss:,.0f} MB"
        )

    (work / "empty").mkdir(exist_ok=True)
    warm_up = _pagewash_run("warm-up", 0, work / "empty", work / "warm-up", args.batch_size, env)
    print(f"Prefect start-up + first run  {warm_up.seconds:7.1f} s  (not counted)")

    if not args.no_files:
        floor = _floor(inbox, work / "floor")
        print(
            f"floor, files (read + Parquet) {floor:7.1f} s  {args.docs / floor:9,.0f} docs/s  "
            f"{mb / floor:6.1f} MB/s"
        )
        timed("full ingest, files", inbox, work / "warehouse", args.docs)
        new = max(1, args.docs // 100)
        _write_files(inbox, new, seed=2)
        timed("incremental (+1% new files)", inbox, work / "warehouse", new)
        timed("no-op rerun, files", inbox, work / "warehouse", 0)
    if not args.no_jsonl:
        jsonl_floor = _floor(feeds, work / "floor-jsonl")
        timed("full ingest, JSON Lines", feeds, work / "wh-jsonl", args.docs)
        timed("no-op rerun, JSON Lines", feeds, work / "wh-jsonl", 0)

    # the flow runs and task runs the commands' servers recorded, read back from their database
    os.environ["PREFECT_HOME"] = env["PREFECT_HOME"]
    os.environ.pop("PREFECT_API_URL", None)
    apply_prefect_defaults()
    recorded = _recorded_runs()[1:]  # the first is the warm-up's
    print("\nflow runs (the flow run's own wall time; the command's adds Prefect's start-up):")
    took = {
        run.label: _report(run, *found, args.docs, mb)
        for run, found in zip(runs, recorded, strict=True)
    }
    if not args.no_files:
        full = took["full ingest, files"]
        print(
            f"files: full / floor {full / floor:.1f}x; incremental "
            f"{took['incremental (+1% new files)'] / full:.0%} of full; no-op "
            f"{took['no-op rerun, files']:.1f} s (Prefect's per-run overhead included, not its "
            "start-up)"
        )
    if not args.no_jsonl:
        print(
            f"floor, JSON Lines             {jsonl_floor:7.1f} s  "
            f"{args.docs / jsonl_floor:9,.0f} docs/s  {mb / jsonl_floor:6.1f} MB/s\n"
            f"JSON Lines: full / floor {took['full ingest, JSON Lines'] / jsonl_floor:.1f}x"
        )
    for run in runs:
        if run.label.startswith("full ingest"):
            print(
                f"{run.label:29} wall {took[run.label]:7.1f} s  peak summed RSS "
                f"{run.memory.rss:,.0f} MB"
            )
    if not args.keep:
        shutil.rmtree(work)
    over = [run.label for run in runs if run.memory.rss > MEMORY_BUDGET_MB]
    if over:
        raise SystemExit(
            f"OVER THE MEMORY BUDGET ({MEMORY_BUDGET_MB:,} MB summed RSS of everything "
            f"`pagewash run` starts): {', '.join(over)}"
        )


if __name__ == "__main__":
    main()
