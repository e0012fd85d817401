-- The estimated Jaccard similarity of two MinHash signatures: the share of their positions
-- that are equal (transforms.body_fingerprint.estimated_similarity). Created on the
-- connection dedup matches bodies in.
CREATE OR REPLACE TEMP MACRO estimated_similarity(a, b) AS
    len(list_filter(list_zip(a, b), lambda x: x[1] = x[2])) / len(a);
