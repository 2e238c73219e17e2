"""Saved searches: a named query with its columns and order, private to its owner or shared with their team."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from crm_chassis.access import Viewer

ENTITIES = ("person", "account")
MUTABLE = ("name", "query", "columns", "order_by", "shared")
MAX_NAME = 200
MAX_COLUMNS = 100


@dataclass(frozen=True)
class SavedSearch:
    id: str
    entity: str
    name: str
    query: str
    columns: tuple[str, ...]
    order_by: str
    owner: str
    team: str
    shared: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def new(cls, entity: str, name: str, query: str, columns: tuple[str, ...], order_by: str, shared: bool, owner: Viewer) -> SavedSearch:
        now = datetime.now(UTC)
        return cls(str(uuid.uuid4()), entity, name.strip(), query, tuple(columns), order_by, owner.subject, owner.team or "", shared, now, now)

    def is_visible_to(self, viewer: Viewer) -> bool:
        """The owner, admins, and (when shared) users of the owner's team."""
        return viewer.is_admin or viewer.subject == self.owner or (self.shared and bool(self.team) and viewer.team == self.team)

    def may_be_changed_by(self, viewer: Viewer) -> bool:
        return viewer.is_admin or viewer.subject == self.owner

    def changed(self, **values) -> SavedSearch:
        if "name" in values:
            values["name"] = values["name"].strip()
        if "columns" in values:
            values["columns"] = tuple(values["columns"])
        return replace(self, **values, updated_at=datetime.now(UTC))


def name_problem(name: str) -> str | None:
    name = name.strip()
    if not name:
        return "must not be empty"
    if len(name) > MAX_NAME:
        return f"must be at most {MAX_NAME} characters"
    return None
