"""Fixtures of the contacts integration tests; the shared ones live in tests/conftest.py."""
from __future__ import annotations

import pytest
from contacts_support import migrate

from crm_contacts.bootstrap import Contacts, bootstrap
from crm_contacts.config import ContactsSettings


@pytest.fixture
def app(database_url) -> Contacts:
    """The contacts object graph on a freshly migrated database of each backend."""
    migrate(database_url)
    contacts = bootstrap(ContactsSettings(database_url=database_url))
    yield contacts
    contacts.engine.dispose()
