-- The body pairs that share a band bucket: the new bands ($new_bands, files) against the
-- buckets of every stored body, in $parts parts by the bucket's hash (this is part $part),
-- so that a load of a million bodies (32 million band rows) joins within DuckDB's memory cap.
-- Run one statement at a time (duck.statements): the table once, then each part.
-- $parts and $part are cast to hash()'s type: compared as bound integers they made DuckDB
-- plan each part's join over ten times slower (a million bodies: 434 s instead of 27 s).
CREATE TEMP TABLE candidate_pairs (body_key_a VARCHAR, body_key_b VARCHAR);

INSERT INTO candidate_pairs
WITH new AS (
    SELECT DISTINCT body_key, band, bucket FROM read_parquet($new_bands)
    WHERE hash(band, bucket) % $parts::UBIGINT = $part::UBIGINT
)
SELECT DISTINCT
    least(n.body_key, e.body_key) AS body_key_a,
    greatest(n.body_key, e.body_key) AS body_key_b
FROM new AS n
JOIN (SELECT * FROM bands WHERE hash(band, bucket) % $parts::UBIGINT = $part::UBIGINT) AS e USING (band, bucket)
WHERE n.body_key <> e.body_key;
