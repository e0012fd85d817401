"""Peak memory of a command and every process it starts, summed, sampled while it runs.

Summed RSS counts a page once per process that maps it: the libraries and model files that
Prefect's server, the flow process and each pool worker all load are counted in each. It is
what ``ps``/``top`` add up and what a budget is usually stated in, so it is the figure this
benchmark holds against the budget: an upper bound of what the processes cost together.
Summed PSS (proportional set size: a shared page counted as 1/n in each of the n processes
mapping it) is what they do cost the machine, and is printed beside it. PSS comes from
``/proc/PID/smaps_rollup``, one read per process and sample (psutil's ``memory_full_info``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psutil

# Often enough to catch the short peaks (a DuckDB join, a batch's Arrow tables); a sample of
# the tree's ~6 processes takes a few ms of one core.
SAMPLE_SECONDS = 0.1
MB = 2**20


def role(process: psutil.Process) -> str:
    """What a process of a `pagewash run` tree is, from its command line."""
    command = " ".join(process.cmdline())
    if "uvicorn" in command and "prefect.server" in command:
        return "server"  # Prefect's temporary (embedded) API server
    if "spawn_main" in command:
        return "workers"  # the process pool's workers (runtime.parallel)
    if "resource_tracker" in command or "flows.lifeline" in command:
        return "helpers"  # multiprocessing's resource tracker; the server's guard
    return "flow"


@dataclass
class TreePeak:
    """Peak summed RSS and PSS, in MB, of a process and all its descendants."""

    rss: float = 0.0
    pss: float = 0.0
    # RSS by role (``role``) in the sample where the summed RSS peaked
    at_peak: dict[str, float] = field(default_factory=dict)
    processes: int = 0  # the most processes alive at once
    seconds: float = 0.0  # when the summed RSS peaked, from the start of sampling

    def breakdown(self) -> str:
        order = ("flow", "server", "workers", "helpers")
        by_role = ", ".join(f"{r} {self.at_peak[r]:,.0f}" for r in order if r in self.at_peak)
        return f"{by_role}; at {self.seconds:.0f} s"


def _sample(root: psutil.Process, peak: TreePeak, seconds: float) -> None:
    rss, pss, by_role, n = 0, 0, dict[str, float](), 0
    for process in [root, *root.children(recursive=True)]:
        try:
            memory = process.memory_full_info()
            name = "flow" if process.pid == root.pid else role(process)
        except psutil.Error:  # it ended meanwhile
            continue
        rss, pss, n = rss + memory.rss, pss + memory.pss, n + 1
        by_role[name] = by_role.get(name, 0.0) + memory.rss / MB
    if rss / MB > peak.rss:
        peak.rss, peak.at_peak, peak.seconds = rss / MB, by_role, seconds
    peak.pss = max(peak.pss, pss / MB)
    peak.processes = max(peak.processes, n)


@contextmanager
def sampled_tree(pid: int) -> Iterator[TreePeak]:
    """Sample process ``pid`` and its descendants every ``SAMPLE_SECONDS`` until the block
    ends; the yielded ``TreePeak`` holds the peaks so far."""
    peak, done = TreePeak(), threading.Event()
    root, started = psutil.Process(pid), time.monotonic()

    def sample() -> None:
        while not done.is_set():
            try:
                _sample(root, peak, time.monotonic() - started)
            except psutil.Error:  # the root itself has ended
                return
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, name="tree-memory", daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()
