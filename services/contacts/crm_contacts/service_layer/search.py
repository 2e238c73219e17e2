"""Use cases of search: run a query over persons or accounts a page at a time, and keep saved searches."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from crm_chassis import paging
from crm_chassis.access import Viewer
from crm_chassis.errors import AlreadyExists, FailedPrecondition, FieldViolation, InvalidArgument, NotFound, PermissionDenied, Violations
from crm_contacts.domain import query as q
from crm_contacts.domain.saved_searches import ENTITIES, MAX_COLUMNS, MUTABLE, SavedSearch, name_problem
from crm_contacts.service_layer.unit_of_work import ContactsUnitOfWork

DEFAULT_ORDER = (q.SortKey("created", False),)


@dataclass(frozen=True)
class Search:
    entity: str  # person | account
    query: str = ""
    columns: tuple[str, ...] = ()
    order_by: str = ""
    page_size: int = 0
    page_token: str = ""
    include_count: bool = False
    saved_search_id: str = ""


@dataclass
class SearchPage:
    columns: list[str]
    rows: list[tuple[str, dict[str, str]]]
    next_page_token: str = ""
    total_count: int | None = None


@dataclass(frozen=True)
class Plan:
    """A checked search: the tree, the sort keys, the columns (as asked and as resolved)."""

    node: q.Node | None
    order: tuple[q.SortKey, ...]
    columns: tuple[str, ...]
    resolved: tuple[str, ...]
    fingerprint: str = field(default="")


def _violations(path: str, error: q.QueryError | q.QueryErrors) -> list[FieldViolation]:
    errors = error.errors if isinstance(error, q.QueryErrors) else [error]
    return [FieldViolation(path, str(e)) for e in errors]


def plan(uow: ContactsUnitOfWork, entity: str, query: str, columns: Sequence[str], order_by: str, problems: Violations,
         paths: tuple[str, str, str] = ("query", "columns", "order_by")) -> Plan | None:
    """Parses and checks a query, its columns and its order against the fields that exist now; None when invalid."""
    cat = uow.search.catalogue(entity)
    node = None
    try:
        node = q.check(q.parse(query), cat.fields, cat.aliases)
    except (q.QueryError, q.QueryErrors) as exc:
        problems.extend(_violations(paths[0], exc))
    if len(columns) > MAX_COLUMNS:
        problems.add(paths[1], f"at most {MAX_COLUMNS} columns")
    bad = q.check_columns(columns, cat.fields, cat.aliases)
    for i, message in bad.items():
        problems.add(f"{paths[1]}[{i}]", message)
    order = ()
    try:
        order = q.parse_order_by(order_by, cat.fields, cat.aliases)
    except q.QueryErrors as exc:
        problems.extend(_violations(paths[2], exc))
    if problems:
        return None
    chosen = tuple(columns) or cat.default_columns
    resolved = tuple(cat.aliases.get(c.lower(), c.lower()) for c in chosen)
    chosen = tuple(c for c, r in zip(chosen, resolved, strict=True) if r in cat.fields)
    resolved = tuple(r for r in resolved if r in cat.fields)
    return Plan(node, order or DEFAULT_ORDER, chosen, resolved, q.fingerprint(entity, node, order or DEFAULT_ORDER))


def search(cmd: Search, uow: ContactsUnitOfWork, viewer: Viewer, today: date | None = None) -> SearchPage:
    """One page of the records the viewer may see that match; INVALID_ARGUMENT names every problem at once."""
    if cmd.entity not in ENTITIES:
        raise InvalidArgument([FieldViolation("entity", "must be person or account")])
    size = paging.page_size(cmd.page_size)
    today = today or datetime.now(UTC).date()
    with uow:
        if not uow.search.available(cmd.entity):
            raise FailedPrecondition(f"{cmd.entity}s cannot be searched yet")
        query, columns, order_by = cmd.query, cmd.columns, cmd.order_by
        if cmd.saved_search_id:
            saved = _visible(uow, cmd.saved_search_id, viewer)
            if saved.entity != cmd.entity:
                raise InvalidArgument([FieldViolation("saved_search_id", f"is a search of {saved.entity}s")])
            query = f"({saved.query}) and ({query})" if saved.query.strip() and query.strip() else (query or saved.query)
            columns = columns or saved.columns
            order_by = order_by or saved.order_by
        problems = Violations()
        checked = plan(uow, cmd.entity, query, columns, order_by, problems)
        problems.raise_if_any()
        after = None
        raw = paging.decode(cmd.page_token, len(checked.order) + 2)
        if raw is not None:
            if raw[0] != checked.fingerprint:
                raise InvalidArgument([FieldViolation("page_token", "belongs to another query or order")])
            after = raw[1:]
        try:
            found = uow.search.find(cmd.entity, viewer, checked.node, checked.order, after, size + 1, today)
        except ValueError:
            raise InvalidArgument([FieldViolation("page_token", "is not a token returned by this method")]) from None
        except q.QueryError as exc:
            raise InvalidArgument(_violations("query", exc)) from None
        found, token = paging.page(found, size, lambda f: [checked.fingerprint, *f.key])
        values = uow.search.values(cmd.entity, viewer, [f.id for f in found], checked.resolved, today)
        total = uow.search.count(cmd.entity, viewer, checked.node, today) if cmd.include_count else None
    rows = [(f.id, {asked: values[f.id].get(name, "") for asked, name in zip(checked.columns, checked.resolved, strict=True)}) for f in found]
    return SearchPage(list(checked.columns), rows, token, total)


def matching_ids(uow: ContactsUnitOfWork, viewer: Viewer, entity: str, query: str, after: tuple[datetime, str] | None, limit: int,
                 path: str = "query", today: date | None = None) -> list[str]:
    """For other use cases (export): ids of the visible records matching `query`, in creation order after a
    (created_at, id) position, at most `limit`. Call it inside `with uow:`; a bad query is INVALID_ARGUMENT on `path`."""
    problems = Violations()
    checked = plan(uow, entity, query, (), "", problems, paths=(path, "columns", "order_by"))
    problems.raise_if_any()
    position = [after[0].astimezone(UTC).isoformat(), after[1]] if after else None
    try:
        found = uow.search.find(entity, viewer, checked.node, DEFAULT_ORDER, position, limit, today or datetime.now(UTC).date())
    except q.QueryError as exc:
        raise InvalidArgument(_violations(path, exc)) from None
    return [f.id for f in found]


# --- saved searches ---


@dataclass(frozen=True)
class SavedSearchFields:
    entity: str
    name: str
    query: str = ""
    columns: tuple[str, ...] = ()
    order_by: str = ""
    shared: bool = False


def _visible(uow: ContactsUnitOfWork, search_id: str, viewer: Viewer) -> SavedSearch:
    saved = uow.saved_searches.get(search_id) if search_id else None
    if saved is None or not saved.is_visible_to(viewer):
        raise NotFound(f"saved search {search_id} not found")
    return saved


def _validate(uow: ContactsUnitOfWork, fields: SavedSearchFields, problems: Violations) -> None:
    if fields.entity not in ENTITIES:
        problems.add("entity", "must be person or account")
    elif not uow.search.available(fields.entity):
        problems.add("entity", f"{fields.entity}s cannot be searched yet")
    if (problem := name_problem(fields.name)) is not None:
        problems.add("name", problem)
    if len(fields.order_by) > 1000:
        problems.add("order_by", "must be at most 1000 characters")
    if fields.entity in ENTITIES and uow.search.available(fields.entity):
        plan(uow, fields.entity, fields.query, fields.columns, fields.order_by, problems)


def create_saved_search(fields: SavedSearchFields, uow: ContactsUnitOfWork, viewer: Viewer) -> SavedSearch:
    with uow:
        problems = Violations()
        _validate(uow, fields, problems)
        problems.raise_if_any()
        saved = SavedSearch.new(fields.entity, fields.name, fields.query, fields.columns, fields.order_by, fields.shared, viewer)
        if uow.saved_searches.name_taken(saved.owner, saved.entity, saved.name):
            raise AlreadyExists(f"you already have a saved search of {saved.entity}s named {saved.name!r}")
        uow.saved_searches.add(saved)
        uow.commit()
    return saved


def get_saved_search(search_id: str, uow: ContactsUnitOfWork, viewer: Viewer) -> SavedSearch:
    with uow:
        return _visible(uow, search_id, viewer)


def list_saved_searches(entity: str, uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str) -> tuple[list[SavedSearch], str]:
    if entity and entity not in ENTITIES:
        raise InvalidArgument([FieldViolation("entity", "must be person or account")])
    size = paging.page_size(page_size)
    raw = paging.decode(page_token, 2)
    if raw is not None and not all(isinstance(v, str) for v in raw):
        raise InvalidArgument([FieldViolation("page_token", "is not a token returned by this method")])
    with uow:
        found = uow.saved_searches.list_visible(viewer, entity or None, tuple(raw) if raw else None, size + 1)
    return paging.page(found, size, lambda s: [s.name, s.id])


def update_saved_search(search_id: str, fields: SavedSearchFields, mask: Sequence[str], uow: ContactsUnitOfWork, viewer: Viewer) -> SavedSearch:
    """Changes the masked fields (all when the mask is empty); only the owner or an admin may."""
    unknown = [p for p in mask if p not in MUTABLE]
    if unknown:
        raise InvalidArgument([FieldViolation("update_mask", f"unknown or immutable field {p!r}; use {', '.join(MUTABLE)}") for p in unknown])
    paths = tuple(mask) or MUTABLE
    with uow:
        saved = _visible(uow, search_id, viewer)
        if not saved.may_be_changed_by(viewer):
            raise PermissionDenied("only the owner of a saved search may change it")
        changes = {p: getattr(fields, p) for p in paths}
        updated = saved.changed(**changes)
        problems = Violations()
        _validate(uow, SavedSearchFields(updated.entity, updated.name, updated.query, updated.columns, updated.order_by, updated.shared), problems)
        problems.raise_if_any()
        if updated.name != saved.name and uow.saved_searches.name_taken(saved.owner, saved.entity, updated.name, except_id=saved.id):
            raise AlreadyExists(f"a saved search of {saved.entity}s named {updated.name!r} already exists")
        uow.saved_searches.save(updated)
        uow.commit()
    return updated


def delete_saved_search(search_id: str, uow: ContactsUnitOfWork, viewer: Viewer) -> None:
    with uow:
        saved = _visible(uow, search_id, viewer)
        if not saved.may_be_changed_by(viewer):
            raise PermissionDenied("only the owner of a saved search may delete it")
        uow.saved_searches.delete(saved.id)
        uow.commit()
