"""Use cases of the sales service and its unit of work."""
