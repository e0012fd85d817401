-- The load's own sites, and the sites of articles whose story (cluster) the load changed.
CREATE TEMP TABLE touched AS
SELECT DISTINCT site FROM documents WHERE load_id = $load_id
UNION
SELECT DISTINCT a.site FROM labeled_articles AS a JOIN (
    (SELECT doc_id, canonical_doc_id FROM duplicates
     EXCEPT SELECT doc_id, canonical_doc_id FROM stored_duplicates)
    UNION
    (SELECT doc_id, canonical_doc_id FROM stored_duplicates
     EXCEPT SELECT doc_id, canonical_doc_id FROM duplicates)
) AS changed USING (doc_id);
