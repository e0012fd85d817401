"""Benchmarks: scripts that generate labeled pages and print figures."""
