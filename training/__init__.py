"""Training the line labeler's model from real labeled pages (not installed with the package)."""
