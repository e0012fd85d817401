"""Parquet layout, table schemas and the DuckDB catalog of the pagewash warehouse."""
