"""Find the input files under SOURCE, hash them and decide what a run must do with each."""

from __future__ import annotations

import os
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


def discover(source: Path, known: KnownState, max_bytes: int) -> Discovery:
    """Hash every candidate file and group new content into work items.

    Files over ``max_bytes`` are not read: they are reported as ``too_large``.
    """
    root = source.resolve()
    groups: dict[str, list[SourceFile]] = defaultdict(list)
    unreadable: list[Unreadable] = []
    skipped = 0
    paths = candidate_paths(source)
    for path in paths:
        relative = path.relative_to(source).as_posix()
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            unreadable.append(
                Unreadable(relative, "outside_source", "symlink leads outside SOURCE")
            )
            continue
        try:
            size = path.stat().st_size
            if size > max_bytes:
                if (relative, None) not in known.quarantined:
                    detail = f"{size:,} bytes, over the {max_bytes:,}-byte limit"
                    unreadable.append(Unreadable(relative, "too_large", detail))
                else:
                    skipped += 1
                continue
            raw = path.read_bytes()
        except OSError as err:
            if (relative, None) in known.quarantined:
                skipped += 1
            else:
                unreadable.append(Unreadable(relative, "unreadable", err.strerror or str(err)))
            continue
        key = doc_id(raw)
        if (relative, key) in known.documents or (relative, key) in known.quarantined:
            skipped += 1
            continue
        fmt = format_for(path.suffix) or "text"
        site = site_for(relative, root.name)
        groups[key].append(SourceFile(str(path), relative, site, fmt, len(raw)))
    items = tuple(
        WorkItem(key, tuple(files), key in known.articles) for key, files in groups.items()
    )
    return Discovery(len(paths), skipped, items, tuple(unreadable))
