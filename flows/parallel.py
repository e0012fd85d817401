"""Use every core for CPU-bound cleaning inside one Prefect task.

Prefect's default task runner uses threads, which the GIL keeps on one core (STACK.md), and
one task per document costs milliseconds; so a batch task splits its documents into chunks
and maps them over a process pool that lives as long as the flow run's process.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any, TypeVar

from flows.settings import worker_count

T = TypeVar("T")
R = TypeVar("R")
_pool: ProcessPoolExecutor | None = None
PARENT_CHECK_SECONDS = 0.5


def _shared_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # spawn, not fork: the parent runs Prefect's threads, and forking threads can deadlock.
        _pool = ProcessPoolExecutor(
            worker_count(),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        )
        atexit.register(_pool.shutdown, cancel_futures=True)
    return _pool


def _exit_with_parent(parent: int) -> None:
    """Pool initializer: a worker whose run was killed exits within a second instead of
    lingering (an idle worker blocked on its task queue would otherwise live on, holding
    its memory)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def chunks(items: Sequence[T], n: int) -> Iterator[list[T]]:
    """``items`` in ``n`` nearly equal consecutive chunks (fewer when there are fewer items)."""
    size = -(-len(items) // max(n, 1)) or 1
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def map_chunks(fn: Callable[..., R], items: Sequence[T], *args: Any) -> list[R]:
    """``fn(chunk, *args)`` for chunks of ``items``, in the worker processes.

    Always in workers, even for a few items: pages are cleaned in a process's main thread,
    where a per-page time limit (SIGALRM) can interrupt them.
    """
    task = partial(_call_with_args, fn, args)
    return list(_shared_pool().map(task, chunks(items, worker_count() * 4)))


def _call_with_args(fn: Callable[..., R], args: tuple[Any, ...], chunk: list[Any]) -> R:
    return fn(chunk, *args)
