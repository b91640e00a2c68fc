"""Readers of the raw sources: each returns a typed table plus the rows it rejected, with why."""
