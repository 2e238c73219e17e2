"""Use cases of custom field definitions: define, read, list, change, retire or purge."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from crm_chassis import paging
from crm_chassis.errors import AlreadyExists, FailedPrecondition, FieldViolation, InvalidArgument, NotFound, Violations
from crm_contacts.domain import custom_fields as cf
from crm_contacts.domain import events
from crm_contacts.service_layer.unit_of_work import ContactsUnitOfWork


@dataclass(frozen=True)
class CreateCustomField:
    entity: str | None
    key: str
    type: str | None
    draft: cf.DefinitionDraft


@dataclass(frozen=True)
class UpdateCustomField:
    field_id: str
    draft: cf.DefinitionDraft
    paths: Sequence[str]


@dataclass(frozen=True)
class DeleteCustomField:
    field_id: str
    purge: bool = False


def create_custom_field(cmd: CreateCustomField, uow: ContactsUnitOfWork) -> cf.FieldDefinition:
    problems = Violations()
    definition = cf.define(cmd.entity, cmd.key, cmd.type, cmd.draft, problems)
    problems.raise_if_any()
    with uow:
        if uow.custom_fields.key_taken(definition.entity, definition.key):
            raise AlreadyExists(
                f"a custom field {definition.key} already exists for {cf.ENTITY_PLURALS[definition.entity]} "
                "(a deleted field keeps its key until it is purged)"
            )
        if uow.custom_fields.count_active(definition.entity) >= cf.MAX_FIELDS_PER_ENTITY:
            raise FailedPrecondition(f"{cf.ENTITY_PLURALS[definition.entity]} already have {cf.MAX_FIELDS_PER_ENTITY} custom fields")
        try:
            uow.custom_fields.add(definition)
            uow.record(events.CustomFieldDefined(definition))
            uow.commit()
        except IntegrityError:  # another admin defined the same key at the same moment (PostgreSQL)
            raise AlreadyExists(f"a custom field {definition.key} already exists for {cf.ENTITY_PLURALS[definition.entity]}") from None
    return definition


def get_custom_field(field_id: str, uow: ContactsUnitOfWork) -> cf.FieldDefinition:
    """Retired fields too (with retired_at set); NOT_FOUND once purged."""
    with uow:
        definition = uow.custom_fields.get(field_id)
    if definition is None:
        raise NotFound(f"custom field {field_id} not found")
    return definition


def list_custom_fields(
    uow: ContactsUnitOfWork, entity: str | None, include_retired: bool, page_size: int, page_token: str
) -> tuple[list[cf.FieldDefinition], str]:
    size = paging.page_size(page_size)
    position = paging.decode(page_token, 3)
    with uow:
        found = uow.custom_fields.list(entity, include_retired, tuple(str(p) for p in position) if position else None, size + 1)
    return paging.page(found, size, lambda d: [d.entity, d.key, d.id])


def update_custom_field(cmd: UpdateCustomField, uow: ContactsUnitOfWork) -> cf.FieldDefinition:
    """Changes the masked parts; removing an option some record holds is FAILED_PRECONDITION.

    Tighter rules (required, a smaller max_length, narrower bounds) apply to writes from now on: stored values
    stay as they are and are checked when a record's custom fields are next written.
    """
    if not cmd.paths:
        raise InvalidArgument([FieldViolation("update_mask", "name at least one field to change")])
    with uow:
        before = uow.custom_fields.get(cmd.field_id, for_update=True)
        if before is None:
            raise NotFound(f"custom field {cmd.field_id} not found")
        problems = Violations()
        after, changed = cf.amend(before, cmd.draft, cmd.paths, problems)
        problems.raise_if_any()
        if not changed:
            return before
        in_use = uow.custom_fields.options_in_use(before.id, cf.removed_options(before, after))
        if in_use:
            raise FailedPrecondition(
                f"options {', '.join(in_use)} of {before.key} are held by records; change those records first"
            )
        uow.custom_fields.save(after)
        uow.record(events.CustomFieldChanged(after, tuple(changed)))
        uow.commit()
    return after


def delete_custom_field(cmd: DeleteCustomField, uow: ContactsUnitOfWork) -> cf.FieldDefinition:
    """Retires the field (values kept, no longer returned, validated or searchable), or purges it with its values.

    Retiring twice changes nothing; a retired field can still be purged. No record emits an update event for
    the values that disappear from it: CustomFieldDeleted says it once for all.
    """
    with uow:
        definition = uow.custom_fields.get(cmd.field_id, for_update=True)
        if definition is None:
            raise NotFound(f"custom field {cmd.field_id} not found")
        if cmd.purge:
            uow.custom_fields.purge(definition.id)
            definition = cf.retire(definition)
        elif definition.retired:
            return definition
        else:
            definition = cf.retire(definition)
            uow.custom_fields.save(definition)
        uow.record(events.CustomFieldDeleted(definition, cmd.purge))
        uow.commit()
    return definition


# --- values of records: what the persons' and accounts' handlers call ---

def validate(
    uow: ContactsUnitOfWork, entity: str, raw: Mapping[str, object], problems: Violations, path: str = "custom_fields", *, partial: bool = False
) -> dict[str, cf.Value]:
    """A record's values (inside an open unit of work): every key known, every required field given unless partial."""
    return cf.validate_values(uow.custom_fields.definitions(entity), raw, problems, path, partial=partial, entity=entity)


def load(uow: ContactsUnitOfWork, entity: str, ids: Sequence[str]) -> dict[str, dict[str, cf.Value]]:
    return uow.custom_values.load(entity, ids)
