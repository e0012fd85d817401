-- The quarantine rows of the found files that could not be read (but those whose path is
-- quarantined as unread already), quarantined at $at by load $load_id.
SELECT relative AS source, NULL AS content_hash, reason, detail,
       $at AS quarantined_at, $load_id AS load_id
FROM decided WHERE reason IS NOT NULL AND NOT skip
ORDER BY position, record
