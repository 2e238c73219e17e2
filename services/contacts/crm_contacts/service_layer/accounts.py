"""Use cases of accounts: create, read, list, change, their hierarchy and their dossier."""
from __future__ import annotations

from crm_chassis import paging
from crm_chassis.access import Viewer
from crm_chassis.errors import FieldViolation, InvalidArgument, NotFound, Violations
from crm_chassis.idempotency import check_request_id
from crm_contacts.domain.accounts import Account, CreateAccount, UpdateAccount, check_parent
from crm_contacts.domain.model import HistoryEntry
from crm_contacts.service_layer import custom_fields as custom_field_use_cases
from crm_contacts.service_layer import duplicates
from crm_contacts.service_layer.unit_of_work import ContactsUnitOfWork

SOURCE = "contacts"
_FIELD_WORDS = {"legal_name": "legal name", "annual_turnover": "annual turnover", "registration_ids": "registration ids", "custom_fields": "custom fields"}


def create_account(cmd: CreateAccount, uow: ContactsUnitOfWork, viewer: Viewer, default_phone_region: str | None = None) -> Account:
    with uow:
        earlier = uow.handled_request(viewer.subject, "CreateAccount", cmd.request_id)  # idempotency: a retry answers the account made then
        if earlier is not None:
            account = uow.accounts.get(earlier)
            if account is None or not account.is_visible_to(viewer):
                raise NotFound(f"account {earlier} not found")
            return account
        problems = Violations()
        check_request_id(cmd.request_id, problems)
        parent_id = _raw_parent_id(cmd.fields)
        _check_parent(uow, viewer, "", parent_id, problems)
        custom_values = custom_field_use_cases.validate(uow, "account", cmd.fields.get("custom_fields") or {}, problems)  # custom fields
        account = Account.create({**cmd.fields, "custom_fields": custom_values}, viewer, default_phone_region=default_phone_region, problems=problems)
        duplicates.check_account(uow, account, cmd.allow_duplicates, viewer=viewer)  # duplicates: likely duplicates → ALREADY_EXISTS
        uow.remember_request(viewer.subject, "CreateAccount", cmd.request_id, account.id)  # idempotency
        uow.accounts.add(account)
        uow.custom_values.replace("account", account.id, account.custom_fields)  # custom fields
        uow.account_history.add(HistoryEntry.new(account.id, "AccountCreated", f"{account.name} added by {viewer.subject}", SOURCE, account.created_at))
        if account.parent_id:
            uow.account_history.add(
                HistoryEntry.new(account.parent_id, "AccountChildAdded", f"{account.parent_kind.capitalize()} {account.name} added", SOURCE)
            )
        uow.commit()
    return account


def get_account(account_id: str, uow: ContactsUnitOfWork, viewer: Viewer) -> Account:
    """NOT_FOUND both for a missing account and for one the viewer may not see."""
    with uow:
        account = uow.accounts.get(account_id)
    if account is None or not account.is_visible_to(viewer):
        raise NotFound(f"account {account_id} not found")
    return account


def list_accounts(uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str) -> tuple[list[Account], str]:
    size = paging.page_size(page_size)
    after = paging.decode_time_key(page_token)
    with uow:
        accounts = uow.accounts.list_visible(viewer, after, size + 1)
    return paging.page(accounts, size, lambda a: paging.time_key(a.created_at, a.id))


def update_account(cmd: UpdateAccount, uow: ContactsUnitOfWork, viewer: Viewer, default_phone_region: str | None = None) -> Account:
    """Changes the masked fields; nothing is written (and nothing published) when nothing really changes."""
    with uow:
        account = uow.accounts.get(cmd.account_id, for_update=True)
        if account is None or not account.is_visible_to(viewer):
            raise NotFound(f"account {cmd.account_id} not found")
        problems = Violations()
        if "parent_id" in cmd.mask:
            parent_id = _raw_parent_id(cmd.fields)
            if parent_id != account.parent_id:  # an unchanged parent stays even if the caller cannot see it
                _check_parent(uow, viewer, account.id, parent_id, problems)
        fields = cmd.fields
        if "custom_fields" in cmd.mask:  # custom fields: the whole map is replaced
            fields = {**fields, "custom_fields": custom_field_use_cases.validate(uow, "account", fields.get("custom_fields") or {}, problems)}
        changed = account.update(fields, cmd.mask, etag=cmd.etag, default_phone_region=default_phone_region, problems=problems)
        if changed:
            duplicates.check_account(uow, account, cmd.allow_duplicates, viewer=viewer, changed=changed)  # duplicates: → ALREADY_EXISTS
            uow.accounts.save(account)
            if "custom_fields" in changed:  # custom fields
                uow.custom_values.replace("account", account.id, account.custom_fields)
            words = ", ".join(_FIELD_WORDS.get(f, f) for f in changed)
            uow.account_history.add(HistoryEntry.new(account.id, "AccountUpdated", f"Changed: {words}", SOURCE, account.updated_at))
            uow.commit()
    return account


def _raw_parent_id(fields) -> str:
    return (fields.get("parent_id") or "").strip()


def _check_parent(uow: ContactsUnitOfWork, viewer: Viewer, account_id: str, parent_id: str, problems: Violations) -> None:
    """The parent must exist and be visible to the caller (the same message either way), and must not loop.

    The parent's row is locked: two concurrent moves that would close a loop (A under B, B under A) then wait for
    each other instead of both passing the check (PostgreSQL; SQLite's writers queue anyway).
    """
    if not parent_id:
        return
    parent = uow.accounts.get(parent_id, for_update=True)
    if parent is None or not parent.is_visible_to(viewer):
        problems.add("parent_id", f"account {parent_id} not found")
        return
    if parent.merged_into:  # duplicates: a tombstone
        problems.add("parent_id", f"account {parent_id} was merged into {parent.merged_into}; use that account")
        return
    check_parent(account_id, parent_id, uow.accounts.ancestors, problems)


def list_children(
    account_id: str, recursive: bool, uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str
) -> tuple[list[tuple[Account, int]], str]:
    """The accounts below one (direct children, or the whole subtree depth first) that the viewer may see."""
    size = paging.page_size(page_size)
    position = paging.decode(page_token, 1)
    start = position[0] if position else 0
    if not isinstance(start, int) or start < 0:
        raise InvalidArgument([FieldViolation("page_token", "is not a token returned by this method")])
    get_account(account_id, uow, viewer)
    with uow:
        tree = uow.accounts.descendants(account_id, recursive)
        found = uow.accounts.load_many([i for i, _ in tree])
    visible = [(found[i], depth) for i, depth in tree if i in found and found[i].is_visible_to(viewer)]
    page = visible[start:start + size]
    token = paging.encode([start + size]) if len(visible) > start + size else ""
    return page, token


def list_account_history(
    account_id: str, uow: ContactsUnitOfWork, viewer: Viewer, page_size: int, page_token: str
) -> tuple[list[HistoryEntry], str]:
    size = paging.page_size(page_size)
    before = paging.decode_time_key(page_token)
    get_account(account_id, uow, viewer)
    with uow:
        entries = uow.account_history.list_for(account_id, before, size + 1)
    return paging.page(entries, size, lambda e: paging.time_key(e.occurred_at, e.id))
