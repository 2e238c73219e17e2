"""The name tokens that `name ~ "..."` searches: kept beside persons and accounts by their repositories."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_contacts.adapters import orm
from crm_contacts.domain.query import name_tokens


def index_names(session: Session, entity: str, names: Mapping[str, Sequence[str]], *, new: bool = False) -> None:
    """Replaces the folded name words of persons or accounts (id → names) in one delete and one insert for them
    all; `new` records have none yet, so only the insert is sent (an import's batch)."""
    t = orm.search_name_tokens
    if not new:
        session.execute(sa.delete(t).where(t.c.entity == entity, t.c.entity_id.in_(list(names))))
    rows = [{"entity": entity, "entity_id": entity_id, "token": w} for entity_id, texts in names.items() for w in name_tokens(*texts)]
    if rows:
        session.execute(sa.insert(t), rows)


def index_name(session: Session, entity: str, entity_id: str, *names: str) -> None:
    """Replaces the folded name words of one person or account (called on every add and save)."""
    index_names(session, entity, {entity_id: names})


def index_persons(session: Session, persons: Sequence, *, new: bool = False) -> None:
    index_names(session, "person", {p.id: (p.given_name, p.family_name) for p in persons}, new=new)


def index_person(session: Session, person) -> None:
    index_persons(session, [person])


def index_account(session: Session, account) -> None:
    index_name(session, "account", account.id, account.name, getattr(account, "legal_name", ""))
