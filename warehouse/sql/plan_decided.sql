-- Every row discovery found ($found: its files) decided against the snapshot of known paths
-- ($known: its file) and the quarantine: skipped when its path's newest stored version has
-- the same doc_id, or the path is quarantined with the same hash (or unread, with none);
-- else the next version of its path. The rest, to clean, in discovery order (todo), grouped
-- by doc_id into work items in the order of their first row (items). Run one statement at a
-- time (duck.statements).
CREATE TEMP TABLE decided AS
SELECT f.*, coalesce(k.version, 0) + 1 AS version,
       coalesce(k.doc_id = f.doc_id, false) OR q.source IS NOT NULL AS skip
FROM read_parquet($found) AS f
LEFT JOIN read_parquet($known) AS k ON k.source = f.relative
LEFT JOIN (SELECT DISTINCT source, content_hash FROM quarantine) AS q
    ON q.source = f.relative AND q.content_hash IS NOT DISTINCT FROM f.doc_id;

CREATE TEMP TABLE todo AS
SELECT *, row_number() OVER (ORDER BY position, record NULLS FIRST) AS seq
FROM decided WHERE reason IS NULL AND NOT skip;

CREATE TEMP TABLE items AS
SELECT doc_id, row_number() OVER (ORDER BY min(seq)) AS item_no FROM todo GROUP BY doc_id;
