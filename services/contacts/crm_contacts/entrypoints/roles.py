"""Who may call what: the roles of the contacts RPCs (admins may call everything)."""
from __future__ import annotations

READERS = ("sales", "marketing", "support", "viewer")
WRITERS = ("sales", "marketing", "support")
ADMINS = ()  # admin only: the chassis lets the admin role through every rule
