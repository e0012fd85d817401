-- A table view's comment: the digest of the DDL it was made by (catalog.build_catalog). A
-- COMMENT cannot be prepared: the name is a quoted identifier, the comment a string literal.
COMMENT ON VIEW {name} IS {comment};
