"""Ledger pages, one module per topic."""
