"""Fixtures of the contacts integration tests; the shared ones live in tests/conftest.py."""
from __future__ import annotations

import pytest
from contacts_support import migrate

from crm.contacts.v1 import contacts_pb2_grpc
from crm_contacts.bootstrap import Contacts, bootstrap
from crm_contacts.config import ContactsSettings
from crm_contacts.entrypoints.grpc_servicer import registrations
from tests.grpc_testing import serving


@pytest.fixture
def app(database_url) -> Contacts:
    """The contacts object graph on a freshly migrated database of each backend."""
    migrate(database_url)
    contacts = bootstrap(ContactsSettings(database_url=database_url))
    yield contacts
    contacts.engine.dispose()


@pytest.fixture
def channel(app, jwt_keys):
    """A channel to the real chassis gRPC server over `app`."""
    with serving(registrations(app), jwt_keys.verifier) as channel:
        yield channel


@pytest.fixture
def stub(channel) -> contacts_pb2_grpc.ContactsServiceStub:
    return contacts_pb2_grpc.ContactsServiceStub(channel)
