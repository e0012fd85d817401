"""One writer per warehouse: an exclusive lock on ``<warehouse>/.lock``.

Rule: a second writer does not wait silently and does not corrupt anything; it fails at once
with ``WarehouseBusy`` naming the process that holds it. On a local disk the lock is an
``flock`` (released by the kernel when its holder dies). On an object store it is the
``.lock`` object itself, created only if absent (a conditional write) and deleted on release;
a lock left by a killed process on the same host is taken over once that process is gone.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from warehouse.layout import Layout


class WarehouseBusy(RuntimeError):
    """Another process is writing to this warehouse."""


def _busy(layout: Layout, holder: str) -> WarehouseBusy:
    return WarehouseBusy(
        f"another pagewash run ({holder}) is writing to {layout.url}; wait for it to finish"
    )


@contextmanager
def writer_lock(layout: Layout) -> Iterator[None]:
    """Hold the warehouse's writer lock for the duration of the block."""
    locked = _local_lock if layout.is_local else _object_lock
    with locked(layout):
        yield


@contextmanager
def _local_lock(layout: Layout) -> Iterator[None]:
    layout.makedirs(layout.root)
    with open(layout.lock, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise _busy(layout, f"pid {handle.read().strip() or '?'}") from None
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


def _holder_is_gone(holder: dict[str, object]) -> bool:
    """True when the lock's holder was a process on this host that no longer exists."""
    if holder.get("host") != socket.gethostname() or not isinstance(holder.get("pid"), int):
        return False
    try:
        os.kill(int(str(holder["pid"])), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@contextmanager
def _object_lock(layout: Layout) -> Iterator[None]:
    me = {"host": socket.gethostname(), "pid": os.getpid()}
    for attempt in range(2):
        try:
            with layout.fs.open(layout.lock, "xb") as handle:  # fails if the object exists
                handle.write(json.dumps(me).encode())
            break
        except FileExistsError:
            try:
                holder = json.loads(layout.fs.cat_file(layout.lock))
            except (FileNotFoundError, ValueError):
                holder = {}
            if attempt or not _holder_is_gone(holder):
                where = f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}"
                raise _busy(layout, where) from None
            layout.remove(layout.lock)  # its holder was killed: take the lock over
    try:
        yield
    finally:
        layout.remove(layout.lock)
