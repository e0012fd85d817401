-- A verified pair of bodies as pairs of the labeler's body keys of the articles that have them:
-- a final body (after site evidence) stands for every article it was the final body of, a
-- labeler's body for itself. body_pairs and clusters are over the labeler's keys alone.
WITH keys AS (SELECT body_key_a AS body_key FROM verified UNION SELECT body_key_b FROM verified),
keymap AS (
    SELECT DISTINCT body_key, body_key AS labeler_key FROM signatures
    WHERE body_key IN (SELECT body_key FROM keys)
    UNION
    SELECT f.body_key, s.body_key FROM final_signatures AS f JOIN signatures AS s USING (doc_id)
    WHERE f.body_key IN (SELECT body_key FROM keys)
)
SELECT least(ma.labeler_key, mb.labeler_key) AS body_key_a,
       greatest(ma.labeler_key, mb.labeler_key) AS body_key_b,
       max(v.similarity) AS similarity
FROM verified AS v
JOIN keymap AS ma ON ma.body_key = v.body_key_a
JOIN keymap AS mb ON mb.body_key = v.body_key_b
WHERE ma.labeler_key <> mb.labeler_key
GROUP BY ALL
ORDER BY body_key_a, body_key_b
