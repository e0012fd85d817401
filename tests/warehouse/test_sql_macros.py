"""The DuckDB macros (warehouse/sql/macros.sql) mean what the Python side means."""

from __future__ import annotations

import duckdb

from transforms.cleaning import build_document
from transforms.keys import word_count
from warehouse.duck import sql_file

PAGE = (
    "Home > News > Storm\nStorm hits the coast\n\n"
    "Rain fell all day on the coast, and the roads were closed by noon.\n\n"
    "The river rose  two metres overnight, the council said on Monday morning.\n"
)


def test_word_count_and_paragraphs_agree_with_the_clean_document():
    doc = build_document(PAGE.encode(), "text")
    with duckdb.connect() as con:
        con.execute(sql_file("macros.sql"))
        words, paragraphs = con.execute(
            "SELECT word_count($body), body_paragraphs($body)", {"body": doc.body}
        ).fetchone()
    assert words == doc.n_words
    assert paragraphs == doc.body.split("\n\n")


def test_the_word_count_macro_counts_as_the_python_word_count_does():
    texts = ["", " ", "a", " a", "a ", "Rain  fell\tall\n\nday", "\n\nStorm hits\n"]
    with duckdb.connect() as con:
        con.execute(sql_file("macros.sql"))
        counts = [con.execute("SELECT word_count($t)", {"t": t}).fetchone()[0] for t in texts]
    assert counts == [word_count(t) for t in texts] == [0, 0, 1, 1, 1, 4, 2]


def test_a_lines_key_is_its_paragraphs_key_whatever_its_spacing():
    with duckdb.connect() as con:
        con.execute(sql_file("macros.sql"))
        keys = con.execute(
            "SELECT paragraph_key(body_spacing($line)), paragraph_key($paragraph)",
            {"line": "  Rain fell\tall  DAY. ", "paragraph": "Rain fell all day."},
        ).fetchone()
    assert keys[0] == keys[1]
