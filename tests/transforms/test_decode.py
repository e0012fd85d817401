import codecs
from pathlib import Path

import pytest

from transforms.cleaning import build_document
from transforms.decode import decode, decode_text
from transforms.records import CleanDocument, Decoded, Rejection
from warehouse.layout import Layout
from warehouse.query import run_query

RUSSIAN = "Грузовик подъехал к складу рано утром, и рабочие начали разгрузку мешков с мукой. "
# charset-normalizer takes the first sentence alone, even repeated, for Korean (cp949).
JAPANESE = (
    "東京の朝は早い。駅前の商店街では、八時になるとパン屋が店を開け、通勤客が列を作る。"
    "昼になると、近くの会社員が弁当を買いに来る。夕方には学生たちが本屋に立ち寄り、新しい雑誌を"
    "手に取って読んでいる。"
)
CHINESE = "今天早上，北京的天气很好。公园里有很多人在散步，孩子们在草地上踢足球，老人们在下棋。"


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


def test_a_small_file_that_is_one_seventh_nul_is_binary_by_share():
    result = decode_text(b"abc\x00def")
    assert isinstance(result, Rejection) and result.reason == "binary"
    assert result.detail == "14% control bytes, the first at offset 3"


def test_image_signature_means_binary():
    result = decode_text(b"\x89PNG\r\n\x1a\n" + b"x" * 100)
    assert isinstance(result, Rejection) and result.detail == "looks like PNG image"


def test_random_bytes_are_rejected_as_binary():
    noise = bytes((i * 7919 + 13) % 256 for i in range(2000))
    result = decode_text(noise)
    assert isinstance(result, Rejection) and result.reason == "binary"


def test_utf8_with_a_few_bad_bytes_stays_utf8_and_counts_them():
    text = "Grüße aus Köln, “quoted” café. " * 20
    raw = text.encode()
    raw = raw[:100] + b"\xff\xfe" + raw[100:400] + b"\x80" + raw[400:]
    result = decode(raw)
    assert isinstance(result, Decoded)
    assert (result.encoding, result.replaced_bytes) == ("utf-8", 3)
    assert result.text.replace("\ufffd", "") == text
    assert result.text.count("\ufffd") == 3


def test_windows_1252_is_named():
    result = decode("It’s a “naïve” café — résumé attached.".encode("cp1252"))
    assert result == Decoded("It’s a “naïve” café — résumé attached.", "cp1252", 0)


def test_latin1_text_comes_back():
    text = "Él comió paella en la ciudad; ¿qué más? Ça coûte très cher à Genève. " * 3
    result = decode(text.encode("latin-1"))
    assert isinstance(result, Decoded) and result.text == text and result.replaced_bytes == 0


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_found_by_its_nul_bytes(codec):
    text = "<p>Grüße aus Köln: the river rose overnight.</p>\n" * 5
    assert decode(text.encode(codec)) == Decoded(text, codec, 0)


def test_utf16_with_bom_is_named_utf16():
    result = decode("Grüße aus Köln".encode("utf-16"))
    assert result == Decoded("Grüße aus Köln", "utf-16", 0)


@pytest.mark.parametrize(
    ("text", "codec", "named"),
    [
        (JAPANESE * 3, "shift_jis", "cp932"),
        (CHINESE * 3, "gbk", "gb18030"),
        (RUSSIAN * 3, "cp1251", "cp1251"),
    ],
)
def test_legacy_multibyte_and_cyrillic_pages_are_decoded(text, codec, named):
    result = decode(text.encode(codec))
    assert isinstance(result, Decoded)
    assert (result.text, result.encoding) == (text, named)


def test_a_bom_with_bad_bytes_keeps_its_encoding_and_counts_them():
    raw = codecs.BOM_UTF8 + "Grüße aus Köln. ".encode() * 10 + b"\xc3(" + b" the end"
    result = decode(raw)
    assert isinstance(result, Decoded)
    assert (result.encoding, result.replaced_bytes) == ("utf-8-sig", 1)
    assert result.text.endswith("\ufffd( the end")


def test_a_bom_before_garbage_is_undecodable():
    result = decode(codecs.BOM_UTF8 + bytes(range(0x80, 0x100)) * 4)
    assert isinstance(result, Rejection) and result.reason == "undecodable"


def test_one_nul_in_a_long_html_page_is_not_binary():
    paragraph = "<p>The harbour council met on Tuesday to discuss the ferry pier.</p>\n"
    page = ("<html><body><h1>Pier</h1>" + paragraph * 250).encode()
    page = page[:20_000] + b"\x00" + page[20_000:] + b"</body></html>"
    assert len(page) > 17_000
    result = decode(page)
    assert isinstance(result, Decoded) and result.encoding == "ascii"
    assert isinstance(build_document(page, "html"), CleanDocument)


def test_a_clean_document_records_how_it_was_decoded():
    doc = build_document("Storm\nRain fell all day on the café terrace.".encode("cp1252"), "text")
    assert isinstance(doc, CleanDocument)
    assert (doc.encoding, doc.replaced_bytes) == ("cp1252", 0)


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_the_documents_table_records_encoding_and_replaced_bytes(tmp_path: Path):
    from flows.ingest import ingest

    source = tmp_path / "inbox" / "example.org"
    source.mkdir(parents=True)
    story = "The harbour council voted on Tuesday to close the old ferry pier for repairs. "
    (source / "legacy.txt").write_bytes(("Pier\n" + story * 3 + "Café.").encode("cp1252"))
    broken = ("Ferry\n" + story * 3 + "Grüße.").encode()
    (source / "broken.txt").write_bytes(broken[:40] + b"\xff\xfe" + broken[40:])
    ingest(str(tmp_path / "inbox"), str(tmp_path / "wh"))
    rows = run_query(
        Layout.at(tmp_path / "wh"),
        "SELECT source, encoding, replaced_bytes FROM documents ORDER BY source",
    ).rows
    assert rows == [
        ("example.org/broken.txt", "utf-8", 2),
        ("example.org/legacy.txt", "cp1252", 0),
    ]
