"""Find the input files under SOURCE, hash them and decide what a run must do with each."""

from __future__ import annotations

import os
import stat
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from transforms.document import format_for
from transforms.fingerprint import doc_id
from transforms.sites import site_for
from warehouse.known import KnownState


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file: where it is, what site it belongs to, how to read it."""

    path: str
    relative: str
    site: str
    format: str
    size: int


@dataclass(frozen=True, slots=True)
class WorkItem:
    """Files with identical bytes: cleaned once, each file recorded in ``documents``."""

    doc_id: str
    files: tuple[SourceFile, ...]
    stored: bool


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file that could not even be read or must not be followed."""

    relative: str
    reason: str
    detail: str


@dataclass(frozen=True)
class Discovery:
    files_seen: int
    skipped: int
    items: tuple[WorkItem, ...]
    unreadable: tuple[Unreadable, ...]


def candidate_paths(source: Path) -> list[Path]:
    """Supported files under ``source``, sorted; hidden files and folders are passed over."""
    found: list[Path] = []
    for folder, subfolders, names in os.walk(source):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith(".") and format_for(Path(name).suffix):
                found.append(Path(folder, name))
    return found


def _read(path: Path, relative: str, root: Path, max_bytes: int) -> bytes | Unreadable:
    """The file's bytes, or why they must not or cannot be read."""
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        return Unreadable(relative, "outside_source", "symlink leads outside SOURCE")
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a FIFO or device would block or never end
            return Unreadable(relative, "not_a_file", "not a regular file")
        if status.st_size > max_bytes:
            detail = f"{status.st_size:,} bytes, over the {max_bytes:,}-byte limit"
            return Unreadable(relative, "too_large", detail)
        return path.read_bytes()
    except OSError as err:
        return Unreadable(relative, "unreadable", err.strerror or str(err))


def discover(source: Path, known: KnownState, max_bytes: int) -> Discovery:
    """Hash every candidate file and group new content into work items.

    Files over ``max_bytes`` are not read: they are reported as ``too_large``. A file already
    stored or quarantined with the same bytes (or unread, with no bytes) is skipped.
    """
    root = source.resolve()
    groups: dict[str, list[SourceFile]] = defaultdict(list)
    unreadable: list[Unreadable] = []
    skipped = 0
    paths = candidate_paths(source)
    for path in paths:
        relative = path.relative_to(source).as_posix()
        raw = _read(path, relative, root, max_bytes)
        key = doc_id(raw) if isinstance(raw, bytes) else None
        if (relative, key) in known.quarantined or (relative, key) in known.documents:
            skipped += 1
        elif isinstance(raw, Unreadable):
            unreadable.append(raw)
        else:
            assert key is not None
            site = site_for(relative, root.name)
            fmt = format_for(path.suffix) or "text"
            groups[key].append(SourceFile(str(path), relative, site, fmt, len(raw)))
    items = tuple(
        WorkItem(key, tuple(files), key in known.articles) for key, files in groups.items()
    )
    return Discovery(len(paths), skipped, items, tuple(unreadable))
