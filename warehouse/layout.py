"""Where each file of a warehouse lives, on which file system, and how a load's files are named.

A warehouse is a local folder or any fsspec URL (``s3://bucket/prefix``, ``memory://wh``). It
holds one folder per table of ``<load_id>__<part>.parquet`` files, a zero-row
``_empty.parquet`` per table (so a view over an empty table still works), a
``_staging/<load_id>/`` folder for a load in progress, the ``pagewash.duckdb`` catalog, a
``.lock`` file held by the one writer, and ``_cache/`` (the snapshot of known paths the last
load left for the next run: ``warehouse.work_plan``; safe to delete).

Every path below is a string in the file system's own form (an absolute local path, or
``bucket/prefix/...`` for an object store); ``sql_path`` gives the form DuckDB reads.
"""

from __future__ import annotations

import os
import posixpath
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import duckdb
import fsspec
from fsspec.implementations.local import LocalFileSystem

CATALOG_FILE = "pagewash.duckdb"
STAGING_DIR = "_staging"
EMPTY_FILE = "_empty.parquet"
LOCK_FILE = ".lock"
_PART_SEPARATOR = "__"


@dataclass(frozen=True)
class Layout:
    """The paths of one warehouse and the file system they are on.

    >>> layout = Layout.at("s3://bucket/wh/")
    >>> layout.url, layout.table_dir("documents"), layout.sql_path(layout.catalog)
    ('s3://bucket/wh', 'bucket/wh/documents', 's3://bucket/wh/pagewash.duckdb')
    """

    url: str  # an absolute local path, or protocol://path

    @classmethod
    def at(cls, location: str | os.PathLike[str]) -> Layout:
        """The warehouse at a local folder (made absolute) or an fsspec URL."""
        return cls(location_url(location))

    @cached_property
    def fs(self) -> fsspec.AbstractFileSystem:
        return fsspec.core.url_to_fs(self.url)[0]

    @property
    def is_local(self) -> bool:
        return isinstance(self.fs, LocalFileSystem)

    @property
    def root(self) -> str:
        return str(self.fs._strip_protocol(self.url))

    @property
    def catalog(self) -> str:
        return self.path(CATALOG_FILE)

    @property
    def lock(self) -> str:
        return self.path(LOCK_FILE)

    @property
    def staging_root(self) -> str:
        return self.path(STAGING_DIR)

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def table_dir(self, table: str) -> str:
        return self.path(table)

    def staging_dir(self, load_id: str) -> str:
        return posixpath.join(self.staging_root, load_id)

    def sql_path(self, path: str) -> str:
        """``path`` as DuckDB names it: local as is, else with the URL's protocol."""
        if self.is_local:
            return path
        protocol = self.url.split("://", 1)[0]
        return f"{protocol}://{path}"

    def files(self, folder: str, pattern: str = "*.parquet") -> list[str]:
        """The files in ``folder`` matching ``pattern``, sorted (none when it is missing).

        An object store's listing is asked afresh: other processes (pool or Dask workers)
        may have written since this process last listed it."""
        if not self.is_local:
            self.fs.invalidate_cache(folder)
        return sorted(self.fs.glob(posixpath.join(folder, pattern)))

    def exists(self, path: str) -> bool:
        return bool(self.fs.exists(path))

    def remove(self, path: str) -> None:
        if self.fs.exists(path):
            self.fs.rm(path)

    def remove_tree(self, folder: str) -> None:
        if self.fs.exists(folder):
            self.fs.rm(folder, recursive=True)

    def move(self, source: str, target: str) -> None:
        """Rename ``source`` to ``target`` (atomic on a local disk; a copy then a delete on an
        object store, where the target object appears whole or not at all)."""
        if self.is_local:
            os.replace(source, target)
        else:
            self.fs.mv(source, target)

    def makedirs(self, folder: str) -> None:
        self.fs.makedirs(folder, exist_ok=True)

    def attach(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """Let ``con`` read this warehouse's files (an object store needs its fsspec file
        system registered: DuckDB's own httpfs extension cannot be installed offline)."""
        if not self.is_local:
            con.register_filesystem(self.fs)
        return con

    def __getstate__(self) -> dict[str, Any]:
        return {"url": self.url}  # the file system is rebuilt where the layout is unpickled

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "url", state["url"])


def location_url(location: str | os.PathLike[str]) -> str:
    """A location as pagewash keeps it: an absolute local path, or ``protocol://path`` with no
    trailing slash (``file://`` URLs are local paths).

    >>> location_url("s3://bucket/wh/"), location_url("file:///tmp/wh")
    ('s3://bucket/wh', '/tmp/wh')
    """
    text = os.fspath(location)
    if "://" in text and not text.startswith("file://"):
        return text.rstrip("/")
    return os.path.abspath(os.path.expanduser(text.removeprefix("file://")))


def new_load_id(now: datetime | None = None) -> str:
    """A sortable, unique load id, e.g. ``20261124T221500123456Z-3fa2c1``."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(3)}"


def part_file(load_id: str, part: str) -> str:
    """The file name of one part of a load's rows in a table."""
    return f"{load_id}{_PART_SEPARATOR}{part}.parquet"


def load_id_of(file_name: str) -> str | None:
    """The load a table file belongs to, or None for files that belong to no load."""
    head, sep, _ = posixpath.basename(file_name).partition(_PART_SEPARATOR)
    return head if sep else None


def file_name(path: str) -> str:
    return posixpath.basename(path)
