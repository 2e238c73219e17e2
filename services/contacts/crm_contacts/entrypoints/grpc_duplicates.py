"""The RPCs of crm.contacts.v1.ContactsService for duplicate detection, merge and undo."""
from __future__ import annotations

from crm_contacts.bootstrap import Contacts


class DuplicateRpcs:
    ROLES: dict[str, tuple[str, ...]] = {}
    app: Contacts
