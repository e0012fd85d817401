-- The DuckDB catalog of a pagewash warehouse: one view per table over its Parquet files.
-- Each placeholder in braces stands for the quoted glob of that table's files (absolute paths, so the
-- catalog works from any working directory). Rows are visible only once their load is
-- recorded in `loads`, which a load writes last.

CREATE OR REPLACE VIEW loads AS
SELECT * FROM read_parquet({loads_files}, union_by_name = true);

CREATE OR REPLACE VIEW documents AS
SELECT * FROM read_parquet({documents_files}, union_by_name = true)
WHERE load_id IN (SELECT load_id FROM loads);

CREATE OR REPLACE VIEW articles AS
SELECT * FROM read_parquet({articles_files}, union_by_name = true)
WHERE load_id IN (SELECT load_id FROM loads);

CREATE OR REPLACE VIEW lines AS
SELECT * FROM read_parquet({lines_files}, union_by_name = true)
WHERE load_id IN (SELECT load_id FROM loads);

CREATE OR REPLACE VIEW headline_mentions AS
SELECT * FROM read_parquet({headline_mentions_files}, union_by_name = true)
WHERE load_id IN (SELECT load_id FROM loads);

CREATE OR REPLACE VIEW quarantine AS
SELECT * FROM read_parquet({quarantine_files}, union_by_name = true)
WHERE load_id IN (SELECT load_id FROM loads);

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
