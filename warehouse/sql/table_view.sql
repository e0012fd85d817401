-- A view over exactly the given Parquet files (duck.table_view quotes the name and the
-- paths): each of the catalog's tables, and a staged table a load or a plan reads. By name:
-- a table's older files may lack a column added since.
CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet({files}, union_by_name = true);
