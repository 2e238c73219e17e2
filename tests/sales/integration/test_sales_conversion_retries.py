"""ConvertLead against a real contacts server survives a crash between contacts' answer and the recorded step
(the request ids make contacts answer what it made the first time), and says UNAVAILABLE when contacts is away."""
from __future__ import annotations

import socket
from pathlib import Path

import grpc
import pytest
import sqlalchemy as sa
from sales_support import ALICE, migrate

import crm_contacts
from crm.sales.v1 import sales_pb2 as pb
from crm.sales.v1 import sales_pb2_grpc
from crm_chassis import errors, migrations
from crm_chassis.grpc_server import GrpcServer
from crm_contacts.adapters import orm as contacts_orm
from crm_contacts.bootstrap import bootstrap as contacts_bootstrap
from crm_contacts.config import ContactsSettings
from crm_contacts.entrypoints.grpc_servicer import registrations as contacts_registrations
from crm_sales.adapters.contacts_client import ContactsClient
from crm_sales.bootstrap import bootstrap
from crm_sales.config import SalesSettings
from crm_sales.domain.leads import LeadData
from crm_sales.entrypoints.grpc_servicer import registrations
from crm_sales.service_layer import handlers


class Crash(BaseException):
    """The process dying: nothing after it runs, no handler catches it."""


@pytest.fixture
def contacts(database_url_factory, jwt_keys):
    """A real contacts gRPC server on its own database of the test's backend."""
    url = database_url_factory("contacts")
    migrations.upgrade(Path(crm_contacts.__file__).resolve().parent / "migrations", url)
    app = contacts_bootstrap(ContactsSettings(database_url=url))
    server = GrpcServer(contacts_registrations(app), verifier=jwt_keys.verifier, port=0).start()
    yield app, server.port
    server.stop(0)
    app.engine.dispose()


@pytest.fixture
def sales(database_url_factory, contacts):
    url = database_url_factory("sales")
    migrate(url)
    app = bootstrap(SalesSettings(database_url=url), contacts=ContactsClient(f"localhost:{contacts[1]}", 10.0))
    yield app
    app.engine.dispose()


@pytest.fixture
def token(jwt_keys) -> str:
    return jwt_keys.token("alice", ("sales",), team="north", territory="ro")


def rows(engine: sa.Engine, table: sa.Table) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(table.c.id)).scalars())


def a_lead(sales):
    data = LeadData(given_name="Ana", family_name="Pop", email="ana@example.com", company="Acme", title="CTO")
    return handlers.create_lead(sales.uow(), data, ALICE)


@pytest.mark.parametrize("crash_at", ["person", "account", "link"])
def test_a_crash_after_contacts_answered_does_not_make_a_second_person_account_or_link(sales, contacts, token, monkeypatch, crash_at):
    contacts_app, _ = contacts
    lead = a_lead(sales)
    cmd = handlers.ConvertLead(lead.id, create_account=True)
    record_step, steps = handlers._record_step, iter(["person", "account", "link"])

    def dies_before_recording(make_uow, lead_id, person_id, account_id, linked):
        if next(steps) == crash_at:
            raise Crash  # contacts made it, sales never wrote it down
        record_step(make_uow, lead_id, person_id, account_id, linked)

    monkeypatch.setattr(handlers, "_record_step", dies_before_recording)
    with pytest.raises(Crash):
        handlers.convert_lead(sales.uow, sales.contacts, cmd, ALICE, token)
    made = (rows(contacts_app.engine, contacts_orm.persons), rows(contacts_app.engine, contacts_orm.accounts))
    assert len(made[0]) == 1
    monkeypatch.setattr(handlers, "_record_step", record_step)

    done = handlers.convert_lead(sales.uow, sales.contacts, cmd, ALICE, token)  # the retry, after a restart
    assert done.lead.data.status == "converted"
    assert rows(contacts_app.engine, contacts_orm.persons) == [done.person_id] == made[0]
    assert rows(contacts_app.engine, contacts_orm.accounts) == [done.account_id]
    with contacts_app.engine.connect() as conn:
        links = conn.execute(sa.select(contacts_orm.person_accounts.c.person_id, contacts_orm.person_accounts.c.account_id)).all()
    assert [tuple(link) for link in links] == [(done.person_id, done.account_id)]


def test_request_ids_are_the_same_on_every_retry_and_fit_contacts_limit():
    lead_id, person_id, account_id = "4f7c" * 9, "a" * 36, "b" * 36
    assert handlers.conversion_request_id(lead_id, "person") == f"lead:{lead_id}:person"
    link = handlers.conversion_request_id(lead_id, "link", person_id, account_id)
    assert link == handlers.conversion_request_id(lead_id, "link", person_id, account_id) and len(link) <= 100
    assert link != handlers.conversion_request_id(lead_id, "link", person_id, "c" * 36)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_contacts_out_of_reach_is_unavailable_and_converts_nothing(database_url, jwt_keys, token):
    migrate(database_url)
    app = bootstrap(SalesSettings(database_url=database_url), contacts=ContactsClient(f"localhost:{_closed_port()}", 2.0))
    server = GrpcServer(registrations(app), verifier=jwt_keys.verifier, port=0).start()
    channel = grpc.insecure_channel(f"localhost:{server.port}")
    try:
        lead = a_lead(app)
        with pytest.raises(errors.Unavailable, match="retried safely"):
            handlers.convert_lead(app.uow, app.contacts, handlers.ConvertLead(lead.id), ALICE, token)
        with pytest.raises(grpc.RpcError) as caught:
            sales_pb2_grpc.SalesServiceStub(channel).ConvertLead(
                pb.ConvertLeadRequest(lead_id=lead.id, without_opportunity=True), metadata=[("authorization", f"Bearer {token}")], timeout=10
            )
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        assert handlers.get_lead(app.uow(), lead.id, ALICE).data.status == "new"
    finally:
        channel.close()
        server.stop(0)
        app.engine.dispose()


class _Failing:
    def __init__(self, code: grpc.StatusCode):
        self.code = code

    def __getattr__(self, method):
        def call(request, timeout, metadata):
            error = grpc.RpcError()
            error.code, error.details = (lambda: self.code), (lambda: "no")
            raise error

        return call


@pytest.mark.parametrize(("code", "expected"), [
    (grpc.StatusCode.UNAVAILABLE, errors.Unavailable),
    (grpc.StatusCode.DEADLINE_EXCEEDED, errors.Unavailable),
    (grpc.StatusCode.ABORTED, errors.Aborted),
    (grpc.StatusCode.ALREADY_EXISTS, errors.AlreadyExists),
    (grpc.StatusCode.INVALID_ARGUMENT, errors.FailedPrecondition),
])
def test_contacts_status_codes_become_these_errors(code, expected):
    client = ContactsClient("localhost:1", 1.0)
    client._stub = _Failing(code)
    with pytest.raises(expected) as caught:
        client.check_person("p-1", "t")
    assert type(caught.value) is expected
