-- Paragraphs in at least $min_stories stories of their site, and $min_share of them.
CREATE TEMP TABLE boilerplate AS
WITH sizes AS (SELECT site, count(DISTINCT story) AS site_stories FROM current GROUP BY site),
repeated AS (  -- most paragraphs occur once: a plain count rules them out cheaply
    SELECT site, paragraph_key FROM current
    GROUP BY site, paragraph_key HAVING count(*) >= $min_stories
)
SELECT c.site, c.paragraph_key, count(DISTINCT c.story) AS n_stories,
       any_value(s.site_stories) AS site_stories,
       min({'doc_id': c.doc_id, 'position': c.position}) AS first
FROM current AS c SEMI JOIN repeated AS r USING (site, paragraph_key)
JOIN sizes AS s USING (site)
GROUP BY c.site, c.paragraph_key
HAVING count(DISTINCT c.story) >= greatest($min_stories, $min_share * any_value(s.site_stories));
