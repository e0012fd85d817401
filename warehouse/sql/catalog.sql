-- The DuckDB catalog's derived views. They run after the views over each table's Parquet
-- files (TABLE_VIEW in catalog.py), so they see the snapshot of completed loads only.

-- The newest version of every source path (a re-crawl with other bytes is a new version).
CREATE OR REPLACE VIEW current_documents AS
SELECT * FROM documents
QUALIFY version = max(version) OVER (PARTITION BY source);

-- One row per article that is the current version of at least one source path, as the
-- structural labeler cleaned it (one page at a time).
CREATE OR REPLACE VIEW labeled_articles AS
SELECT * FROM article_versions
WHERE doc_id IN (SELECT doc_id FROM current_documents);

-- The same articles less the paragraphs site-level evidence removes (refined_bodies, see
-- warehouse/site_evidence.py), by their positions in the body.
CREATE OR REPLACE VIEW articles AS
WITH refined AS (
    SELECT a.*, array_to_string(
        list_filter(
            body_paragraphs(a.body),
            lambda p, i: NOT list_contains(list_transform(r.removed, lambda x: x.position), i)
        ),
        chr(10) || chr(10)
    ) AS refined_body
    FROM labeled_articles AS a JOIN refined_bodies AS r USING (doc_id)
)
SELECT * FROM labeled_articles WHERE doc_id NOT IN (SELECT doc_id FROM refined_bodies)
UNION ALL BY NAME
SELECT * EXCLUDE (refined_body) REPLACE (
    refined_body AS body,
    word_count(refined_body)::INTEGER AS n_words
) FROM refined;

-- Every line with the label the labeler gave it, or the site-level rule that removed it
-- afterwards (site_boilerplate for a repeated paragraph, sidebar_headline for a headline).
CREATE OR REPLACE VIEW lines AS
WITH removed AS (SELECT doc_id, unnest(removed, recursive := true) FROM refined_bodies)
SELECT l.* REPLACE (
    CASE
        WHEN r.rule IS NULL THEN l.label
        WHEN r.rule = 'site_headline' THEN 'sidebar_headline'
        ELSE 'site_boilerplate'
    END AS label,
    coalesce(r.rule, l.rule) AS rule
)
FROM labeled_lines AS l
LEFT JOIN removed AS r
    ON r.doc_id = l.doc_id
    AND l.label = 'content'
    AND r.paragraph_key = paragraph_key(body_spacing(l.text));

-- One row per cluster of duplicate articles: its survivor, with the cluster's size.
CREATE OR REPLACE VIEW unique_articles AS
WITH copies AS (
    SELECT canonical_doc_id AS doc_id, count(*) AS n_duplicates
    FROM duplicates GROUP BY canonical_doc_id
)
SELECT a.*, 1 + coalesce(c.n_duplicates, 0) AS n_copies
FROM articles AS a LEFT JOIN copies AS c USING (doc_id)
WHERE a.doc_id NOT IN (SELECT doc_id FROM duplicates);

-- One row per distinct normalized headline over all loads. A truncated mention ("Storm
-- closes the pier for…") counts under the one full headline it begins (when exactly one
-- sidebar headline or article title does). The display form and the first document are those
-- of the earliest ingested full mention (ties: smallest doc_id, position); article_doc_id is
-- the unique article with that title, if it is in the warehouse.
CREATE OR REPLACE VIEW headlines AS
WITH first_ingest AS (
    SELECT doc_id, min(ingested_at) AS ingested_at FROM documents GROUP BY doc_id
),
full_keys AS (
    SELECT DISTINCT headline_key AS full_key FROM headline_mentions WHERE NOT truncated
    UNION
    SELECT title_key FROM articles WHERE title_key IS NOT NULL
),
completed AS (
    SELECT t.headline_key, min(f.full_key) AS full_key
    FROM (SELECT DISTINCT headline_key FROM headline_mentions WHERE truncated) AS t
    JOIN full_keys AS f
        ON left(f.full_key, 12) = left(t.headline_key, 12)
        AND starts_with(f.full_key, t.headline_key)
        AND f.full_key <> t.headline_key
    WHERE length(t.headline_key) >= 12
    GROUP BY t.headline_key
    HAVING count(*) = 1
),
mentions AS (
    SELECT coalesce(c.full_key, m.headline_key) AS key, m.*, f.ingested_at
    FROM headline_mentions AS m
    JOIN first_ingest AS f USING (doc_id)
    LEFT JOIN completed AS c USING (headline_key)
),
titled AS (
    SELECT title_key, min(doc_id) AS article_doc_id
    FROM unique_articles WHERE title_key IS NOT NULL GROUP BY title_key
),
grouped AS (
    SELECT
        key AS headline_key,
        arg_min(headline, (truncated, ingested_at, doc_id, position)) AS headline,
        count(DISTINCT doc_id) AS n_docs,
        count(DISTINCT site) AS n_sites,
        arg_min(doc_id, (ingested_at, doc_id, position)) AS first_seen_doc,
        min(ingested_at) AS first_seen_at
    FROM mentions
    GROUP BY key
)
SELECT g.*, t.article_doc_id
FROM grouped AS g LEFT JOIN titled AS t ON t.title_key = g.headline_key;
