-- Each copy and its survivor (copies: the clusters' members that are not their survivor)
-- with their estimated Jaccard similarity and word counts; the similarity stored is
-- estimated_containment of the two (1.0 for an exact copy).
WITH sigs AS (SELECT DISTINCT ON (doc_id) doc_id, body_key, signature FROM signatures)
SELECT
    c.doc_id,
    c.canonical_doc_id,
    CASE WHEN d.body_key = k.body_key THEN 'exact' ELSE 'near' END AS method,
    CASE WHEN d.body_key = k.body_key THEN 1.0
         ELSE estimated_similarity(d.signature, k.signature) END AS jaccard,
    c.n_words, c.canonical_n_words
FROM copies AS c
JOIN sigs AS d ON d.doc_id = c.doc_id
JOIN sigs AS k ON k.doc_id = c.canonical_doc_id
ORDER BY c.doc_id
