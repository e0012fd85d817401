-- The found rows the plan skips, and its work items.
SELECT count(*) FILTER (WHERE skip), (SELECT count(*) FROM items) FROM decided
