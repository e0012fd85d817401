"""Turn raw file bytes into text, naming the encoding used, or say why they are not text.

Rules, in order:

1. A byte-order mark decides the encoding.
2. A known binary signature (PNG, PDF, ZIP, ...) means binary.
3. NUL bytes in every other position and almost none in the rest mean UTF-16 without a mark.
4. More than 2% control bytes (not tab, newline, form feed or carriage return) means binary:
   one stray NUL in a long page does not.
5. Bytes whose non-ASCII characters are mostly valid UTF-8 (at least ``MIN_UTF8_SHARE`` of
   them, each invalid byte counting as one) are UTF-8: a UTF-8 page with a few bad bytes stays
   UTF-8. Legacy text almost never forms valid UTF-8 sequences (Windows-1252 letters are
   followed by ASCII; Shift-JIS and GBK pairs are valid UTF-8 by chance one time in ten).
6. Anything else is a legacy encoding, which charset-normalizer guesses among the encodings
   browsers read (``WEB_LEGACY``), giving way to Windows-1252, the usual encoding of
   unlabelled Western pages, unless its guess is clearly better; failing a guess, Windows-1252,
   then Latin-1.

Why both (``python -m benchmarks.encodings``: 538 pages of real text encoded in ten ways):
charset-normalizer alone gets 71% right, since it leaves UTF-8 with three bad bytes undecoded
and takes English pages with a few curly quotes for Mac or DOS code pages; the ratio rule
alone gets 85%, turning every Shift-JIS, GBK and Cyrillic page into Windows-1252 mojibake;
the ratio rule for UTF-8 and charset-normalizer for the rest, as above, gets 97% (0.7 ms a
page on average; charset-normalizer is called only for pages that are not UTF-8). In every rule a
byte the encoding cannot decode becomes one U+FFFD, and is counted. Mojibake already in the
file (UTF-8 once read as Windows-1252) is repaired.

>>> decode(b"caf\\xc3\\xa9 \\xff ok")
Decoded(text='café \\ufffd ok', encoding='utf-8', replaced_bytes=1)
>>> decode("café".encode("cp1252")).encoding
'cp1252'
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from charset_normalizer import from_bytes

from transforms.records import Decoded, Reason, Rejection

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
# More than this share of control characters (or control bytes) means the bytes are not text.
MAX_CONTROL_SHARE = 0.02
# Bytes are UTF-8 when at least this share of their non-ASCII characters decode.
MIN_UTF8_SHARE = 0.5
# A byte-order mark is believed unless more than this share of the bytes after it is invalid.
MAX_REPLACED_SHARE = 0.1
# UTF-16 without a mark: ASCII characters put a NUL in every other byte.
MIN_UTF16_NUL_SHARE = 0.2
# The legacy encoding charset-normalizer's ties give way to (WHATWG's default for Western pages).
PREFERRED_LEGACY = "cp1252"
# A guess ties with Windows-1252 unless it is this much less messy or more coherent
# (charset-normalizer's measures, 0 to 1), as a few curly quotes in English text cannot show.
TIE_CHAOS = 0.05
TIE_COHERENCE = 0.1
# The legacy encodings charset-normalizer may guess: those of the WHATWG Encoding Standard, the
# ones browsers read (Latin-1 is read as Windows-1252 there, and here). Without this list it
# takes Western pages with a few curly quotes for DOS or Mac code pages (cp775, hp-roman8).
WEB_LEGACY = (
    "cp1250 cp1251 cp1252 cp1253 cp1254 cp1255 cp1256 cp1257 cp1258 cp874 cp866 koi8_r koi8_u"
    " mac_roman mac_cyrillic iso8859_2 iso8859_3 iso8859_4 iso8859_5 iso8859_6 iso8859_7"
    " iso8859_8 iso8859_10 iso8859_13 iso8859_14 iso8859_15 iso8859_16"
    " cp932 euc_jp iso2022_jp gb18030 gbk big5 cp949 euc_kr"
).split()

_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_NON_ASCII = re.compile("[^\x00-\x7f]")

# Each byte a codec cannot decode becomes this lone surrogate, which no codec produces from
# valid input, so the invalid bytes can be counted before they become U+FFFD.
_MARK = "\udcff"


def _mark_invalid(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return _MARK * (err.end - err.start), err.end


codecs.register_error("pagewash.mark_invalid", _mark_invalid)


def _decode(raw: bytes, encoding: str) -> tuple[str, int]:
    """``raw`` decoded with ``encoding`` (each invalid byte marked), and the marks' count."""
    text = raw.decode(encoding, "pagewash.mark_invalid")
    return text, text.count(_MARK)


