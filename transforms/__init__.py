"""Pure cleaning functions: raw bytes in, frozen records out. No I/O, no Prefect, no Arrow."""
