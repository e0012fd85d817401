"""One writer per warehouse: an exclusive lock on ``<warehouse>/.lock``.

Rule: a second writer does not wait silently and does not corrupt anything; it fails at once
with ``WarehouseBusy`` naming the process that holds the lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from warehouse.layout import Layout


class WarehouseBusy(RuntimeError):
    """Another process is writing to this warehouse."""


@contextmanager
def writer_lock(layout: Layout) -> Iterator[None]:
    """Hold the warehouse's writer lock for the duration of the block."""
    layout.root.mkdir(parents=True, exist_ok=True)
    with open(layout.lock, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise WarehouseBusy(
                f"another pagewash run (pid {holder}) is writing to {layout.root}; "
                "wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
