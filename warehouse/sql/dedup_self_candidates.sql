-- A new body whose key is a final body's (after site evidence), as a candidate with itself:
-- the same final body can be that of several articles whose labeler's bodies differ (copies
-- that each kept their own site's chrome), or the labeler's body of another; equal keys share
-- every bucket but are no pair of dedup_candidates.sql. dedup_labeler_pairs.sql turns it into
-- the pairs of the labeler's keys of the articles that have that body. (Band 0: one row a
-- body.) $new_bands: the new bands' files.
INSERT INTO candidate_pairs
SELECT DISTINCT body_key, body_key FROM read_parquet($new_bands)
WHERE band = 0 AND body_key IN (SELECT body_key FROM final_signatures)
