"""Turn raw file bytes into text, or say why they are not text.

Rule: a byte-order mark decides the encoding; otherwise strict UTF-8, then Windows-1252
(the usual legacy encoding of scraped Western pages), then Latin-1. Bytes that decode only
into control characters, or that carry a known binary signature or NUL bytes, are rejected.
Mojibake already in the file (UTF-8 once read as Windows-1252) is repaired.

>>> decode_text("caf\\xe9".encode("cp1252"))
'café'
"""

from __future__ import annotations

import codecs
import re

from transforms.records import Rejection

# Signatures of common binary formats that get renamed to .txt/.html by scrapers.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"RIFF", "RIFF media"),
    (b"\x7fELF", "executable"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# More than this share of control characters means the bytes are not text.
MAX_CONTROL_SHARE = 0.02


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / max(len(text), 1)


def decode_text(raw: bytes) -> str | Rejection:
    """Decode ``raw`` to text, or return a Rejection naming why it is not text."""
    if not raw:
        return Rejection("empty", "the file has no bytes")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as err:
                return Rejection("undecodable", f"{encoding} byte-order mark but {err.reason}")
            return _check_text(text)
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            return Rejection("binary", f"looks like {kind}")
    nul = raw.find(b"\x00")
    if nul >= 0:
        return Rejection("binary", f"NUL byte at offset {nul}")
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _check_text(text)
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


# UTF-8 read as Windows-1252: "â€™" for "’", "Ã©" for "é", "Â " for a no-break space.
_MOJIBAKE = re.compile("â€|Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as Windows-1252 somewhere before it reached us.

    Applied only when the round trip succeeds and leaves fewer telltale sequences.

    >>> repair_mojibake("Itâ€™s cafÃ© time")
    'It’s café time'
    """
    before = len(_MOJIBAKE.findall(text))
    if not before:
        return text
    try:
        fixed = text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text
    return fixed if len(_MOJIBAKE.findall(fixed)) < before else text


def _check_text(text: str) -> str | Rejection:
    if not text.strip():
        return Rejection("blank", "only whitespace")
    share = _control_share(text)
    if share > MAX_CONTROL_SHARE:
        return Rejection("binary", f"{share:.0%} control characters")
    return repair_mojibake(text)
