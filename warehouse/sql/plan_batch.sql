-- The rows of batch $batch_no, in the order of their work items.
SELECT * FROM planned WHERE batch_no = $batch_no ORDER BY item_no, seq
