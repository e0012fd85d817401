"""Find the input files under SOURCE, hash them and decide what a run must do with each."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from flows.readers import ReadProblem, input_format, read_input
from transforms.fingerprint import doc_id
from transforms.jsonl_records import BrokenLine, parse_jsonl
from transforms.sites import site_for
from warehouse.known import KnownState, StoredVersion


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file: where it is, what site it belongs to, how to read it."""

    path: str
    relative: str
    site: str
    format: str
    size: int
    version: int = 1  # 1 + the versions of this path already stored
    file_size: int | None = None  # of the file on disk (a JSON Lines record: of its file)
    file_mtime_ns: int | None = None
    record: int | None = None  # line number of the page in a JSON Lines file
    title: str | None = None  # title given by a JSON Lines record


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
            if not name.startswith(".") and input_format(name):
                found.append(Path(folder, name))
    return found


def _unchanged(stored: StoredVersion | None, on_disk: os.stat_result) -> bool:
    return stored is not None and (stored.file_size, stored.file_mtime_ns) == (
        on_disk.st_size,
        on_disk.st_mtime_ns,
    )


def discover(source: Path, known: KnownState, max_bytes: int) -> Discovery:
    """Hash every candidate file (or JSON Lines record) and group new content into work items.

    Files over ``max_bytes`` are not read: they are reported as ``too_large``. A page already
    stored or quarantined with the same bytes (or unread, with no bytes) is skipped; a path
    stored before with other bytes is a new version of its document. A file whose size and
    modification time equal those of its path's newest stored version is skipped unread.
    """
    root = source.resolve()
    groups: dict[str, list[SourceFile]] = defaultdict(list)
    unreadable: list[Unreadable] = []
    skipped = 0

    def add(file: SourceFile, raw: bytes) -> None:
        nonlocal skipped
        key = doc_id(raw)
        stored = known.documents.get(file.relative)
        if (stored and key == stored.doc_id) or (file.relative, key) in known.quarantined:
            skipped += 1
        else:
            groups[key].append(replace(file, version=stored.version + 1 if stored else 1))

    def reject(relative: str, reason: str, detail: str) -> None:
        nonlocal skipped
        if (relative, None) in known.quarantined:
            skipped += 1
        else:
            unreadable.append(Unreadable(relative, reason, detail))

    paths = candidate_paths(source)
    for path in paths:
        relative = path.relative_to(source).as_posix()
        site = site_for(relative, root.name)
        fmt = input_format(path.name) or "text"
        try:
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                raise ReadProblem("outside_source", "symlink leads outside SOURCE")
            on_disk = path.stat()
            if fmt != "jsonl" and _unchanged(known.documents.get(relative), on_disk):
                skipped += 1
                continue
            raw = read_input(path, max_bytes)
        except ReadProblem as problem:
            reject(relative, problem.reason, problem.detail)
            continue
        except OSError as err:
            reject(relative, "unreadable", err.strerror or str(err))
            continue
        file_info = {"file_size": on_disk.st_size, "file_mtime_ns": on_disk.st_mtime_ns}
        if fmt != "jsonl":
            add(SourceFile(str(path), relative, site, fmt, len(raw), **file_info), raw)
            continue
        for record in parse_jsonl(raw):
            if isinstance(record, BrokenLine):
                reject(f"{relative}#L{record.key}", "bad_json_line", record.detail)
                continue
            content = record.content.encode("utf-8")
            add(
                SourceFile(
                    str(path),
                    f"{relative}#{record.key}",
                    record.site or site,
                    record.format,
                    len(content),
                    record=record.line_no,
                    title=record.title,
                    **file_info,
                ),
                content,
            )
    items = tuple(
        WorkItem(key, tuple(files), key in known.articles) for key, files in groups.items()
    )
    return Discovery(len(paths), skipped, items, tuple(unreadable))
