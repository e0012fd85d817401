"""Read an input file's bytes safely: regular files only, size-capped, gzip unpacked; a local
path or any fsspec URL (``s3://bucket/page.html``). JSON Lines shards are streamed instead
(``runtime.shards``), through ``open_input``."""

from __future__ import annotations

import gzip
import os
import stat
import zlib
from pathlib import Path
from typing import BinaryIO

import fsspec

from transforms.cleaning import format_for
from transforms.records import Reason, Rejection

GZIP_SUFFIX = ".gz"
# Zstandard packs JSON Lines shards only (what corpora for language models use); a page is
# gzipped or plain.
ZSTD_SUFFIX = ".zst"


class ReadProblem(Exception):
    """Raised when a file's bytes cannot be had; its ``rejection`` goes to the quarantine
    table."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.rejection = Rejection(reason, detail)


def input_format(name: str) -> str | None:
    """The format of a file name (or path), looking through a trailing ``.gz``; plain string
    work, since discovery asks it of every name under SOURCE.

    >>> input_format("pages.jsonl.gz"), input_format("a.HTML"), input_format("a.gz")
    ('jsonl', 'html', None)
    >>> input_format("shard.jsonl.zst"), input_format("page.html.zst")
    ('jsonl', None)
    >>> input_format(".txt"), input_format("site.d/page")  # no suffix, as pathlib reads them
    (None, None)
    """
    base = name.rpartition("/")[2].lower()
    zstd = base.endswith(ZSTD_SUFFIX)
    base = base.removesuffix(ZSTD_SUFFIX) if zstd else base.removesuffix(GZIP_SUFFIX)
    dot = base.rfind(".")
    fmt = format_for(base[dot:]) if dot > 0 else None
    return None if zstd and fmt != "jsonl" else fmt


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ReadProblem(Reason.TOO_LARGE, f"{size:,} bytes, over the {max_bytes:,}-byte limit")


def open_input(path: str, max_bytes: int | None = None) -> BinaryIO:
    """The file opened for reading, once it is known to be a regular file within the limit
    (``None``: any size, for a JSON Lines shard, whose limit is per record)."""
    if "://" not in path:
        status = Path(path).stat()
        if not stat.S_ISREG(status.st_mode):  # a FIFO or device would block or never end
            raise ReadProblem(Reason.NOT_A_FILE, "not a regular file")
        if max_bytes is not None:
            _check_size(status.st_size, max_bytes)
        return open(path, "rb")
    fs, key = fsspec.core.url_to_fs(path)
    if max_bytes is not None:
        _check_size(int(fs.size(key)), max_bytes)
    return fs.open(key, "rb")  # type: ignore[no-any-return]


def read_input(location: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The file's bytes (unpacked when it ends in ``.gz``), at most ``max_bytes`` of them."""
    path = os.fspath(location)
    try:
        with open_input(path, max_bytes) as handle:
            if not path.lower().endswith(GZIP_SUFFIX):
                return handle.read()
            with gzip.open(handle, "rb") as stream:
                data = stream.read(max_bytes + 1)  # stops a decompression bomb at the limit
    except OSError as err:
        if isinstance(err, gzip.BadGzipFile):
            raise ReadProblem(Reason.BAD_GZIP, str(err)) from None
        raise ReadProblem(Reason.UNREADABLE, err.strerror or str(err)) from None
    except (EOFError, zlib.error) as err:
        raise ReadProblem(Reason.BAD_GZIP, f"damaged gzip stream ({err})") from None
    if len(data) > max_bytes:
        raise ReadProblem(Reason.TOO_LARGE, f"unpacks to over the {max_bytes:,}-byte limit")
    return data
