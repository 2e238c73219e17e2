"""The RPCs of crm.contacts.v1.ContactsService for search, count and saved searches."""
from __future__ import annotations

from crm_contacts.bootstrap import Contacts


class SearchRpcs:
    ROLES: dict[str, tuple[str, ...]] = {}
    app: Contacts
