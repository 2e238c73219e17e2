"""The RPCs of crm.contacts.v1.ContactsService for import and export."""
from __future__ import annotations

from crm_contacts.bootstrap import Contacts


class TransferRpcs:
    ROLES: dict[str, tuple[str, ...]] = {}
    app: Contacts
