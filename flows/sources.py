"""SOURCE: a local folder, a glob, or any fsspec URL (``s3://bucket/prefix/``), walked alike.

Rule: every supported file below SOURCE (``readers.input_format``), recursively and in sorted
order, passing over hidden files and folders. A glob (``'inbox/*.txt'``,
``s3://bucket/crawl/2026-*/**/*.html``) walks the files it matches, relative to the folder
before its first wildcard. ``locate`` gives a file's size and modification time, so a run
can skip unchanged files unread; it refuses a local symlink that leads outside SOURCE.
"""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import fsspec

from flows.readers import ReadProblem, input_format
from warehouse.layout import location_url

GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Located:
    """One input file: ``path`` as ``readers.read_input`` opens it (a local path or a URL)."""

    path: str
    size: int
    mtime_ns: int | None


def _visible(relative: str) -> bool:
    return not any(part.startswith(".") for part in relative.split("/"))


@dataclass(frozen=True)
class Source:
    """Where a run reads its pages from.

    >>> Source.at("s3://bucket/crawl/2026-*/*.html").root, Source.at("s3://b/x/").name
    ('s3://bucket/crawl', 'x')
    """

    url: str  # an absolute local path, or protocol://path; may end in a glob pattern

    @classmethod
    def at(cls, location: str | os.PathLike[str]) -> Source:
        return cls(location_url(location))

    @property
    def is_local(self) -> bool:
        return "://" not in self.url

    @property
    def pattern(self) -> str | None:
        """The glob part of SOURCE, relative to ``root``, or None for a folder."""
        parts = self.url.split("/")
        for i, part in enumerate(parts):
            if any(c in GLOB_CHARACTERS for c in part):
                return "/".join(parts[i:])
        return None

    @property
    def root(self) -> str:
        """The folder (URL) that relative paths, and sites, are counted from."""
        pattern = self.pattern
        return self.url[: -len(pattern) - 1] if pattern else self.url

    @property
    def name(self) -> str:
        return posixpath.basename(self.root) or "source"

    def _fs(self) -> tuple[fsspec.AbstractFileSystem, str]:
        fs, root = fsspec.core.url_to_fs(self.root)
        return fs, str(root)

    def exists(self) -> bool:
        """Whether SOURCE's folder is there (on an object store: holds any object)."""
        if self.is_local:
            return Path(self.root).is_dir()
        fs, root = self._fs()
        return bool(fs.isdir(root))

    def relatives(self) -> Iterator[str]:
        """The path, relative to ``root``, of every supported file, in sorted order."""
        if self.is_local and self.pattern is None:
            yield from _walk(Path(self.root))
            return
        fs, root = self._fs()
        if self.pattern is None:
            found = fs.find(root)
        else:
            found = fs.glob(posixpath.join(root, self.pattern))
        for path in sorted(found):
            relative = posixpath.relpath(path, root)
            if _visible(relative) and input_format(relative):
                yield relative

    def locate(self, relative: str) -> Located:
        """Where ``relative`` is, with its size and modification time."""
        if self.is_local:  # one lstat per file: a no-op rerun locates every file under SOURCE
            path = os.path.join(self.root, relative)
            status = os.lstat(path)
            if stat.S_ISLNK(status.st_mode):
                if not Path(path).resolve().is_relative_to(Path(self.root).resolve()):
                    raise ReadProblem("outside_source", "symlink leads outside SOURCE")
                status = os.stat(path)
            return Located(path, status.st_size, status.st_mtime_ns)
        fs, root = self._fs()
        info = fs.info(posixpath.join(root, relative))
        return Located(f"{self.root}/{relative}", int(info["size"]), _mtime_ns(info))


def _walk(root: Path) -> Iterator[str]:
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        prefix = os.path.relpath(folder, root)
        prefix = "" if prefix == "." else prefix.replace(os.sep, "/") + "/"
        for name in sorted(names):
            if not name.startswith(".") and input_format(name):
                yield prefix + name


def _mtime_ns(info: dict[str, Any]) -> int | None:
    """Modification time of an fsspec ``info`` (local ``mtime``, S3 ``LastModified``)."""
    value = info.get("mtime", info.get("LastModified"))
    if isinstance(value, datetime):
        return int(value.timestamp() * 1_000_000_000)
    if isinstance(value, int | float):
        return int(value * 1_000_000_000)
    return None
