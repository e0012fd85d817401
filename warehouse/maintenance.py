"""A maintenance run's record: which tables it rewrote, committed like a load.

Rule: a maintenance run has an id of its own (``new_load_id``) and stages its files under it,
as a load does. It commits by writing its rows of ``maintenance``, one per table it rewrote,
naming the files it replaced: from then on the catalog shows its files and hides those, and
the next run's ``loads.recover`` deletes them (so a reader holding the catalog from before
the maintenance run keeps working until then). Killed before that row is written, it left
nothing visible, and ``recover`` deletes what it staged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from warehouse import loads
from warehouse.layout import Layout, file_name


@dataclass(frozen=True)
class Rewrite:
    """One table a maintenance run rewrote (a row of ``maintenance``)."""

    table_name: str
    action: str  # "compact": small files merged into one; "refresh": a derived table rebuilt
    replaced: tuple[str, ...]  # paths of the files it hides from the catalog
    files_before: int  # data files of the table in the catalog, before and after
    files_after: int
    rows: int  # rows it wrote
    bytes_before: int  # of the files it replaces (for a refresh: the stored table)
    bytes_after: int  # of the files it wrote


def commit_maintenance(
    layout: Layout, run_id: str, rewrites: Sequence[Rewrite], finished_at: datetime
) -> None:
    """Move the run's staged files into place and record it: its commit point."""
    records = [
        asdict(r)
        | {
            "load_id": run_id,
            "replaced": [file_name(path) for path in r.replaced],
            "finished_at": finished_at,
        }
        for r in rewrites
    ]
    loads.commit(layout, run_id, "maintenance", records)
