-- Every row to clean with its work item and batch ($size items a batch), and whether its
-- document is stored already (its bytes under another path: not cleaned again).
CREATE TEMP TABLE planned AS
SELECT t.*, i.item_no, (i.item_no - 1) // $size + 1 AS batch_no,
       t.doc_id IN (SELECT doc_id FROM article_versions) AS stored
FROM todo AS t JOIN items AS i USING (doc_id)
