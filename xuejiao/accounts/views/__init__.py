"""Account pages, one module per topic: one's own account, and managing users."""
