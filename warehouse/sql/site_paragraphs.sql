-- Every article's paragraphs, once: those of this load's articles (its files alone are read:
-- each file holds one load, so the filter on load_id skips all others by their statistics),
-- or those of any article that has none yet (a warehouse written before paragraphs were
-- kept). {which} is one of site_evidence.PARAGRAPHS_OF.
WITH split AS (
    SELECT a.doc_id, a.site, unnest(body_paragraphs(a.body)) AS paragraph,
           generate_subscripts(body_paragraphs(a.body), 1) AS position
    FROM article_versions AS a
    WHERE {which}
)
SELECT doc_id, site, position, paragraph_key(paragraph) AS paragraph_key,
       length(paragraph) AS n_chars, word_count(paragraph) AS n_words,
       $load_id AS load_id
FROM split WHERE paragraph <> ''
ORDER BY site, doc_id, position;
