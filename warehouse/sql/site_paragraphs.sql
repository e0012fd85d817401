-- Every article's paragraphs, once: with $every_site false, those of this load's articles
-- (its files alone are read: each file holds one load, so the filter on load_id skips all
-- others by their statistics); with $every_site true, those of any article that has none yet
-- (a warehouse written before paragraphs were kept). DuckDB folds the bound $every_site
-- before planning, so the branch it rules out is dropped unread.
WITH chosen AS (
    SELECT a.doc_id, a.site, a.body FROM article_versions AS a
    WHERE NOT $every_site AND a.load_id = $load_id
    UNION ALL
    SELECT a.doc_id, a.site, a.body FROM article_versions AS a
    WHERE $every_site AND a.doc_id NOT IN (SELECT doc_id FROM paragraphs)
), split AS (
    SELECT a.doc_id, a.site, unnest(body_paragraphs(a.body)) AS paragraph,
           generate_subscripts(body_paragraphs(a.body), 1) AS position
    FROM chosen AS a
)
SELECT doc_id, site, position, paragraph_key(paragraph) AS paragraph_key,
       length(paragraph) AS n_chars, word_count(paragraph) AS n_words,
       $load_id AS load_id
FROM split WHERE paragraph <> ''
ORDER BY site, doc_id, position;
