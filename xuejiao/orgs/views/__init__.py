"""Organisation pages, one module per topic: the tree and the people roster."""
