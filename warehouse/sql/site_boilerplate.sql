-- The site_boilerplate table. A paragraph's text is read from an article's body only when it
-- is new evidence: the text of one already known is carried over (reading every body costs
-- seconds at 200,000 pages).
WITH known AS (
    SELECT site, paragraph_key, any_value(paragraph) AS paragraph
    FROM stored_site_boilerplate GROUP BY ALL
),
texts AS (
    SELECT b.first.doc_id AS doc_id, body_paragraphs(a.body)[b.first.position] AS paragraph
    FROM boilerplate AS b JOIN labeled_articles AS a ON a.doc_id = b.first.doc_id
    WHERE b.first.doc_id IN (
        SELECT b.first.doc_id FROM boilerplate AS b ANTI JOIN known USING (site, paragraph_key)
    )
)
SELECT b.site, b.paragraph_key, coalesce(k.paragraph, t.paragraph) AS paragraph, b.n_stories,
       b.site_stories, $load_id AS load_id
FROM boilerplate AS b
LEFT JOIN known AS k USING (site, paragraph_key)
LEFT JOIN texts AS t ON t.doc_id = b.first.doc_id AND k.paragraph IS NULL
UNION ALL
SELECT * REPLACE ($load_id AS load_id) FROM stored_site_boilerplate
WHERE site NOT IN (SELECT site FROM touched)
ORDER BY site, paragraph_key;
