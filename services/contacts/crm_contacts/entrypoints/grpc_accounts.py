"""The RPCs of crm.contacts.v1.ContactsService for accounts, their branches and every relation."""
from __future__ import annotations

from crm_contacts.bootstrap import Contacts


class AccountRpcs:
    ROLES: dict[str, tuple[str, ...]] = {}
    app: Contacts
