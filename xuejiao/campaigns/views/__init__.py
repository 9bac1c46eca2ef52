"""Campaign pages, one module per topic."""
