"""Use every core for CPU-bound work inside one Prefect task.

Prefect's default task runner uses threads, which the GIL keeps on one core, and
one task per document costs milliseconds; so a batch task splits its items into chunks and
maps them over a process pool that lives as long as the flow run (``pool_for_run``).

On a Dask cluster the task itself already runs in one of many worker processes, so it maps
its chunks in-process instead (``in_process=True``): see ``flows.ingest``.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

from runtime.lifeline import exit_with
from runtime.settings import worker_count

T = TypeVar("T")
R = TypeVar("R")
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _shared_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:  # batch tasks run in several threads
        if _pool is None:
            # spawn, not fork: the parent runs Prefect's threads, and forking threads can
            # deadlock.
            _pool = ProcessPoolExecutor(
                worker_count(),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=exit_with,  # a worker of a killed run exits too
                initargs=(os.getpid(),),
            )
        return _pool


@contextmanager
def pool_for_run() -> Iterator[None]:
    """Shut the pool down when the block (a flow run) ends, however it ends.

    A flow-run process (``pagewash serve`` starts one per run) then exits at once; left to
    interpreter exit, the pool's shutdown waits on its workers and the process lingered.
    """
    try:
        yield
    finally:
        release_pool()


def release_pool() -> None:
    """Stop the pool's workers now (a later ``map_chunks`` starts new ones).

    Call it when a stage that maps work is done: each idle worker keeps ~200 MB (Python,
    numpy, pyarrow, LightGBM and what it allocated). With both idle beside the flow's DuckDB
    stages, a 200,000-page `pagewash run` peaked at 1,339 MB summed RSS over all its
    processes; released after discovery and after cleaning, at 1,055 MB (``make bench``).
    """
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def chunks(items: Sequence[T], n: int) -> Iterator[list[T]]:
    """``items`` in ``n`` nearly equal consecutive chunks (fewer when there are fewer items)."""
    size = -(-len(items) // max(n, 1)) or 1
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def map_chunks(
    fn: Callable[..., R], items: Sequence[T], *args: Any, in_process: bool = False
) -> list[R]:
    """``fn(chunk, chunk_no, *args)`` for one chunk of ``items`` per worker process (or,
    ``in_process``, for all of them as one chunk in this thread).

    One chunk per worker: each chunk stages its own Parquet files, so more chunks would
    mean more, smaller files; the batches in flight keep every worker busy meanwhile.
    """
    if in_process:
        return [fn(list(items), 0, *args)]
    task = partial(_call_with_args, fn, args)
    parts = enumerate(chunks(items, worker_count()))
    return list(_shared_pool().map(task, parts))


def _call_with_args(fn: Callable[..., R], args: tuple[Any, ...], part: tuple[int, Any]) -> R:
    chunk_no, chunk = part
    return fn(chunk, chunk_no, *args)
