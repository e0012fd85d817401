-- How many rows a rebuilt derived table ($rebuilt files) and the stored one ($stored files)
-- do not share, counted with their multiplicity, over every column but load_id (the columns
-- placeholder: quoted identifiers, duck.column_list).
WITH stored AS (SELECT {columns} FROM read_parquet($stored, union_by_name = true)),
rebuilt AS (SELECT {columns} FROM read_parquet($rebuilt))
SELECT count(*) FROM (
    (SELECT * FROM stored EXCEPT ALL SELECT * FROM rebuilt)
    UNION ALL
    (SELECT * FROM rebuilt EXCEPT ALL SELECT * FROM stored)
)
