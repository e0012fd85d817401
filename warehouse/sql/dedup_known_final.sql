-- The body keys the fresh articles (of dedup_final_bodies.sql) already have a signature of,
-- after site evidence or as the labeler cleaned them.
SELECT doc_id, body_key FROM final_signatures WHERE doc_id IN (SELECT doc_id FROM fresh)
UNION SELECT doc_id, body_key FROM signatures WHERE doc_id IN (SELECT doc_id FROM fresh)
