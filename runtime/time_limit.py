"""Stop cleaning a page that takes too long, in whatever thread cleans it.

A watchdog thread (one per process, polling) raises ``CleaningTimeout`` into a thread whose
deadline has passed, through ``PyThreadState_SetAsyncExc``. Unlike SIGALRM, which reaches only
a process's main thread, this works in a pool worker's main thread and in a Dask worker's
task thread alike. Both interrupt only between Python bytecodes (README, Reliability).
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

# How often the watchdog looks at the deadlines: the limit's precision (limits are seconds).
POLL_SECONDS = 0.05

_deadlines: dict[int, float] = {}  # thread id -> time.monotonic() deadline
_lock = threading.Lock()
_watchdog: threading.Thread | None = None


class CleaningTimeout(Exception):
    """The page took longer than its time limit."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Make ``exception`` pending in the thread (None: clear what is pending)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


def _watch() -> None:
    while True:
        time.sleep(POLL_SECONDS)
        now = time.monotonic()
        with _lock:
            for thread_id in [t for t, deadline in _deadlines.items() if deadline <= now]:
                del _deadlines[thread_id]
                _raise_in(thread_id, CleaningTimeout)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise CleaningTimeout in the block after ``seconds`` (no limit when ``seconds`` <= 0).

    A block that finishes just as its deadline passes either ends normally or raises
    CleaningTimeout from here, never later in the caller's code.
    """
    if seconds <= 0:
        yield
        return
    global _watchdog
    thread_id = threading.get_ident()
    with _lock:
        if _watchdog is None:
            _watchdog = threading.Thread(target=_watch, name="time-limit", daemon=True)
            _watchdog.start()
        _deadlines[thread_id] = time.monotonic() + seconds
    try:
        yield
    finally:
        with _lock:
            fired = _deadlines.pop(thread_id, None) is None
        if fired:  # an exception raised but not yet delivered must not escape the block
            _raise_in(thread_id, None)
