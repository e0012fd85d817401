-- The refined_bodies table: the paragraphs removed from each body, never all of them.
SELECT r.doc_id, any_value(s.site) AS site,
       list({'position': r.position, 'paragraph_key': r.paragraph_key, 'rule': r.rule}
            ORDER BY r.position) AS removed,
       $load_id AS load_id
FROM removed AS r JOIN paragraph_counts AS s USING (doc_id)
GROUP BY r.doc_id
HAVING count(*) < any_value(s.n)  -- never empty a body
UNION ALL
SELECT * REPLACE ($load_id AS load_id) FROM stored_refined_bodies
WHERE site NOT IN (SELECT site FROM touched)
  AND doc_id IN (SELECT doc_id FROM labeled_articles)
ORDER BY doc_id;
