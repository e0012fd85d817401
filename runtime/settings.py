"""Every environment variable pagewash reads, and the defaults behind them, in one place."""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from dataclasses import dataclass

DEFAULT_WAREHOUSE = "data/warehouse"
WAREHOUSE_ENV = "PAGEWASH_WAREHOUSE"
WORKERS_ENV = "PAGEWASH_WORKERS"
# Set by `pagewash serve` to its own pid for the flow-run processes Prefect starts for it.
SERVED_BY_ENV = "PAGEWASH_SERVED_BY"
DEFAULT_BATCH_SIZE = 1000
# Larger files are quarantined unread: a scraped page is rarely over a few MB.
DEFAULT_MAX_FILE_MB = 64
# A page whose cleaning takes longer is quarantined as too_slow (a 50 MB page takes ~5 s).
DEFAULT_MAX_PAGE_SECONDS = 60.0
# The maintain flow's compaction rule: a table file with less than this much data
# (uncompressed) is small, and small files are merged into files of about this size (one sort
# holds up to twice as much: warehouse.duck.MEMORY_LIMIT is 512 MB)...
DEFAULT_TARGET_FILE_MB = 128
# ... once a table has this many of them (a day of hourly loads leaves 24 or more).
DEFAULT_MIN_SMALL_FILES = 8
# The maintain flow deletes this project's finished flow runs (and artifacts) due longer ago.
DEFAULT_PRUNE_RUNS_DAYS = 30.0


@dataclass(frozen=True)
class Limits:
    """Caps that keep one bad input from stalling a run."""

    max_bytes: int = DEFAULT_MAX_FILE_MB * 2**20
    seconds_per_page: float = DEFAULT_MAX_PAGE_SECONDS


# Prefect settings that make the embedded (ephemeral) server work offline on small machines:
# its start-up takes 12-30 s on these 2-core machines, longer than Prefect's 20 s default.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}


def warehouse_folder(cli_value: str | None = None) -> str:
    """``--warehouse``, else ``$PAGEWASH_WAREHOUSE``, else ``./data/warehouse``."""
    return cli_value or os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE


def worker_count() -> int:
    """Processes used for CPU-bound cleaning: ``$PAGEWASH_WORKERS``, else every core."""
    value = os.environ.get(WORKERS_ENV)
    return max(1, int(value)) if value else max(1, os.cpu_count() or 1)


def served_by() -> int | None:
    """The pid of the `pagewash serve` this flow run was started for, else None."""
    value = os.environ.get(SERVED_BY_ENV)
    return int(value) if value else None


def serve_from_here(environ: MutableMapping[str, str] = os.environ) -> None:
    """Name this process as the `pagewash serve` that the flow runs it starts belong to."""
    environ[SERVED_BY_ENV] = str(os.getpid())


def apply_prefect_defaults(environ: MutableMapping[str, str] = os.environ) -> None:
    """Set the Prefect defaults above unless the user set them; call before importing prefect."""
    for key, value in PREFECT_DEFAULTS.items():
        environ.setdefault(key, value)
