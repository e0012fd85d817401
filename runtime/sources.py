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

from runtime.readers import ReadProblem, input_format
from transforms.records import Reason
from warehouse.layout import location_url
from warehouse.work_items import WalkedFile

GLOB_CHARACTERS = frozenset("*?[")
UNKNOWN: tuple[None, None] = (None, None)
# A file as listed, before the walk numbers it: relative path, format, size, modification time.
_Listing = tuple[str, str, int | None, int | None]


@dataclass(frozen=True, slots=True)
class Located:
    """One input file: ``path`` as ``readers.read_input`` opens it (a local path or a URL)."""

    path: str
    size: int | None  # None where an object store lists none
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
        return (entry.relative for entry in self.entries())

    def entries(self) -> Iterator[WalkedFile]:
        """Every supported file's relative path and format, in sorted order and numbered so
        (``position``), with its size and modification time as listed: an ``lstat`` of a file
        on a local disk, the listing itself on an object store. Unknown (``None``) for a
        symlink that leads outside SOURCE or nowhere, and where a store lists no time."""
        for position, listing in enumerate(self._listings()):
            yield WalkedFile(position, *listing)

    def _listings(self) -> Iterator[_Listing]:
        if not self.is_local:
            yield from self._listed()
        elif self.pattern is None:
            yield from _walk(self.root)
        else:
            for relative, fmt, _, _ in self._listed():
                yield (relative, fmt, *_stats(self.root, relative))

    def _listed(self) -> Iterator[_Listing]:
        fs, root = self._fs()
        if self.pattern is None:
            found = fs.find(root, detail=True)
        else:
            found = fs.glob(posixpath.join(root, self.pattern), detail=True)
        for path in sorted(found):
            relative = posixpath.relpath(path, root)
            fmt = input_format(relative) if _visible(relative) else None
            if fmt:
                info = found[path]
                yield (relative, fmt, _size(info), _mtime_ns(info))

    def locate(self, relative: str, listed: tuple[int | None, int | None] = UNKNOWN) -> Located:
        """Where ``relative`` is, with its size and modification time: a local file's afresh
        (``lstat``), an object's as ``listed`` by ``entries`` when known (asking the store
        again could give the time at another precision)."""
        if self.is_local:
            path = os.path.join(self.root, relative)
            status = os.lstat(path)
            if stat.S_ISLNK(status.st_mode):
                if not _inside(path, self.root):
                    raise ReadProblem(Reason.OUTSIDE_SOURCE, "symlink leads outside SOURCE")
                status = os.stat(path)
            return Located(path, status.st_size, status.st_mtime_ns)
        url = f"{self.root}/{relative}"
        size, mtime_ns = listed
        if size is not None:
            return Located(url, size, mtime_ns)
        fs, root = self._fs()
        info = fs.info(posixpath.join(root, relative))
        return Located(url, _size(info), _mtime_ns(info))


def _walk(root: str) -> Iterator[_Listing]:
    """Every supported file under ``root`` with its stats, in sorted order: a folder's files,
    then its subfolders' (``os.walk``'s order; symlinked folders are not followed, folders
    that cannot be listed are passed over). Each folder is listed and its files stat'ed
    through one directory descriptor: an ``lstat`` by name, not by whole path, which took
    0.6 s instead of 1.1 s for 200,000 files on this project's machines."""
    folders = [""]
    while folders:
        prefix = folders.pop()
        try:
            fd = os.open(os.path.join(root, prefix) if prefix else root, _DIRECTORY)
        except OSError:
            continue
        try:
            files, subfolders = _listing(root, prefix, fd)
        finally:
            os.close(fd)
        yield from files
        folders.extend(prefix + name + "/" for name in sorted(subfolders, reverse=True))


_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)


def _listing(root: str, prefix: str, fd: int) -> tuple[list[_Listing], list[str]]:
    """The supported files (sorted, with stats) and the subfolders of one folder."""
    files: list[_Listing] = []
    subfolders: list[str] = []
    try:
        with os.scandir(fd) as listing:
            for entry in listing:
                name = entry.name
                if name.startswith("."):
                    continue
                try:
                    if entry.is_dir():
                        if not entry.is_symlink():
                            subfolders.append(name)
                        continue
                except OSError:
                    pass
                fmt = input_format(name)
                if not fmt:
                    continue
                relative = prefix + name
                try:
                    status = entry.stat(follow_symlinks=False)
                except OSError:
                    files.append((relative, fmt, None, None))
                    continue
                if stat.S_ISLNK(status.st_mode):
                    files.append((relative, fmt, *_stats(root, relative)))
                else:
                    files.append((relative, fmt, status.st_size, status.st_mtime_ns))
    except OSError:
        pass
    files.sort()
    return files, subfolders


def _stats(root: str, relative: str) -> tuple[int | None, int | None]:
    """Size and modification time of a file: of a symlink's target inside ``root``, unknown
    for one that leads outside or nowhere (reading it tells which)."""
    path = os.path.join(root, relative)
    try:
        status = os.lstat(path)
        if stat.S_ISLNK(status.st_mode):
            if not _inside(path, root):
                return UNKNOWN
            status = os.stat(path)
    except OSError:
        return UNKNOWN
    return status.st_size, status.st_mtime_ns


def _inside(path: str, root: str) -> bool:
    return Path(path).resolve().is_relative_to(Path(root).resolve())


def _size(info: dict[str, Any]) -> int | None:
    size = info.get("size")
    return None if size is None else int(size)


def _mtime_ns(info: dict[str, Any]) -> int | None:
    """Modification time of an fsspec ``info`` (local ``mtime``, S3 ``LastModified``)."""
    value = info.get("mtime", info.get("LastModified"))
    if isinstance(value, datetime):
        return int(value.timestamp() * 1_000_000_000)
    if isinstance(value, int | float):
        return int(value * 1_000_000_000)
    return None
