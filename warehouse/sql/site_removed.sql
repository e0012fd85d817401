-- The paragraphs that site evidence removes, one row per paragraph, in steps, each into a
-- temporary table: at 1,000,000 pages, one query holding all these joins and aggregates (a
-- UNION's distinct over both its inputs above all) ran out of DuckDB's memory, where each
-- step alone spills. Run one statement at a time (duck.statements).
CREATE TEMP TABLE stories AS SELECT DISTINCT doc_id, story FROM current;

CREATE TEMP TABLE headlines AS
SELECT a.site, paragraph_key(a.title) AS paragraph_key, s.story
FROM labeled_articles AS a JOIN stories AS s USING (doc_id)
WHERE a.title IS NOT NULL
UNION ALL  -- a headline twice only matches twice: ``removed`` keeps one row a paragraph
SELECT m.site, paragraph_key(m.headline), s.story
FROM headline_mentions AS m JOIN stories AS s USING (doc_id)
WHERE NOT m.truncated;

CREATE TEMP TABLE removed AS
WITH matches AS (
    SELECT c.doc_id, c.position, c.paragraph_key, 'site_repeated' AS rule
    FROM current AS c JOIN boilerplate AS b USING (site, paragraph_key)
    UNION ALL
    SELECT c.doc_id, c.position, c.paragraph_key, 'site_headline'
    FROM current AS c JOIN headlines AS h USING (site, paragraph_key)
    WHERE h.story <> c.story
      AND c.n_chars >= $min_headline_chars AND c.n_words <= $max_headline_words
)
SELECT doc_id, position, any_value(paragraph_key) AS paragraph_key, min(rule) AS rule
FROM matches GROUP BY doc_id, position;

CREATE TEMP TABLE paragraph_counts AS
SELECT doc_id, any_value(site) AS site, count(*) AS n FROM current
WHERE doc_id IN (SELECT doc_id FROM removed) GROUP BY doc_id;
