import codecs

from transforms.decode import decode_text
from transforms.records import Rejection


def test_utf8_text_is_returned_unchanged():
    assert decode_text("naïve “quotes”".encode()) == "naïve “quotes”"


def test_windows_1252_is_decoded_without_mojibake():
    assert decode_text("It’s café time".encode("cp1252")) == "It’s café time"


def test_utf16_with_bom_is_decoded():
    assert decode_text("Grüße aus Köln".encode("utf-16")) == "Grüße aus Köln"


def test_utf8_bom_is_stripped():
    assert decode_text(codecs.BOM_UTF8 + b"hello") == "hello"


def test_empty_file_is_rejected_as_empty():
    assert decode_text(b"") == Rejection("empty", "the file has no bytes")


def test_whitespace_only_is_rejected_as_blank():
    result = decode_text(b" \n\t\r\n ")
    assert isinstance(result, Rejection) and result.reason == "blank"


def test_nul_bytes_mean_binary():
    result = decode_text(b"abc\x00def")
    assert isinstance(result, Rejection) and result.reason == "binary"
    assert "offset 3" in result.detail


def test_image_signature_means_binary():
    result = decode_text(b"\x89PNG\r\n\x1a\n" + b"x" * 100)
    assert isinstance(result, Rejection) and result.detail == "looks like PNG image"


def test_random_bytes_are_rejected_as_binary():
    noise = bytes((i * 7919 + 13) % 256 for i in range(2000))
    result = decode_text(noise)
    assert isinstance(result, Rejection) and result.reason == "binary"
