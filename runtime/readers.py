"""Read an input file's bytes safely: regular files only, size-capped, gzip unpacked; a local
path or any fsspec URL (``s3://bucket/page.html``)."""

from __future__ import annotations

import gzip
import os
import stat
import zlib
from pathlib import Path
from typing import BinaryIO

import fsspec

from transforms.cleaning import format_for
from transforms.records import Rejection

GZIP_SUFFIX = ".gz"


class ReadProblem(Exception):
    """Raised when a file's bytes cannot be had; its ``rejection`` goes to the quarantine
    table."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.rejection = Rejection(reason, detail)


def input_format(name: str) -> str | None:
    """The format of a file name (or path), looking through a trailing ``.gz``; plain string
    work, since discovery asks it of every name under SOURCE.

    >>> input_format("pages.jsonl.gz"), input_format("a.HTML"), input_format("a.gz")
    ('jsonl', 'html', None)
    >>> input_format(".txt"), input_format("site.d/page")  # no suffix, as pathlib reads them
    (None, None)
    """
    base = name.rpartition("/")[2].lower()
    base = base.removesuffix(GZIP_SUFFIX)
    dot = base.rfind(".")
    return format_for(base[dot:]) if dot > 0 else None


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ReadProblem("too_large", f"{size:,} bytes, over the {max_bytes:,}-byte limit")


def _open(path: str, max_bytes: int) -> BinaryIO:
    """The file opened for reading, once it is known to be a regular file within the limit."""
    if "://" not in path:
        status = Path(path).stat()
        if not stat.S_ISREG(status.st_mode):  # a FIFO or device would block or never end
            raise ReadProblem("not_a_file", "not a regular file")
        _check_size(status.st_size, max_bytes)
        return open(path, "rb")
    fs, key = fsspec.core.url_to_fs(path)
    _check_size(int(fs.size(key)), max_bytes)
    return fs.open(key, "rb")  # type: ignore[no-any-return]


def read_input(location: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The file's bytes (unpacked when it ends in ``.gz``), at most ``max_bytes`` of them."""
    path = os.fspath(location)
    try:
        with _open(path, max_bytes) as handle:
            if not path.lower().endswith(GZIP_SUFFIX):
                return handle.read()
            with gzip.open(handle, "rb") as stream:
                data = stream.read(max_bytes + 1)  # stops a decompression bomb at the limit
    except OSError as err:
        if isinstance(err, gzip.BadGzipFile):
            raise ReadProblem("bad_gzip", str(err)) from None
        raise ReadProblem("unreadable", err.strerror or str(err)) from None
    except (EOFError, zlib.error) as err:
        raise ReadProblem("bad_gzip", f"damaged gzip stream ({err})") from None
    if len(data) > max_bytes:
        raise ReadProblem("too_large", f"unpacks to over the {max_bytes:,}-byte limit")
    return data
