-- Where the last read of the plain JSON Lines shards $names ended (work_plan.StoredShard),
-- from the snapshot of known paths ($known: its file).
SELECT source, file_size, shard_end, shard_lines, shard_mark FROM read_parquet($known)
WHERE list_contains($names, source) AND shard_end IS NOT NULL AND file_size IS NOT NULL
