"""The RPCs of crm.contacts.v1.ContactsService for custom field definitions."""
from __future__ import annotations

from crm_contacts.bootstrap import Contacts


class CustomFieldRpcs:
    ROLES: dict[str, tuple[str, ...]] = {}
    app: Contacts
