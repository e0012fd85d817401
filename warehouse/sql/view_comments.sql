-- The comment of each of the catalog's views: which of them a new catalog must build again.
SELECT view_name, comment FROM duckdb_views() WHERE NOT internal
