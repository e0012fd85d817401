"""Run a user's SQL over the warehouse, read-only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from warehouse.catalog import connect_read_only
from warehouse.layout import Layout

# SELECT covers DESCRIBE, SHOW and SUMMARIZE too. Anything else (COPY, ATTACH, SET, ...)
# is refused before it runs: COPY could otherwise write into the warehouse folder itself.
READ_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})


class QueryError(RuntimeError):
    """The warehouse is missing or the SQL failed; the message is meant for the user."""


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def run_query(layout: Layout, sql: str) -> QueryResult:
    """Execute ``sql`` on a read-only connection to the warehouse catalog."""
    if not layout.exists(layout.catalog):
        raise QueryError(f"no warehouse at {layout.url}: run `pagewash run SOURCE` first")
    try:
        with connect_read_only(layout) as con:
            for statement in con.extract_statements(sql):
                if statement.type not in READ_STATEMENTS:
                    raise QueryError(f"only SELECT queries are allowed, not {statement.type.name}")
            cursor = con.execute(sql)
            columns = tuple(d[0] for d in cursor.description or ())
            rows = cursor.fetchall() if columns else []
    except duckdb.Error as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise QueryError(first_line) from None
    return QueryResult(columns, rows)
