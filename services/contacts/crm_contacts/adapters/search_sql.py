"""The search language in SQL: field catalogues of persons and accounts, the AST → SQLAlchemy compiler,
keyset pages on any sort, counts and the values of chosen columns.

Fields appear as the tables behind them exist (accounts, relations, custom fields are separate areas), so the
catalogue is built from the mapped tables. Conditions on multi-valued fields (emails, tags, cities, custom
values, linked accounts) are EXISTS subqueries: they hold when any value matches.
"""
from __future__ import annotations

import functools
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import FunctionElement

from crm_chassis import db
from crm_chassis.access import Viewer
from crm_contacts.adapters import orm
from crm_contacts.domain import query as q
from crm_contacts.domain.query import BOOL, DATE, MULTI_TEXT, NAME, NUMBER, TEXT, TIME, FieldSpec, QueryError

ENTITIES = ("person", "account")
_LIKE_ESCAPE = "\\"


class unicode_lower(FunctionElement):  # noqa: N801 - reads as the SQL function it renders
    """lower() that lower-cases every letter: PostgreSQL's does; SQLite's only knows ASCII, so there it is
    crm_lower(), Python's str.lower registered on every SQLite connection (below)."""

    type = sa.String()
    inherit_cache = True


@compiles(unicode_lower)
def _lower(element, compiler, **kw) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(unicode_lower, "sqlite")
def _lower_sqlite(element, compiler, **kw) -> str:
    return f"crm_lower({compiler.process(element.clauses, **kw)})"


