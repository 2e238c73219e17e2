"""Record-level access: who may see a record, from its owner, team and territory.

Plain Python so that domain models can apply the rule; `db.visible_to`
applies the same rule in SQL.
"""
from __future__ import annotations

from dataclasses import dataclass

ADMIN = "admin"


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as far as record-level access cares."""

    subject: str
    team: str = ""
    territory: str = ""
    is_admin: bool = False

    @classmethod
    def of(cls, principal) -> "Viewer":
        """From an authenticated `crm_chassis.auth.Principal`."""
        return cls(principal.subject, principal.team, principal.territory, ADMIN in principal.roles)


@dataclass(frozen=True)
class Audience:
    """Whom a record belongs to."""

    owner: str = ""
    team: str = ""
    territory: str = ""

    def is_visible_to(self, viewer: Viewer) -> bool:
        """Admins, the owner, and anyone of the record's team or territory."""
        return (
            viewer.is_admin
            or self.owner == viewer.subject
            or bool(viewer.team and viewer.team == self.team)
            or bool(viewer.territory and viewer.territory == self.territory)
        )
