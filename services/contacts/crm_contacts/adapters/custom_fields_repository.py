"""Custom field definitions and the values records hold for them; the only place that writes their SQL."""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_contacts.adapters import orm
from crm_contacts.domain.custom_fields import Choice, FieldDefinition, Money, Option, Validation, Value, format_decimal

_DECIMAL_RULES = ("min", "max")
_DATE_RULES = ("min_date", "max_date")


def _validation_json(v: Validation) -> str:
    rules: dict[str, object] = {}
    for name in ("max_length", "pattern", "decimal_places", "currency"):
        value = getattr(v, name)
        if value not in (None, ""):
            rules[name] = value
    for name in _DECIMAL_RULES:
        if getattr(v, name) is not None:
            rules[name] = str(getattr(v, name))
    for name in _DATE_RULES:
        if getattr(v, name) is not None:
            rules[name] = getattr(v, name).isoformat()
    return json.dumps(rules, sort_keys=True)


def _validation(text: str) -> Validation:
    rules = json.loads(text)
    for name in _DECIMAL_RULES:
        if name in rules:
            rules[name] = Decimal(rules[name])
    for name in _DATE_RULES:
        if name in rules:
            rules[name] = date.fromisoformat(rules[name])
    return Validation(**rules)


def _definition(row) -> FieldDefinition:
    return FieldDefinition(
        id=row.id,
        entity=row.entity,
        key=row.key,
        label=row.label,
        type=row.type,
        required=row.required,
        options=tuple(Option(o["key"], o["label"]) for o in json.loads(row.options)),
        validation=_validation(row.validation),
        retired_at=row.retired_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class CustomFieldRepository:
    """Definitions: `uow.custom_fields`."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, definition: FieldDefinition) -> None:
        self.session.execute(sa.insert(orm.custom_field_definitions).values(id=definition.id, **self._row(definition)))

    def save(self, definition: FieldDefinition) -> None:
        t = orm.custom_field_definitions
        self.session.execute(sa.update(t).where(t.c.id == definition.id).values(**self._row(definition)))

    @staticmethod
    def _row(d: FieldDefinition) -> dict:
        return {
            "entity": d.entity,
            "key": d.key,
            "label": d.label,
            "type": d.type,
            "required": d.required,
            "options": json.dumps([{"key": o.key, "label": o.label} for o in d.options], ensure_ascii=False),
            "validation": _validation_json(d.validation),
            "created_at": d.created_at,
            "updated_at": d.updated_at,
            "retired_at": d.retired_at,
        }

    def get(self, field_id: str, *, for_update: bool = False) -> FieldDefinition | None:
        t = orm.custom_field_definitions
        query = sa.select(t).where(t.c.id == field_id)
        row = self.session.execute(query.with_for_update() if for_update else query).first()
        return _definition(row) if row else None

    def key_taken(self, entity: str, key: str) -> bool:
        """Also by a retired field: its values keep the key until it is purged."""
        t = orm.custom_field_definitions
        return self.session.execute(sa.select(t.c.id).where(t.c.entity == entity, t.c.key == key)).first() is not None

    def count_active(self, entity: str) -> int:
        t = orm.custom_field_definitions
        query = sa.select(sa.func.count()).select_from(t).where(t.c.entity == entity, t.c.retired_at.is_(None))
        return self.session.execute(query).scalar_one()

    def definitions(self, entity: str) -> list[FieldDefinition]:
        """The active (not retired) fields of an entity, by key: what values are validated against."""
        t = orm.custom_field_definitions
        rows = self.session.execute(sa.select(t).where(t.c.entity == entity, t.c.retired_at.is_(None)).order_by(t.c.key)).all()
        return [_definition(r) for r in rows]

    def list(self, entity: str | None, include_retired: bool, after: tuple[str, str, str] | None, limit: int) -> list[FieldDefinition]:
        """By entity, key and id, starting after a keyset position."""
        t = orm.custom_field_definitions
        query = sa.select(t)
        if entity:
            query = query.where(t.c.entity == entity)
        if not include_retired:
            query = query.where(t.c.retired_at.is_(None))
        if after is not None:
            query = query.where(sa.tuple_(t.c.entity, t.c.key, t.c.id) > sa.tuple_(*(sa.literal(a) for a in after)))
        rows = self.session.execute(query.order_by(t.c.entity, t.c.key, t.c.id).limit(limit)).all()
        return [_definition(r) for r in rows]

    def options_in_use(self, field_id: str, keys: Iterable[str]) -> list[str]:
        """Which of these option keys some record holds."""
        v = orm.custom_values
        keys = list(keys)
        if not keys:
            return []
        query = sa.select(v.c.text_value).where(v.c.field_id == field_id, v.c.text_value.in_(keys)).distinct()
        return sorted(self.session.execute(query).scalars())

    def purge(self, field_id: str) -> None:
        """The definition and every value of it, for good."""
        self.session.execute(sa.delete(orm.custom_values).where(orm.custom_values.c.field_id == field_id))
        self.session.execute(sa.delete(orm.custom_field_definitions).where(orm.custom_field_definitions.c.id == field_id))


class CustomValueRepository:
    """Values of persons' and accounts' custom fields: `uow.custom_values`.

    Only values of active fields are read or replaced; a retired field's values stay stored, untouched,
    until the field is purged.
    """

    def __init__(self, session: Session):
        self.session = session

    def load(self, entity: str, ids: Sequence[str]) -> dict[str, dict[str, Value]]:
        """Each record's values by key; records without values are absent."""
        ids = list(ids)
        if not ids:
            return {}
        v, d = orm.custom_values, orm.custom_field_definitions
        query = (
            sa.select(v.c.entity_id, v.c.key, v.c.text_value, v.c.date_value, v.c.bool_value, v.c.currency, d.c.type)
            .join(d, d.c.id == v.c.field_id)
            .where(v.c.entity == entity, v.c.entity_id.in_(ids), d.c.retired_at.is_(None))
            .order_by(v.c.entity_id, v.c.key, v.c.position)
        )
        result: dict[str, dict[str, Value]] = defaultdict(dict)
        for row in self.session.execute(query):
            values = result[row.entity_id]
            if row.type == "multi_choice":
                values[row.key] = (*values.get(row.key, ()), row.text_value)
            else:
                values[row.key] = _value(row)
        return dict(result)

    def replace(self, entity: str, entity_id: str, values: Mapping[str, Value]) -> None:
        """The record's values of active fields become exactly `values` (typed, validated, by key)."""
        v = orm.custom_values
        active = self._active(entity)
        if not active and not values:
            return
        self.session.execute(
            sa.delete(v).where(v.c.entity == entity, v.c.entity_id == entity_id, v.c.field_id.in_([r.id for r in active.values()]))
        )
        self._insert(entity, active, {entity_id: values})

    def add_many(self, entity: str, values: Mapping[str, Mapping[str, Value]]) -> None:
        """The values of records just added, which have none yet (id → values by key), in one insert for them all
        (an import's batch)."""
        values = {entity_id: mine for entity_id, mine in values.items() if mine}
        if values:
            self._insert(entity, self._active(entity), values)

    def _active(self, entity: str) -> dict:
        d = orm.custom_field_definitions
        query = sa.select(d.c.id, d.c.key, d.c.type).where(d.c.entity == entity, d.c.retired_at.is_(None))
        return {row.key: row for row in self.session.execute(query)}

    def _insert(self, entity: str, active: Mapping, values: Mapping[str, Mapping[str, Value]]) -> None:
        rows = []
        for entity_id, mine in values.items():
            for key, value in mine.items():
                field = active[key]  # validate_values lets only active keys through
                items = value if field.type == "multi_choice" else (value,)
                for position, item in enumerate(items):
                    rows.append({"entity": entity, "entity_id": entity_id, "field_id": field.id, "position": position, "key": key, **_columns(item)})
        if rows:
            self.session.execute(sa.insert(orm.custom_values), rows)

    def forget(self, entity: str, entity_id: str) -> None:
        """Every value of the record, retired fields' too (erasure)."""
        v = orm.custom_values
        self.session.execute(sa.delete(v).where(v.c.entity == entity, v.c.entity_id == entity_id))

    def forget_person(self, person_id: str) -> None:
        self.forget("person", person_id)

    def repoint(self, entity: str, old_id: str, new_id: str) -> None:
        """Moves the values of `old_id` to `new_id` where `new_id` has none for that field (merge)."""
        v = orm.custom_values
        taken = set(self.session.execute(sa.select(v.c.field_id).where(v.c.entity == entity, v.c.entity_id == new_id)).scalars())
        move = sa.update(v).where(v.c.entity == entity, v.c.entity_id == old_id)
        if taken:
            move = move.where(v.c.field_id.not_in(taken))
        self.session.execute(move.values(entity_id=new_id))
        self.forget(entity, old_id)


def _columns(value: Value) -> dict:
    empty = {"text_value": None, "number_value": None, "date_value": None, "bool_value": None, "currency": None}
    if isinstance(value, bool):
        return {**empty, "bool_value": value}
    if isinstance(value, Money):
        # number_value in major units, so that `cf.budget > 1000` means 1000 EUR; the exact minor units in text.
        return {**empty, "number_value": value.amount, "currency": value.currency, "text_value": str(value.amount_minor)}
    if isinstance(value, Decimal):
        return {**empty, "number_value": value, "text_value": format_decimal(value)}
    if isinstance(value, str):
        return {**empty, "text_value": value}
    return {**empty, "date_value": value}


def _value(row) -> Value:
    if row.type == "bool":
        return bool(row.bool_value)
    if row.type == "money":
        return Money(int(row.text_value), row.currency)
    if row.type == "number":
        return Decimal(row.text_value)  # the exact text: SQLite keeps NUMERIC as a float
    if row.type == "date":
        return row.date_value
    if row.type == "choice":
        return Choice(row.text_value)
    return row.text_value
