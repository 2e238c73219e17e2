"""Saved searches in SQL: the only place that writes the saved_searches table."""
from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis.access import Viewer
from crm_contacts.adapters import orm
from crm_contacts.domain.saved_searches import SavedSearch


class SavedSearchRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, search: SavedSearch) -> None:
        self.session.execute(sa.insert(orm.saved_searches).values(**_row(search)))

    def save(self, search: SavedSearch) -> None:
        row = _row(search)
        del row["id"]
        self.session.execute(sa.update(orm.saved_searches).where(orm.saved_searches.c.id == search.id).values(**row))

    def delete(self, search_id: str) -> None:
        self.session.execute(sa.delete(orm.saved_searches).where(orm.saved_searches.c.id == search_id))

    def get(self, search_id: str) -> SavedSearch | None:
        row = self.session.execute(sa.select(orm.saved_searches).where(orm.saved_searches.c.id == search_id)).first()
        return _search(row) if row else None

    def name_taken(self, owner: str, entity: str, name: str, except_id: str = "") -> bool:
        s = orm.saved_searches
        query = sa.select(s.c.id).where(s.c.owner == owner, s.c.entity == entity, s.c.name == name, s.c.id != except_id)
        return self.session.execute(query).first() is not None

    def list_visible(self, viewer: Viewer, entity: str | None, after: tuple[str, str] | None, limit: int) -> list[SavedSearch]:
        """The viewer's own searches and those shared with their team (admins: all), by name then id."""
        s = orm.saved_searches
        query = sa.select(s)
        if not viewer.is_admin:
            mine = s.c.owner == viewer.subject
            query = query.where(sa.or_(mine, sa.and_(s.c.shared.is_(True), s.c.team == viewer.team)) if viewer.team else mine)
        if entity:
            query = query.where(s.c.entity == entity)
        if after is not None:
            query = query.where(sa.tuple_(s.c.name, s.c.id) > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
        return [_search(r) for r in self.session.execute(query.order_by(s.c.name, s.c.id).limit(limit))]


def _row(search: SavedSearch) -> dict:
    return {
        "id": search.id, "entity": search.entity, "name": search.name, "query": search.query,
        "columns": json.dumps(list(search.columns), ensure_ascii=False), "order_by": search.order_by,
        "owner": search.owner, "team": search.team, "shared": search.shared,
        "created_at": search.created_at, "updated_at": search.updated_at,
    }


def _search(row) -> SavedSearch:
    created: datetime = row.created_at
    return SavedSearch(row.id, row.entity, row.name, row.query, tuple(json.loads(row.columns)), row.order_by,
                       row.owner, row.team, row.shared, created, row.updated_at)