def _python_lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(sa.engine.Engine, "connect")
def _register_sqlite_lower(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("crm_lower", 1, _python_lower, deterministic=True)


def _table(name: str) -> sa.Table | None:
    return orm.metadata.tables.get(name)


def _column(table: sa.Table | None, name: str) -> sa.Column | None:
    if table is None:
        return None
    return table.c.get(name)


# --- how each field reaches SQL ---


@dataclass(frozen=True)
class Scalar:
    """A column of the entity's own table."""

    column: sa.Column


@dataclass(frozen=True)
class Child:
    """A column of a child table keyed by the entity id (several rows per entity); `where` narrows the rows."""

    table: sa.Table
    key: sa.Column
    value: sa.Column
    order: sa.Column | None = None
    where: tuple = ()


@dataclass(frozen=True)
class Names:
    """Full text over the folded name words in search_name_tokens; shown as `display`."""

    entity: str
    display: Callable[[sa.Table], sa.ColumnElement]
    sort: sa.Column | None = None


@dataclass(frozen=True)
class Custom:
    """One custom field's values in custom_values."""

    entity: str
    key: str
    field_id: str
    kind: str  # the query kind
    value: str  # the custom_values column compared
    type: str = ""  # the custom field's type (money is shown with its currency)


@dataclass(frozen=True)
class Related:
    """A field of the accounts a person is linked to (person_accounts), e.g. account.city; or, with `link`, a
    column of the link itself (account.role: the person's role at the account)."""

    field: str  # the account field, or the person_accounts column
    link: bool = False
    target: str = "account"  # accounts reach their persons the same way: person.city

    def ends(self, pa: sa.Table) -> tuple[sa.Column, sa.Column]:
        """(the column of person_accounts that points at the searched record, the one that points at the other)."""
        return (pa.c.person_id, pa.c.account_id) if self.target == "account" else (pa.c.account_id, pa.c.person_id)


@dataclass
class Catalogue:
    entity: str
    table: sa.Table
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    sql: dict[str, object] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    default_columns: tuple[str, ...] = ()

    def add(self, name: str, spec: FieldSpec, how: object) -> None:
        self.fields[name] = spec
        self.sql[name] = how


def _scalar_kind(column: sa.Column) -> str:
    t = column.type
    if isinstance(t, db.UtcDateTime | sa.DateTime):
        return TIME
    if isinstance(t, sa.Date):
        return DATE
    if isinstance(t, sa.Boolean):
        return BOOL
    if isinstance(t, sa.Integer | sa.Numeric):
        return NUMBER
    return TEXT


def _add_scalars(cat: Catalogue, table: sa.Table, names: Iterable[str | tuple[str, str]], sortable: bool = True) -> None:
    for item in names:
        name, column_name = item if isinstance(item, tuple) else (item, item)
        column = _column(table, column_name)
        if column is not None:
            cat.add(name, FieldSpec(_scalar_kind(column), sortable=sortable), Scalar(column))


def _add_child(cat: Catalogue, name: str, table_name: str, key: str, value: str, order: str | None = "position",
               where: Callable[[sa.Table], tuple] | None = None) -> None:
    table = _table(table_name)
    if _column(table, key) is None or _column(table, value) is None:
        return
    kind = _scalar_kind(table.c[value])
    cat.add(name, FieldSpec(MULTI_TEXT if kind == TEXT else kind, multi=True),
            Child(table, table.c[key], table.c[value], _column(table, order) if order else None, where(table) if where else ()))


def _common(cat: Catalogue, table: sa.Table) -> None:
    _add_scalars(cat, table, ["id", "owner", "team", "territory", "lifecycle", ("origin", "origin_kind"), "origin_detail",
                              ("origin_campaign_id", "origin_campaign_id"), ("created", "created_at"), ("updated", "updated_at")])
    for alias, name in {"created_time": "created", "create_time": "created", "created_at": "created",
                        "updated_time": "updated", "update_time": "updated", "updated_at": "updated"}.items():
        cat.aliases[alias] = name


def _add_related(cat: Catalogue, other: Catalogue, prefix: str) -> None:
    """`<prefix>.<field>` for every field of the other side of person_accounts, and the link's own columns."""
    pa = _table("person_accounts")
    for name, spec in other.fields.items():
        cat.add(f"{prefix}.{name}", FieldSpec(spec.kind, multi=True), Related(name, target=other.entity))
    for alias, name in other.aliases.items():
        cat.aliases[f"{prefix}.{alias}"] = f"{prefix}.{name}"
    for name in ("role", "position", "is_primary", "start_date", "end_date"):
        if _column(pa, name) is not None and f"{prefix}.{name}" not in cat.fields:
            cat.add(f"{prefix}.{name}", FieldSpec(_scalar_kind(pa.c[name]), multi=True), Related(name, link=True, target=other.entity))


def _linkable() -> bool:
    return _table("accounts") is not None and _column(_table("person_accounts"), "person_id") is not None


def person_catalogue(with_accounts: bool = True) -> Catalogue:
    p = orm.persons
    cat = Catalogue("person", p, default_columns=("given_name", "family_name", "email"))
    cat.add("name", FieldSpec(NAME), Names("person", lambda t: sa.func.trim(t.c.given_name + " " + t.c.family_name)))
    _add_scalars(cat, p, ["given_name", "family_name", "salutation", "preferred_language", "time_zone", "birth_date", "name_day"])
    _common(cat, p)
    _add_child(cat, "email", "person_emails", "person_id", "address")
    _add_child(cat, "phone", "person_phones", "person_id", "number")
    for part in ("city", "country", "postal_code", "region"):
        _add_child(cat, part, "person_addresses", "person_id", part)
    _add_child(cat, "tags", "person_tags", "person_id", "tag")
    cat.aliases.update({"emails": "email", "phones": "phone", "tag": "tags", "lastname": "family_name", "firstname": "given_name"})
    if with_accounts and _linkable():
        _add_related(cat, account_catalogue(with_persons=False), "account")
    return cat


def account_catalogue(with_persons: bool = True) -> Catalogue:
    a = _table("accounts")
    cat = Catalogue("account", a, default_columns=("name", "industry", "city"))
    if a is None:
        return cat
    cat.add("name", FieldSpec(NAME, sortable=True), Names("account", lambda t: t.c.name, sort=a.c.name))
    _add_scalars(cat, a, ["legal_name", "industry", "parent_id", "parent_kind", "employees", "size",
                          "turnover_minor", "turnover_currency"])
    _common(cat, a)
    _add_child(cat, "email", "account_emails", "account_id", "address")
    _add_child(cat, "phone", "account_phones", "account_id", "number")
    for part in ("city", "country", "postal_code", "region"):
        _add_child(cat, part, "account_addresses", "account_id", part)
    _add_child(cat, "website", "account_websites", "account_id", "url")
    _add_child(cat, "registration", "account_registrations", "account_id", "value")
    _add_child(cat, "vat", "account_registrations", "account_id", "value", where=lambda t: (t.c.kind == "vat",))
    _add_child(cat, "tags", "account_tags", "account_id", "tag", order=None)
    cat.aliases.update({"emails": "email", "phones": "phone", "websites": "website", "tag": "tags", "turnover": "turnover_minor",
                        "currency": "turnover_currency"})
    if with_persons and _linkable():
        _add_related(cat, person_catalogue(with_accounts=False), "person")
    return cat


_CUSTOM_KINDS = {"text": (TEXT, "text_value"), "choice": (TEXT, "text_value"), "multi_choice": (MULTI_TEXT, "text_value"),
                 "number": (NUMBER, "number_value"), "money": (NUMBER, "number_value"), "date": (DATE, "date_value"),
                 "bool": (BOOL, "bool_value")}


def _add_custom_fields(session: Session, cat: Catalogue) -> None:
    """`cf.<key>` for every active definition of the entity (retired ones are not searchable)."""
    d, v = _table("custom_field_definitions"), _table("custom_values")
    if d is None or v is None or _column(d, "key") is None:
        return
    query = sa.select(d.c.id, d.c.key, d.c.type).where(d.c.entity == cat.entity)
    if _column(d, "retired_at") is not None:
        query = query.where(d.c.retired_at.is_(None))
    for row in session.execute(query):
        kind, value = _CUSTOM_KINDS.get(row.type, (TEXT, "text_value"))
        if _column(v, value) is not None:
            cat.add(f"cf.{row.key}", FieldSpec(kind, multi=kind == MULTI_TEXT), Custom(cat.entity, row.key, row.id, kind, value, row.type))


# --- the compiler ---


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _number(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


class Compiler:
    """Turns a checked AST into a WHERE clause over the catalogue's table, for one viewer at one moment."""

    def __init__(self, catalogue: Callable[[str], Catalogue], viewer: Viewer, today: date):
        self.catalogue = catalogue
        self.viewer = viewer
        self.today = today

    def where(self, entity: str, node: q.Node | None) -> sa.ColumnElement[bool]:
        cat = self.catalogue(entity)
        t = cat.table
        clauses = [db.visible_to(self.viewer, t.c.owner, t.c.team, t.c.territory)]
        clauses.extend(_alive(t))
        if node is not None:
            clauses.append(self.node(cat, node))
        return sa.and_(*clauses)

    def node(self, cat: Catalogue, node: q.Node) -> sa.ColumnElement[bool]:
        if isinstance(node, q.And):
            related = [n for n in node.items if self._is_related(cat, n)]
            others = [self.node(cat, n) for n in node.items if not self._is_related(cat, n)]
            # account.* conditions joined by `and` must hold for one and the same linked account.
            return sa.and_(*others, self.related(cat, related)) if len(related) > 1 else sa.and_(*(self.node(cat, n) for n in node.items))
        if isinstance(node, q.Or):
            return sa.or_(*(self.node(cat, n) for n in node.items))
        if isinstance(node, q.Not):
            return sa.not_(self.node(cat, node.item))
        return self.comparison(cat, node)

    def comparison(self, cat: Catalogue, c: q.Comparison) -> sa.ColumnElement[bool]:
        if c.op == "!=":
            return sa.not_(self.comparison(cat, q.Comparison(c.field, "=", c.values, c.column, c.op_column)))
        how = cat.sql[c.field]
        kind = cat.fields[c.field].kind
        t = cat.table
        if isinstance(how, Scalar):
            column = how.column
            if c.op == "exists":
                return column.isnot(None) if kind not in (TEXT,) else sa.and_(column.isnot(None), column != "")
            condition = self.condition(column, kind, c)
            return sa.and_(column.isnot(None), condition) if column.nullable else condition
        if isinstance(how, Child):
            sub = sa.select(sa.literal(1)).select_from(how.table).where(how.key == t.c.id, *how.where)
            if c.op != "exists":
                sub = sub.where(self.condition(how.value, kind, c))
            return sub.exists()
        if isinstance(how, Names):
            return self.names(cat, how, c)
        if isinstance(how, Custom):
            v = _table("custom_values")
            sub = sa.select(sa.literal(1)).select_from(v).where(v.c.entity == how.entity, v.c.entity_id == t.c.id)
            sub = sub.where(v.c.field_id == how.field_id) if _column(v, "field_id") is not None else sub.where(v.c.key == how.key)
            if c.op != "exists":
                sub = sub.where(self.condition(v.c[how.value], how.kind, c))
            return sub.exists()
        if isinstance(how, Related):
            return self.related(cat, [c])
        raise AssertionError(how)

    @staticmethod
    def _is_related(cat: Catalogue, node: q.Node) -> bool:
        return isinstance(node, q.Comparison) and node.op != "!=" and isinstance(cat.sql.get(node.field), Related)

    def related(self, cat: Catalogue, comparisons: list[q.Comparison]) -> sa.ColumnElement[bool]:
        """A current link to a visible record on the other side (an account of a person, a person of an account)
        that satisfies every comparison."""
        pa = _table("person_accounts")
        first = cat.sql[comparisons[0].field]
        other = self.catalogue(first.target)
        mine, theirs = first.ends(pa)
        on_other, on_link = [], []
        for c in comparisons:
            how = cat.sql[c.field]
            if how.link:
                column = pa.c[how.field]
                if c.op == "exists":
                    kind = cat.fields[c.field].kind
                    on_link.append(sa.and_(column.isnot(None), column != "") if kind == TEXT else column.isnot(None))
                else:
                    condition = self.condition(column, cat.fields[c.field].kind, c)
                    on_link.append(sa.and_(column.isnot(None), condition) if column.nullable else condition)
            else:
                on_other.append(q.Comparison(how.field, c.op, c.values, c.column, c.op_column))
        inner = on_other[0] if len(on_other) == 1 else (q.And(tuple(on_other)) if on_other else None)
        links = (
            sa.select(sa.literal(1)).select_from(pa.join(other.table, other.table.c.id == theirs))
            .where(mine == cat.table.c.id, self.where(other.entity, inner), *on_link, *_current_link(pa, self.today))
        )
        return links.exists()

    def names(self, cat: Catalogue, how: Names, c: q.Comparison) -> sa.ColumnElement[bool]:
        t = cat.table
        tokens = orm.search_name_tokens
        if c.op == "exists":
            return sa.select(sa.literal(1)).where(tokens.c.entity == how.entity, tokens.c.entity_id == t.c.id).exists()
        words = q.name_tokens(str(c.values[0].value))
        if not words:
            raise QueryError(c.values[0].column, "give at least one letter or digit to look for")
        clauses = []
        for word in words:
            match = tokens.c.token == word if c.op == "=" else tokens.c.token.like(_like_escape(word) + "%", escape=_LIKE_ESCAPE)
            clauses.append(t.c.id.in_(sa.select(tokens.c.entity_id).where(tokens.c.entity == how.entity, match)))
        return sa.and_(*clauses)

    def condition(self, column: sa.ColumnElement, kind: str, c: q.Comparison) -> sa.ColumnElement[bool]:
        values = [lit.value for lit in c.values]
        if kind in (TEXT, MULTI_TEXT, NAME) and c.op in ("=", "in") and getattr(column, "name", "") in _STORED_AS_IS:
            # Identifiers and codes stored in one canonical case: a plain comparison, so their btree indexes serve.
            fix = _STORED_AS_IS[column.name]
            texts = [fix(str(v)) for v in values]
            return column == texts[0] if c.op == "=" else column.in_(texts)
        if kind in (TEXT, MULTI_TEXT, NAME):
            lowered = unicode_lower(column)
            if c.op == "=":
                return lowered == str(values[0]).lower()
            if c.op == "in":
                return lowered.in_([str(v).lower() for v in values])
            if c.op == "^=":
                return lowered.like(_like_escape(str(values[0]).lower()) + "%", escape=_LIKE_ESCAPE)
            if c.op == "~":
                return lowered.like("%" + _like_escape(str(values[0]).lower()) + "%", escape=_LIKE_ESCAPE)
        if kind == BOOL:
            return column == bool(values[0]) if c.op == "=" else sa.false()
        if kind == NUMBER:
            values = [_number(v) for v in values]
            return _ordered(column, c.op, values)
        if kind == DATE:
            if c.op == "within":
                return sa.and_(column >= self._within(c), column <= self.today)
            return _ordered(column, c.op, values)
        if kind == TIME:
            if c.op == "within":
                return column >= _day_start(self._within(c))
            return _time_range(column, c.op, values)
        raise AssertionError((kind, c.op))

    def _within(self, c: q.Comparison) -> date:
        return q.within_start(self.today, int(c.values[0].value), str(c.values[1].value))


def _same(text: str) -> str:
    return text


# Columns compared without lower(): ids and user names exactly, codes in the case they are stored in.
_STORED_AS_IS: dict[str, Callable[[str], str]] = {
    "id": _same, "owner": _same, "team": _same, "territory": _same, "parent_id": _same, "origin_campaign_id": _same,
    "number": lambda t: re.sub(r"[\s().-]", "", t), "lifecycle": str.lower, "origin_kind": str.lower, "parent_kind": str.lower, "role": str.lower,
    "country": str.upper, "turnover_currency": str.upper, "kind": str.lower,
}


def _ordered(column, op: str, values: list) -> sa.ColumnElement[bool]:
    if op == "=":
        return column == values[0]
    if op == "in":
        return column.in_(values)
    if op == "between":
        return column.between(values[0], values[1])
    return {"<": column < values[0], "<=": column <= values[0], ">": column > values[0], ">=": column >= values[0]}[op]


def _time_range(column, op: str, days: list[date]) -> sa.ColumnElement[bool]:
    """A timestamp against whole UTC days: `created = 2024-05-01` is any moment of that day."""
    start, end = _day_start(days[0]), _day_start(days[0]) + timedelta(days=1)
    if op == "=":
        return sa.and_(column >= start, column < end)
    if op == "between":
        return sa.and_(column >= start, column < _day_start(days[1]) + timedelta(days=1))
    return {"<": column < start, "<=": column < end, ">": column >= end, ">=": column >= start}[op]


def _alive(t: sa.Table) -> list[sa.ColumnElement[bool]]:
    """Erased and merged records are never found."""
    clauses = []
    if _column(t, "erased_at") is not None:
        clauses.append(t.c.erased_at.is_(None))
    if _column(t, "merged_into") is not None:
        merged = t.c.merged_into
        clauses.append(sa.or_(merged.is_(None), merged == "") if merged.nullable else merged == "")
    return clauses


def _current_link(pa: sa.Table, today: date) -> list[sa.ColumnElement[bool]]:
    """Only links in force today count for account.* filters (ended links are history)."""
    if _column(pa, "end_date") is None:
        return []
    return [sa.or_(pa.c.end_date.is_(None), pa.c.end_date >= today)]


# --- sorting and keyset pages ---

_SENTINELS = {TEXT: "", NAME: "", NUMBER: -(2**62), DATE: date(1, 1, 1), BOOL: False}


def _sort_expression(cat: Catalogue, name: str) -> sa.ColumnElement:
    how = cat.sql[name]
    column = how.sort if isinstance(how, Names) else how.column
    if column.nullable and cat.fields[name].kind in _SENTINELS:
        return sa.func.coalesce(column, _SENTINELS[cat.fields[name].kind])
    return column


def _to_json(value) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _from_json(kind: str, value) -> object:
    if kind == TIME:
        return datetime.fromisoformat(value)
    if kind == DATE:
        return date.fromisoformat(value)
    if kind == NUMBER:
        return _number(Decimal(str(value)))
    if kind == BOOL:
        return bool(value)
    if not isinstance(value, str):
        raise ValueError(value)
    return value


def _after(keys: Sequence[tuple[sa.ColumnElement, bool]], values: Sequence) -> sa.ColumnElement[bool]:
    """Rows strictly after `values` in the order of `keys` (column, descending)."""
    if len({desc for _, desc in keys}) == 1:
        left = sa.tuple_(*(k for k, _ in keys))
        right = sa.tuple_(*(sa.literal(v, type_=k.type) for (k, _), v in zip(keys, values, strict=True)))
        return left < right if keys[0][1] else left > right
    alternatives = []
    for i, (key, desc) in enumerate(keys):
        equal = [k == v for (k, _), v in zip(keys[:i], values[:i], strict=True)]
        alternatives.append(sa.and_(*equal, key < values[i] if desc else key > values[i]))
    return sa.or_(*alternatives)


# --- the repository ---


@dataclass(frozen=True)
class Found:
    id: str
    key: list  # the JSON-ready sort values and the id, for the next page token


@functools.cache
def _static_catalogue(entity: str) -> Catalogue:
    """The fields the mapped tables give (they do not change while the process runs); custom fields are added per
    unit of work, since definitions do."""
    return person_catalogue() if entity == "person" else account_catalogue()


class SearchRepository:
    """Runs checked queries for one viewer; knows the fields that exist right now (tables and custom fields)."""

    def __init__(self, session: Session):
        self.session = session
        self._catalogues: dict[str, Catalogue] = {}

    def catalogue(self, entity: str) -> Catalogue:
        if entity not in self._catalogues:
            base = _static_catalogue(entity)
            cat = Catalogue(base.entity, base.table, dict(base.fields), dict(base.sql), dict(base.aliases), base.default_columns)
            if cat.table is not None:
                _add_custom_fields(self.session, cat)
            self._catalogues[entity] = cat
        return self._catalogues[entity]

    def available(self, entity: str) -> bool:
        return self.catalogue(entity).table is not None

    def _compiler(self, viewer: Viewer, today: date) -> Compiler:
        return Compiler(self.catalogue, viewer, today)

    def find_statement(self, entity: str, viewer: Viewer, node: q.Node | None, order: Sequence[q.SortKey], after: list | None,
                       limit: int, today: date) -> sa.Select:
        """The page query: sort values and id of the next `limit` matches after a position (ValueError: a bad position)."""
        cat = self.catalogue(entity)
        t = cat.table
        where = self._compiler(viewer, today).where(entity, node)
        keys = [(_sort_expression(cat, k.field), k.descending) for k in order]
        keys.append((t.c.id, keys[-1][1] if keys else False))
        query = sa.select(*(k for k, _ in keys)).where(where)
        if after is not None:
            kinds = [cat.fields[k.field].kind for k in order] + [TEXT]
            try:
                values = [_from_json(kind, v) for kind, v in zip(kinds, after, strict=True)]
            except (TypeError, ValueError):
                raise ValueError("bad page position") from None
            query = query.where(_after(keys, values))
        return query.order_by(*(k.desc() if desc else k.asc() for k, desc in keys)).limit(limit)

    def find(self, entity: str, viewer: Viewer, node: q.Node | None, order: Sequence[q.SortKey], after: list | None,
             limit: int, today: date) -> list[Found]:
        query = self.find_statement(entity, viewer, node, order, after, limit, today)
        return [Found(row[-1], [_to_json(v) for v in row]) for row in self.session.execute(query)]

    def count(self, entity: str, viewer: Viewer, node: q.Node | None, today: date) -> int:
        cat = self.catalogue(entity)
        where = self._compiler(viewer, today).where(entity, node)
        return self.session.execute(sa.select(sa.func.count()).select_from(cat.table).where(where)).scalar_one()

    def values(self, entity: str, viewer: Viewer, ids: Sequence[str], columns: Sequence[str], today: date) -> dict[str, dict[str, str]]:
        """The chosen columns of the found records, formatted as text (lists joined by "; ")."""
        cat = self.catalogue(entity)
        t = cat.table
        out: dict[str, dict[str, str]] = {i: {} for i in ids}
        if not ids:
            return out
        scalars = [c for c in columns if isinstance(cat.sql[c], Scalar | Names)]
        if scalars:
            exprs = [cat.sql[c].column if isinstance(cat.sql[c], Scalar) else cat.sql[c].display(t) for c in scalars]
            for row in self.session.execute(sa.select(t.c.id, *exprs).where(t.c.id.in_(ids))):
                for name, value in zip(scalars, row[1:], strict=True):
                    out[row[0]][name] = format_value(value)
        for name in columns:
            how = cat.sql[name]
            if isinstance(how, Child):
                order = [how.key, how.order] if how.order is not None else [how.key, how.value]
                found = defaultdict(list)
                for key, value in self.session.execute(sa.select(how.key, how.value).where(how.key.in_(ids), *how.where).order_by(*order)):
                    found[key].append(format_value(value))
                for i in ids:
                    out[i][name] = "; ".join(found[i])
            elif isinstance(how, Custom):
                v = _table("custom_values")
                currency = v.c.currency if how.type == "money" and _column(v, "currency") is not None else sa.literal("")
                query = sa.select(v.c.entity_id, v.c[how.value], currency).where(v.c.entity == how.entity, v.c.entity_id.in_(ids))
                query = query.where(v.c.field_id == how.field_id) if _column(v, "field_id") is not None else query.where(v.c.key == how.key)
                if _column(v, "position") is not None:
                    query = query.order_by(v.c.entity_id, v.c.position)
                found = defaultdict(list)
                for key, value, unit in self.session.execute(query):
                    found[key].append(f"{format_value(value)} {unit}" if unit else format_value(value))
                for i in ids:
                    out[i][name] = "; ".join(found[i])
            elif isinstance(how, Related):
                self._related_values(name, how, viewer, ids, out, today)
        return out

    def _related_values(self, name: str, how: Related, viewer: Viewer, ids, out, today: date) -> None:
        """<side>.<field> of the visible records linked now (an account's persons, a person's accounts): the
        primary link first, then by age."""
        other = self.catalogue(how.target)
        o, pa = other.table, _table("person_accounts")
        mine, theirs = how.ends(pa)
        visible = sa.and_(db.visible_to(viewer, o.c.owner, o.c.team, o.c.territory), *_alive(o), *_current_link(pa, today))
        order = [mine]
        if _column(pa, "is_primary") is not None:
            order.append(pa.c.is_primary.desc())
        order += [c for c in (_column(pa, "created_at"), theirs) if c is not None]
        extra = pa.c[how.field] if how.link else sa.literal(None)
        links = self.session.execute(
            sa.select(mine, theirs, extra).join(o, o.c.id == theirs).where(mine.in_(ids), visible).order_by(*order)
        ).all()
        per_other = {}
        if not how.link:
            other_ids = list(dict.fromkeys(r[1] for r in links))
            per_other = self.values(how.target, viewer, other_ids, [how.field], today) if other_ids else {}
        found = defaultdict(list)
        for record_id, other_id, link_value in links:
            value = format_value(link_value) if how.link else per_other.get(other_id, {}).get(how.field, "")
            if value and value not in found[record_id]:
                found[record_id].append(value)
        for i in ids:
            out[i][name] = "; ".join(found[i])


def format_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)

