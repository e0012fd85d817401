-- Listed files to read (listed: work_plan.to_read's part of the walk): all but those whose
-- size and modification time (both known) equal their path's in the snapshot of known paths
-- ($known: its file), the newest stored version's (a JSON Lines file's: those it had when
-- last read).
SELECT l.position, l.relative, l.format, l.size, l.mtime_ns
FROM listed AS l LEFT JOIN (
    -- the snapshot is sorted by path: a part of the walk reads the row groups of its range
    SELECT * FROM read_parquet($known) WHERE source BETWEEN $first AND $last
) AS k ON k.source = l.relative
WHERE l.size IS NULL OR l.mtime_ns IS NULL
   OR k.file_size IS DISTINCT FROM l.size OR k.file_mtime_ns IS DISTINCT FROM l.mtime_ns
ORDER BY l.position
