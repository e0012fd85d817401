"""The per-page time limit stops a page in any thread (a Dask worker cleans in one)."""

from __future__ import annotations

import threading

import pytest

from runtime.time_limit import CleaningTimeout, time_limit


def _spin_past_the_limit(outcome: list[str]) -> None:
    try:
        with time_limit(0.2):
            while True:
                pass
    except CleaningTimeout:
        outcome.append("stopped")


@pytest.mark.parametrize("in_thread", [False, True], ids=["main thread", "other thread"])
def test_a_page_over_its_time_limit_is_stopped(in_thread):
    outcome: list[str] = []
    if in_thread:
        worker = threading.Thread(target=_spin_past_the_limit, args=(outcome,))
        worker.start()
        worker.join(timeout=30)
    else:
        _spin_past_the_limit(outcome)
    assert outcome == ["stopped"]


def test_a_page_within_its_time_limit_is_never_interrupted_afterwards():
    for _ in range(1000):
        with time_limit(0.05):
            sum(range(100))
    total = sum(sum(range(1000)) for _ in range(2000))  # long after the deadlines passed
    assert total == 2000 * sum(range(1000))
