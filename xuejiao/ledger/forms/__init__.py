"""Ledger forms, one module per topic."""