def _name(encoding: str) -> str:
    """A codec's canonical name: ``codecs.lookup("UTF8").name == "utf-8"``."""
    return codecs.lookup(encoding).name


def utf8_share(raw: bytes) -> float:
    """The share of the non-ASCII characters of ``raw`` that are valid UTF-8, each invalid byte
    counting as one character (1.0 for ASCII).

    >>> utf8_share("naïve".encode()), utf8_share("naïve".encode("cp1252"))
    (1.0, 0.0)
    """
    text, invalid = _decode(raw, "utf-8")
    non_ascii = len(_NON_ASCII.findall(text))
    return 1.0 - invalid / non_ascii if non_ascii else 1.0


def guess_legacy(raw: bytes) -> str:
    """charset-normalizer's guess among ``WEB_LEGACY`` of the encoding of ``raw``, giving way
    to ``PREFERRED_LEGACY`` on a tie; ``PREFERRED_LEGACY`` when it has none.

    >>> guess_legacy("Грузовик подъехал к складу.".encode("cp1251"))
    'cp1251'
    """
    matches = from_bytes(raw, cp_isolation=WEB_LEGACY)
    best = matches.best()
    if best is None:
        return PREFERRED_LEGACY
    for match in matches:
        tied = (
            match.chaos <= best.chaos + TIE_CHAOS
            and match.coherence >= best.coherence - TIE_COHERENCE
        )
        if tied and PREFERRED_LEGACY in match.could_be_from_charset:
            return PREFERRED_LEGACY
    return _name(best.encoding)


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when NUL bytes fill one parity and not the other."""
    half = len(raw) // 2
    if half < 2:
        return None
    even, odd = raw[0::2].count(0) / half, raw[1::2].count(0) / half
    if odd >= MIN_UTF16_NUL_SHARE and even < MIN_UTF16_NUL_SHARE / 10:
        return "utf-16-le"
    if even >= MIN_UTF16_NUL_SHARE and odd < MIN_UTF16_NUL_SHARE / 10:
        return "utf-16-be"
    return None


def decode(raw: bytes, legacy: Callable[[bytes], str] = guess_legacy) -> Decoded | Rejection:
    """Decode ``raw`` (``legacy`` names the encoding of bytes that are not UTF-8), or return a
    Rejection naming why it is not text."""
    if not raw:
        return Rejection(Reason.EMPTY, "the file has no bytes")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            text, replaced = _decode(raw, encoding)
            if replaced > MAX_REPLACED_SHARE * len(raw):
                return Rejection(
                    Reason.UNDECODABLE, f"{encoding} byte-order mark but {replaced} invalid bytes"
                )
            return _check_text(text, _name(encoding), replaced)
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            return Rejection(Reason.BINARY, f"looks like {kind}")
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:
        text, replaced = _decode(raw, utf16)
        if replaced <= MAX_REPLACED_SHARE * len(raw):
            return _check_text(text, utf16, replaced)
    controls = len(raw) - len(raw.translate(None, _CONTROL_BYTES))
    if controls > MAX_CONTROL_SHARE * len(raw):
        first = next(i for i, byte in enumerate(raw) if byte in _CONTROL_BYTES)
        share = controls / len(raw)
        return Rejection(Reason.BINARY, f"{share:.0%} control bytes, the first at offset {first}")
    if raw.isascii():
        return _check_text(raw.decode("ascii"), "ascii", 0)
    if utf8_share(raw) >= MIN_UTF8_SHARE:
        text, replaced = _decode(raw, "utf-8")
        return _check_text(text, "utf-8", replaced)
    encoding = _name(legacy(raw))
    text, replaced = _decode(raw, encoding)
    if replaced and encoding == "cp1252":  # five bytes Windows-1252 leaves undefined
        text, replaced, encoding = raw.decode("latin-1"), 0, "iso8859-1"
    return _check_text(text, encoding, replaced)


def decode_text(raw: bytes) -> str | Rejection:
    """``decode``'s text alone, for callers that need not record how it was decoded.

    >>> decode_text("caf\\xe9".encode("cp1252"))
    'café'
    """
    decoded = decode(raw)
    return decoded if isinstance(decoded, Rejection) else decoded.text


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


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / max(len(text), 1)


def _check_text(text: str, encoding: str, replaced: int) -> Decoded | Rejection:
    if replaced:
        text = text.replace(_MARK, "\ufffd")
    if not text.strip():
        return Rejection(Reason.BLANK, "only whitespace")
    share = _control_share(text)
    if share > MAX_CONTROL_SHARE:
        return Rejection(Reason.BINARY, f"{share:.0%} control characters")
    return Decoded(repair_mojibake(text), encoding, replaced)
