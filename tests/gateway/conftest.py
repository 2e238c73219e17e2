"""The gateway against real in-process gRPC servers whose servicers are small in-memory fakes.

The servers are the chassis' own (`GrpcServer`), so tokens and roles are enforced
downstream exactly as in production; the notifications server has the service's real access rules.
"""

from __future__ import annotations

import socket
import threading
import uuid
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from gateway_contacts_fake import CONTACTS_AREA_ROLES, ContactsAreasFake
from gateway_notifications_fake import FakeNotifications
from gateway_sales_fake import SALES_ROLES, FakeSales
from google.protobuf.timestamp_pb2 import Timestamp

from crm.contacts.v1 import contacts_pb2, contacts_pb2_grpc
from crm.notifications.v1 import notifications_pb2_grpc
from crm.sales.v1 import sales_pb2_grpc
from crm_chassis import auth, errors
from crm_chassis.grpc_server import GrpcServer, Registration
from crm_gateway.app import create_app
from crm_gateway.config import GatewaySettings
from crm_notifications.entrypoints.grpc_servicer import NotificationsServicer

# Contacts RPCs the gateway does not call are admin-only here, so that new ones need no entry.
_CONTACTS_METHODS = contacts_pb2.DESCRIPTOR.services_by_name["ContactsService"].methods
CONTACTS_ROLES = {method.name: [] for method in _CONTACTS_METHODS} | {
    "CreatePerson": ["sales"],
    "GetPerson": ["sales", "support"],
    "ListPersons": ["sales", "support"],
    "ListPersonHistory": ["sales"],
    "SetPersonConsent": ["sales"],
    # The RPCs of the customer file's other areas (gateway_contacts_fake.py).
    **CONTACTS_AREA_ROLES,
}
# The notifications service's own rules, so that the gateway meets the roles (and the PUBLIC Unsubscribe) of production.
NOTIFICATIONS_ROLES = NotificationsServicer.ROLES


def _now() -> Timestamp:
    stamp = Timestamp()
    stamp.GetCurrentTime()
    return stamp




@pytest.fixture
def unused_address() -> str:
    """An address nothing listens on: connections are refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


@dataclass
class FakeContacts(ContactsAreasFake, contacts_pb2_grpc.ContactsServiceServicer):
    persons: dict[str, contacts_pb2.Person] = field(default_factory=dict)
    requests: list = field(default_factory=list)
    fail_with: Exception | None = None
    rendezvous: threading.Barrier | None = None

    def _called(self, request) -> None:
        self.requests.append(request)
        if self.rendezvous is not None:
            self.rendezvous.wait()
        if self.fail_with is not None:
            raise self.fail_with

    def add(self, **fields) -> contacts_pb2.Person:
        person = contacts_pb2.Person(id=str(uuid.uuid4()), create_time=_now(), update_time=_now(), **fields)
        self.persons[person.id] = person
        return person

    def CreatePerson(self, request, context):
        self._called(request)
        bad = errors.Violations()
        for i, email in enumerate(request.person.emails):
            if "@" not in email.address:
                bad.add(f"person.emails[{i}].address", "is not an email address")
        if not request.person.family_name:
            bad.add("person.family_name", "must not be empty")
        bad.raise_if_any()
        person = contacts_pb2.Person()
        person.CopyFrom(request.person)
        person.owner = auth.current_principal().subject
        stored = self.add(**{f.name: v for f, v in person.ListFields()})
        return stored

    def GetPerson(self, request, context):
        self._called(request)
        if request.id not in self.persons:
            raise errors.NotFound(f"no person {request.id}")
        return self.persons[request.id]

    def ListPersons(self, request, context):
        self._called(request)
        start = int(request.page_token or 0)
        size = request.page_size or 50
        persons = list(self.persons.values())
        page = persons[start : start + size]
        more = start + size < len(persons)
        return contacts_pb2.ListPersonsResponse(persons=page, next_page_token=str(start + size) if more else "")

    def SetPersonConsent(self, request, context):
        self._called(request)
        if request.person_id not in self.persons:
            raise errors.NotFound(f"person {request.person_id} not found")
        if len(request.consent.source) > 200:
            raise errors.InvalidArgument([errors.FieldViolation("consent.source", "must be at most 200 characters")])
        person = self.persons[request.person_id]
        kept = [c for c in person.consents if (c.channel, c.purpose) != (request.consent.channel, request.consent.purpose)]
        del person.consents[:]
        person.consents.extend([*kept, request.consent])
        person.update_time.CopyFrom(_now())
        return person


@dataclass
class Downstream:
    contacts: FakeContacts
    notifications: FakeNotifications
    contacts_server: GrpcServer
    notifications_server: GrpcServer
    sales: FakeSales
    sales_server: GrpcServer

    @property
    def contacts_addr(self) -> str:
        return f"127.0.0.1:{self.contacts_server.port}"

    @property
    def notifications_addr(self) -> str:
        return f"127.0.0.1:{self.notifications_server.port}"

    @property
    def sales_addr(self) -> str:
        return f"127.0.0.1:{self.sales_server.port}"


@pytest.fixture
def downstream(jwt_keys):
    contacts, notifications = FakeContacts(), FakeNotifications()
    contacts_server = GrpcServer(
        [
            Registration(
                contacts_pb2_grpc.add_ContactsServiceServicer_to_server, contacts, "crm.contacts.v1.ContactsService", CONTACTS_ROLES
            )
        ],
        verifier=jwt_keys.verifier,
        port=0,
        host="127.0.0.1",
        max_workers=4,
    ).start()
    notifications_server = GrpcServer(
        [
            Registration(
                notifications_pb2_grpc.add_NotificationsServiceServicer_to_server,
                notifications,
                "crm.notifications.v1.NotificationsService",
                NOTIFICATIONS_ROLES,
            )
        ],
        verifier=jwt_keys.verifier,
        port=0,
        host="127.0.0.1",
        max_workers=4,
    ).start()
    sales = FakeSales()
    sales_server = GrpcServer(
        [Registration(sales_pb2_grpc.add_SalesServiceServicer_to_server, sales, "crm.sales.v1.SalesService", SALES_ROLES)],
        verifier=jwt_keys.verifier,
        port=0,
        host="127.0.0.1",
        max_workers=4,
    ).start()
    yield Downstream(contacts, notifications, contacts_server, notifications_server, sales, sales_server)
    if notifications.hold is not None:
        notifications.hold.set()
    for barrier in (contacts.rendezvous, notifications.rendezvous, sales.rendezvous):
        if barrier is not None:
            barrier.abort()
    contacts_server.stop(0)
    notifications_server.stop(0)
    sales_server.stop(0)


@pytest.fixture
def make_client(downstream, jwt_keys):
    """A TestClient on a gateway app; keyword arguments override its settings."""
    clients: list[TestClient] = []

    def make(**overrides) -> TestClient:
        values = {
            "contacts_addr": downstream.contacts_addr,
            "notifications_addr": downstream.notifications_addr,
            "sales_addr": downstream.sales_addr,
            "jwt_public_key_file": jwt_keys.public_path,
            "deadline_seconds": 2.0,
        }
        settings = GatewaySettings(**{**values, **overrides})
        client = TestClient(create_app(settings, jwt_keys.verifier), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def sales(jwt_keys) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt_keys.token('sam', roles=('sales',))}"}


def bearer(jwt_keys, user: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt_keys.token(user, roles=roles)}"}


@pytest.fixture
def as_role(jwt_keys):
    """`as_role("support")`: the Authorization header of a user with those roles."""
    return lambda *roles, user="user": bearer(jwt_keys, user, *roles)
