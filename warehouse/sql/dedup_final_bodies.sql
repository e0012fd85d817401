-- The articles whose body after site evidence is new this load (their removals changed, or
-- they are new), with that body; dedup.match_final_bodies fingerprints those it has not seen.
WITH changed AS (
    SELECT doc_id, removed FROM refined_bodies
    EXCEPT SELECT doc_id, removed FROM stored_refined_bodies
)
SELECT a.doc_id, a.body FROM articles AS a SEMI JOIN changed USING (doc_id) ORDER BY a.doc_id
