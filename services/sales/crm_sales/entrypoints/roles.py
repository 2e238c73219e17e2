"""Who may call what: the roles of the sales RPCs (admins may call everything).

Record-level access decides which records a caller sees: owner, team or territory
(a manager with the team's claim sees the team's records).
"""
from __future__ import annotations

READERS = ("sales", "viewer")
WRITERS = ("sales",)
ADMINS = ()  # admin only: the chassis lets the admin role through every rule
