"""Prefect flows and the command line that wire transforms to the warehouse."""
