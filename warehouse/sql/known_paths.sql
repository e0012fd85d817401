-- The snapshot of known paths (work_plan.KNOWN), sorted by path: the newest version of each
-- path, one row per path (JSON Lines records that repeat an id share one: the smallest
-- doc_id), so that lookups do not fan out; from the last snapshot (snapshot, empty when
-- there is none) and the documents rows to add (documents).
--
-- A snapshot also holds a row per JSON Lines file read to its end (version 0, no doc_id) with
-- the file's stats, so that an unchanged one is skipped unread like any other file, and what
-- discovery saw of it (shards: work_plan.SHARDS), so that one that grew is read from where the
-- last read ended. Each path keeps the stats its file has now: a file this run found with
-- the bytes of its stored version (found: work_plan.FOUND; copied without its times,
-- touched), and each JSON Lines file this run read to the end; the next run skips them
-- unread while those stats hold.
WITH rows AS (
    SELECT * FROM snapshot
    UNION ALL BY NAME
    SELECT source, doc_id, version, file_size, file_mtime_ns,
           NULL::BIGINT AS shard_end, NULL::BIGINT AS shard_lines, NULL::VARCHAR AS shard_mark
    FROM documents
),
newest AS (
    SELECT DISTINCT ON (source) source, doc_id, version, file_size, file_mtime_ns,
           shard_end, shard_lines, shard_mark
    FROM rows ORDER BY source, version DESC, doc_id
),
files AS (
    SELECT DISTINCT ON (relative) relative, doc_id, file_size, file_mtime_ns
    FROM found WHERE record IS NULL AND doc_id IS NOT NULL
),
jsonl AS (
    SELECT DISTINCT ON (relative) relative AS source, NULL::VARCHAR AS doc_id,
           0::INTEGER AS version, file_size, file_mtime_ns, shard_end, shard_lines, shard_mark
    FROM shards WHERE file_size IS NOT NULL
)
SELECT k.source, k.doc_id, k.version,
       coalesce(f.file_size, k.file_size) AS file_size,
       coalesce(f.file_mtime_ns, k.file_mtime_ns) AS file_mtime_ns,
       k.shard_end, k.shard_lines, k.shard_mark
FROM newest AS k
LEFT JOIN files AS f ON f.relative = k.source AND f.doc_id = k.doc_id
WHERE k.source NOT IN (SELECT source FROM jsonl)
UNION ALL SELECT * FROM jsonl
ORDER BY source
