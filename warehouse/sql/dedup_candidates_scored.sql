-- Every candidate with its estimated Jaccard similarity and the word counts of both bodies
-- (of any version that has the body, as the labeler cleaned it or after site evidence: equal
-- body keys are equal folded texts); dedup's is_near_duplicate decides which are pairs.
WITH candidates AS (SELECT DISTINCT body_key_a, body_key_b FROM candidate_pairs),
keys AS (SELECT body_key_a AS body_key FROM candidates UNION SELECT body_key_b FROM candidates),
sigs AS (
    SELECT body_key, any_value(signature) AS signature, min(n_words) AS n_words FROM (
        SELECT s.body_key, s.signature, a.n_words
        FROM signatures AS s JOIN article_versions AS a USING (doc_id)
        UNION ALL
        SELECT body_key, signature, n_words FROM final_signatures
    ) WHERE body_key IN (SELECT body_key FROM keys) GROUP BY body_key
)
SELECT
    c.body_key_a, c.body_key_b,
    estimated_similarity(a.signature, b.signature) AS jaccard,
    a.n_words AS n_words_a, b.n_words AS n_words_b
FROM candidates AS c
JOIN sigs AS a ON a.body_key = c.body_key_a
JOIN sigs AS b ON b.body_key = c.body_key_b
ORDER BY c.body_key_a, c.body_key_b
