"""Stop cleaning a page that takes too long (SIGALRM, in a worker process's main thread)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class CleaningTimeout(Exception):
    """The page took longer than its time limit."""


def _raise_timeout(signum: int, frame: FrameType | None) -> None:
    raise CleaningTimeout


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise CleaningTimeout in the block after ``seconds``.

    Signals reach only a process's main thread, which is where pool workers clean pages;
    elsewhere (or with ``seconds`` <= 0) the block runs without a limit.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
