"""A process a run starts exits when the process it serves is gone, however that one went.

Our own processes watch (``exit_with``). Prefect's embedded server is started by Prefect, so
it cannot: a small guard process stops it once the command is gone (``guard``); Prefect's own
clean-up runs only on a normal exit, so SIGTERM and SIGKILL left it serving, orphaned.

Why a watcher thread and not Linux's ``prctl(PR_SET_PDEATHSIG)``: the death signal fires when
the *thread* that started the child exits, and the pool's workers are started from Prefect's
task threads; it also covers only a direct parent, while a flow run that ``pagewash serve``
starts may sit below a Prefect process of its own. Polling covers SIGKILL too (the process is
gone or a zombie) and costs nothing measurable: one ``/proc`` read every half second.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

CHECK_SECONDS = 0.5
# How long a process that outlived its watched one may spend on its last words (a flow run
# telling its server; an answer takes well under a second): past it, the process exits anyway,
# so that it is gone within 5 s, as a stopped command's processes must be.
LAST_WORDS_SECONDS = 3.0
# A guarded process gets SIGTERM, then SIGKILL if it is still there after this long.
STOP_SECONDS = 5.0


def alive(pid: int) -> bool:
    """Whether ``pid`` is a live process: not gone, not a zombie awaiting its reaper."""
    stat = Path(f"/proc/{pid}/stat")
    if stat.parent.parent.is_dir() and Path("/proc/self").exists():
        try:
            return stat.read_text().rpartition(")")[2].split()[0] != "Z"
        except OSError:
            return False
    try:  # no /proc (macOS): a signal 0 finds the process, zombie or not
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exit_with(pid: int, last_words: Callable[[], None] | None = None) -> None:
    """Exit this process (status 1, at once: no cleanup to wait on) within half a second of
    ``pid`` being gone; at once if it is already. A killed run leaves what it staged to the
    next run, which deletes it (README, Loads, reruns and crashes). ``last_words``, if given,
    runs first (for at most ``LAST_WORDS_SECONDS``; an error in it is printed, not raised):
    a flow run tells its server that it crashed."""

    def leave() -> None:
        if last_words is not None:
            speaker = threading.Thread(target=_quietly, args=(last_words,), daemon=True)
            speaker.start()
            speaker.join(LAST_WORDS_SECONDS)
        os._exit(1)

    if not alive(pid):
        leave()

    def watch() -> None:
        while alive(pid):
            time.sleep(CHECK_SECONDS)
        leave()

    threading.Thread(target=watch, name=f"exit-with-{pid}", daemon=True).start()


def _quietly(call: Callable[[], None]) -> None:
    try:
        call()
    except Exception as err:  # the process exits next whatever happened; say so if heard
        with contextlib.suppress(OSError):
            print(f"pagewash: before exiting: {err}", file=sys.stderr)


def _started(pid: int) -> str | None:
    """``pid``'s start time (Linux), so a recycled pid is never taken for the process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return None


def guard(parent: int, child: int) -> None:
    """Stop ``child`` (SIGTERM, then SIGKILL) once ``parent`` is gone; return at once when
    ``child`` stops first (the parent stopped it, as on a normal exit)."""
    started = _started(child)
    while alive(parent) and alive(child):
        time.sleep(CHECK_SECONDS)
    if not alive(child) or _started(child) != started:
        return
    os.kill(child, signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(child) and _started(child) == started:
        os.kill(child, signal.SIGKILL)


def start_guard(child: int) -> None:
    """A guard process that stops ``child`` once this process is gone, however it goes.

    In a session of its own: a Ctrl-C meant for this command's process group must not stop
    the guard before it has done its job (it exits by itself right after)."""
    command = [sys.executable, "-m", "runtime.lifeline", str(os.getpid()), str(child)]
    subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


if __name__ == "__main__":
    guard(int(sys.argv[1]), int(sys.argv[2]))
