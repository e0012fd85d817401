"""Where the ingest flow's discovery and batch tasks run, and how many at once."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from prefect import Task
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner

R = TypeVar("R")
# Tasks in flight at once: bounds memory while keeping every core (or Dask worker) busy.
BATCHES_IN_FLIGHT = 3


@contextmanager
def task_runner(dask_address: str | None) -> Iterator[TaskRunner[Any]]:
    """Where the discovery and batch tasks run: the flow's own runner, or the Dask cluster
    at ``dask_address`` (its workers need the warehouse and SOURCE at the same paths, and
    ``PREFECT_API_URL``)."""
    if dask_address is None:
        context = FlowRunContext.get()
        assert context is not None and context.task_runner is not None, "call inside the flow"
        yield context.task_runner
        return
    # imported here: prefect_dask imports dask.distributed, which a local run does not need
    from prefect_dask.task_runners import DaskTaskRunner

    with DaskTaskRunner(address=dask_address) as runner:
        yield runner


def in_window(
    runner: TaskRunner[Any],
    step: Task[..., R],
    calls: Iterable[Mapping[str, Any]],
    size: int = BATCHES_IN_FLIGHT,
) -> Iterator[R]:
    """The results of ``step`` for each of ``calls`` (its parameters), in order, with at most
    ``size`` runs in flight: the next is submitted only as one comes back, which bounds the
    memory the results and the walk take."""
    in_flight: deque[PrefectFuture[R]] = deque()
    for parameters in calls:
        in_flight.append(runner.submit(step, dict(parameters)))
        if len(in_flight) >= size:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()
