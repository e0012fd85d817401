"""Where each file of a warehouse lives and how a load's files are named.

A warehouse folder holds one folder per table of ``<load_id>__<part>.parquet`` files, a
zero-row ``_empty.parquet`` per table (so a view over an empty table still works), a
``_staging/<load_id>/`` folder for a load in progress, the ``pagewash.duckdb`` catalog and a
``.lock`` file held by the one writer.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

CATALOG_FILE = "pagewash.duckdb"
STAGING_DIR = "_staging"
EMPTY_FILE = "_empty.parquet"
LOCK_FILE = ".lock"
_PART_SEPARATOR = "__"


@dataclass(frozen=True)
class Layout:
    """The paths of one warehouse folder (always absolute)."""

    root: Path

    @classmethod
    def at(cls, folder: str | Path) -> Layout:
        return cls(Path(folder).expanduser().resolve())

    @property
    def catalog(self) -> Path:
        return self.root / CATALOG_FILE

    @property
    def lock(self) -> Path:
        return self.root / LOCK_FILE

    @property
    def staging_root(self) -> Path:
        return self.root / STAGING_DIR

    def table_dir(self, table: str) -> Path:
        return self.root / table

    def staging_dir(self, load_id: str) -> Path:
        return self.staging_root / load_id


def new_load_id(now: datetime | None = None) -> str:
    """A sortable, unique load id, e.g. ``20261124T221500123456Z-3fa2c1``."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(3)}"


def part_file(load_id: str, part: str) -> str:
    """The file name of one part of a load's rows in a table."""
    return f"{load_id}{_PART_SEPARATOR}{part}.parquet"


def load_id_of(file_name: str) -> str | None:
    """The load a table file belongs to, or None for files that belong to no load."""
    head, sep, _ = file_name.partition(_PART_SEPARATOR)
    return head if sep else None
