-- The rows of a group of a table's files ($files), sorted for the merged file
-- (compaction.SORT_KEYS). The columns and the sort keys are identifiers, which cannot be
-- bound: the columns placeholder holds the table's declared columns, the keys placeholder
-- its sort keys, each quoted (duck.column_list).
SELECT {columns} FROM read_parquet($files, union_by_name = true) ORDER BY {keys}
