"""Plain Python: the sales aggregates, their rules and events."""
