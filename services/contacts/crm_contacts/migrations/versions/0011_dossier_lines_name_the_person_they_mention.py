"""dossier lines name the person they mention: person_history/account_history.mentions_person_id

Erasure rewrites exactly the lines of other dossiers that name the erased person. The column is backfilled
where the relation tables tell whom an older line names; an older line of a kind that names a person but
cannot be resolved gets "" (erasure falls back to scrubbing its text); NULL means the line names nobody else.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 05:00:00

"""
import re
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCOUNT_KINDS = ('PersonLinkedToAccount', 'PersonAccountLinkChanged', 'PersonUnlinkedFromAccount')
PERSON_KINDS = ('PersonsRelated', 'PersonsRelationRemoved', 'PersonsMerged')
UNRESOLVED = ''

persons = sa.table('persons', sa.column('id'), sa.column('given_name'), sa.column('family_name'))
person_accounts = sa.table('person_accounts', sa.column('person_id'), sa.column('account_id'))
person_relations = sa.table('person_relations', sa.column('person_id'), sa.column('related_person_id'), sa.column('label'),
                            sa.column('inverse_label'))


def _history(name: str, owner: str) -> sa.TableClause:
    return sa.table(name, sa.column('id'), sa.column(owner), sa.column('kind'), sa.column('summary'), sa.column('mentions_person_id'))


def upgrade() -> None:
    """Upgrade schema."""
    for table in ('person_history', 'account_history'):
        op.add_column(table, sa.Column('mentions_person_id', sa.String(length=36), nullable=True))
        op.create_index(f'ix_{table}_mentions_person_id', table, ['mentions_person_id'], unique=False)
    _backfill(op.get_bind())


def downgrade() -> None:
    """Downgrade schema."""
    for table in ('account_history', 'person_history'):
        op.drop_index(f'ix_{table}_mentions_person_id', table_name=table)
        # never recreate the tables on SQLite (foreign keys would cascade); SQLite >= 3.35 drops a column in place
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.drop_column('mentions_person_id')


def _backfill(conn) -> None:
    names = {r.id: ' '.join(p for p in (r.given_name, r.family_name) if p) for r in conn.execute(sa.select(persons))}
    linked: dict[str, set[str]] = defaultdict(set)
    for r in conn.execute(sa.select(person_accounts)):
        linked[r.account_id].add(r.person_id)
    related: dict[str, set[tuple[str, str]]] = defaultdict(set)  # person → (other person, what the other is to them)
    for r in conn.execute(sa.select(person_relations)):
        related[r.person_id].add((r.related_person_id, r.label))
        related[r.related_person_id].add((r.person_id, r.inverse_label))

    def account_line(owner: str, kind: str, summary: str) -> str | None:
        def names_it(name: str) -> bool:
            if kind == 'PersonLinkedToAccount':
                return summary == f'{name} linked' or summary.startswith(f'{name} linked as ')
            if kind == 'PersonAccountLinkChanged':
                return summary.startswith(f'Link of {name} ')
            return summary == f'{name} unlinked'
        return _one(p for p in linked.get(owner, ()) if names.get(p) and names_it(names[p]))

    def person_line(owner: str, kind: str, summary: str) -> str | None:
        if kind == 'PersonsMerged':
            if summary.startswith('Merged into '):
                return None  # names the survivor by its id only
            return _one(i for i in re.findall(r'\(([^()]+)\)', summary) if i in names)
        verb = 'Related' if kind == 'PersonsRelated' else 'No longer related'
        return _one(p for p, label in related.get(owner, ()) if names.get(p) and summary == f'{verb}: {names[p]} ({label})')

    for table, owner_column, kinds, resolve in (('account_history', 'account_id', ACCOUNT_KINDS, account_line),
                                                ('person_history', 'person_id', PERSON_KINDS, person_line)):
        h = _history(table, owner_column)
        rows = conn.execute(sa.select(h.c.id, h.c[owner_column].label('owner'), h.c.kind, h.c.summary).where(h.c.kind.in_(kinds))).all()
        for r in rows:
            mentioned = resolve(r.owner, r.kind, r.summary)
            if mentioned is not None:
                conn.execute(sa.update(h).where(h.c.id == r.id).values(mentions_person_id=mentioned))


def _one(candidates) -> str:
    """The only person the line can name; UNRESOLVED when none or several fit."""
    found = set(candidates)
    return found.pop() if len(found) == 1 else UNRESOLVED
