-- The articles that can have a copy, with the labeler's word counts (not the site-refined
-- ones: site evidence counts clusters, so clusters must not depend on it): those whose body
-- key another current article shares or a pair names (new_pairs: this load's). Any other
-- article is alone in its cluster, and holding every article in Python grows with the corpus.
WITH members AS (
    SELECT s.doc_id, s.body_key, a.n_words
    FROM (SELECT DISTINCT doc_id, body_key FROM signatures) AS s
    JOIN labeled_articles AS a USING (doc_id)
),
linked AS (
    SELECT body_key FROM members GROUP BY body_key HAVING count(*) > 1
    UNION SELECT body_key_a FROM body_pairs UNION SELECT body_key_b FROM body_pairs
    UNION SELECT body_key_a FROM new_pairs UNION SELECT body_key_b FROM new_pairs
)
SELECT * FROM members SEMI JOIN linked USING (body_key)
