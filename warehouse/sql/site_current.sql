-- The paragraphs of the current articles of the touched sites, with their story.
CREATE TEMP TABLE current AS
SELECT p.doc_id, p.site, coalesce(d.canonical_doc_id, p.doc_id) AS story, p.position,
       p.paragraph_key, p.n_chars, p.n_words
FROM (SELECT * FROM paragraphs UNION ALL BY NAME SELECT * FROM new_paragraphs) AS p
JOIN (SELECT DISTINCT doc_id FROM labeled_articles) AS a USING (doc_id)
LEFT JOIN duplicates AS d USING (doc_id)
WHERE p.site IN (SELECT site FROM touched);
