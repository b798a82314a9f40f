"""Pages of the procedure catalogue (public)."""
