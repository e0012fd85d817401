-- The DuckDB catalog's derived views. They run after the views over each table's Parquet
-- files (TABLE_VIEW in catalog.py), so they see the snapshot of completed loads only.

-- One row per distinct normalized headline over all loads. The display form and the first
-- document are those of the earliest ingested mention (ties: smallest doc_id, position).
CREATE OR REPLACE VIEW headlines AS
WITH first_ingest AS (
    SELECT doc_id, min(ingested_at) AS ingested_at FROM documents GROUP BY doc_id
),
mentions AS (
    SELECT m.*, f.ingested_at
    FROM headline_mentions AS m JOIN first_ingest AS f USING (doc_id)
)
SELECT
    headline_key,
    arg_min(headline, (ingested_at, doc_id, position)) AS headline,
    count(DISTINCT doc_id) AS n_docs,
    count(DISTINCT site) AS n_sites,
    arg_min(doc_id, (ingested_at, doc_id, position)) AS first_seen_doc,
    min(ingested_at) AS first_seen_at
FROM mentions
GROUP BY headline_key;
