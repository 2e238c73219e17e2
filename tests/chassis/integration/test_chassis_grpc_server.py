"""A real GrpcServer: health, reflection, authentication, per-method roles, error mapping, draining."""
from __future__ import annotations

import logging
import threading
import time
from concurrent import futures

import grpc
import pytest
import sqlalchemy as sa
from google.rpc import code_pb2, error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_status import rpc_status

from crm.contacts.v1 import contacts_pb2, contacts_pb2_grpc
from crm_chassis import auth, errors, grpc_client
from crm_chassis.grpc_server import GrpcServer, Registration

SERVICE = "crm.contacts.v1.ContactsService"
# Methods added to the contract later get a rule too, so that the server starts.
ROLES = {m.name: ["sales"] for m in contacts_pb2.DESCRIPTOR.services_by_name["ContactsService"].methods} | {
    "CreatePerson": ["sales"],
    "GetPerson": ["sales", "support"],
    "ListPersons": ["manager"],
}


class _PgError(Exception):
    """What psycopg2 raises: the SQLSTATE in `pgcode`."""

    def __init__(self, message: str, pgcode: str):
        super().__init__(message)
        self.pgcode = pgcode


class Servicer(contacts_pb2_grpc.ContactsServiceServicer):
    def __init__(self):
        self.slow_started = threading.Event()
        self.release_slow = threading.Event()

    def CreatePerson(self, request, context):
        violations = errors.Violations()
        if not request.person.given_name:
            violations.add("person.given_name", "is required")
        for i, email in enumerate(request.person.emails):
            if "@" not in email.address:
                violations.add(f"person.emails[{i}].address", "is not an email address")
        violations.raise_if_any()
        return contacts_pb2.Person(id="p-new", given_name=request.person.given_name, owner=auth.current_principal().subject)

    def GetPerson(self, request, context):
        if request.id == "missing":
            raise errors.NotFound("person missing not found")
        if request.id == "boom":
            raise RuntimeError("password=hunter2 at db.internal:5432")
        if request.id == "deadlock":
            raise sa.exc.OperationalError("UPDATE persons ...", {}, _PgError("deadlock detected", "40P01"))
        if request.id == "disconnected":
            raise sa.exc.OperationalError("SELECT 1", {}, _PgError("server closed the connection unexpectedly", ""), connection_invalidated=True)
        if request.id == "aborted":
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, "the servicer said so")
        if request.id == "slow":
            self.slow_started.set()
            self.release_slow.wait(10)
        principal = auth.current_principal()
        return contacts_pb2.Person(id=request.id, owner=principal.subject, team=principal.team)

    def ListPersons(self, request, context):
        return contacts_pb2.ListPersonsResponse(persons=[contacts_pb2.Person(id="p-1")])

    def ListPersonHistory(self, request, context):
        return contacts_pb2.ListPersonHistoryResponse()


def _registration(servicer, roles=ROLES) -> Registration:
    return Registration(contacts_pb2_grpc.add_ContactsServiceServicer_to_server, servicer, SERVICE, roles)


@pytest.fixture
def server(jwt_keys):
    servicer = Servicer()
    server = GrpcServer([_registration(servicer)], verifier=jwt_keys.verifier, port=0).start()
    server.servicer = servicer
    yield server
    servicer.release_slow.set()
    server.stop(0)


@pytest.fixture
def channel(server):
    with grpc_client.channel(f"localhost:{server.port}") as channel:
        yield channel


@pytest.fixture
def stub(channel):
    return contacts_pb2_grpc.ContactsServiceStub(channel)


def _as(jwt_keys, *roles, user="alice", team=""):
    return grpc_client.call_metadata(jwt_keys.issuer.issue(user, roles, team=team))


def _error(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def test_health_reports_serving_for_the_server_and_each_service(channel):
    health = health_pb2_grpc.HealthStub(channel)
    for name in ("", SERVICE):
        assert health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5).status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_service_without_a_token(channel):
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    [response] = list(stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5))
    names = {s.name for s in response.list_services_response.service}
    assert {SERVICE, "grpc.health.v1.Health"} <= names


def test_caller_is_the_current_principal(stub, jwt_keys):
    person = stub.GetPerson(contacts_pb2.GetPersonRequest(id="p-1"), metadata=_as(jwt_keys, "support", user="bob", team="north"), timeout=5)
    assert (person.id, person.owner, person.team) == ("p-1", "bob", "north")
    # The principal does not leak into the next call handled by the same thread.
    assert auth._current.get() is None


@pytest.mark.parametrize(
    "metadata",
    [
        (),
        (("authorization", "Basic YWxpY2U6c2VjcmV0"),),
        (("authorization", "Bearer not-a-token"),),
    ],
)
def test_missing_or_bad_token_is_unauthenticated(stub, metadata):
    error = _error(lambda: stub.GetPerson(contacts_pb2.GetPersonRequest(id="p-1"), metadata=metadata, timeout=5))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


def test_expired_token_is_unauthenticated(stub, jwt_keys):
    from datetime import timedelta

    token = jwt_keys.issuer.issue("alice", ["sales"], ttl=timedelta(minutes=-5))
    error = _error(lambda: stub.GetPerson(contacts_pb2.GetPersonRequest(id="p-1"), metadata=grpc_client.call_metadata(token), timeout=5))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "expired" in error.details()


def test_wrong_role_is_permission_denied_and_admin_may_do_anything(stub, jwt_keys):
    error = _error(lambda: stub.ListPersons(contacts_pb2.ListPersonsRequest(), metadata=_as(jwt_keys, "sales", "support"), timeout=5))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "ListPersons" in error.details()
    assert stub.ListPersons(contacts_pb2.ListPersonsRequest(), metadata=_as(jwt_keys, "manager"), timeout=5).persons[0].id == "p-1"
    assert stub.ListPersons(contacts_pb2.ListPersonsRequest(), metadata=_as(jwt_keys, "admin"), timeout=5).persons[0].id == "p-1"


def test_invalid_argument_carries_a_bad_request_with_every_field(stub, jwt_keys):
    request = contacts_pb2.CreatePersonRequest(
        person=contacts_pb2.Person(emails=[contacts_pb2.EmailAddress(address="ok@example.com"), contacts_pb2.EmailAddress(address="nope")])
    )
    error = _error(lambda: stub.CreatePerson(request, metadata=_as(jwt_keys, "sales"), timeout=5))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(error)
    assert status.code == code_pb2.INVALID_ARGUMENT
    [detail] = status.details
    bad_request = error_details_pb2.BadRequest()
    assert detail.Unpack(bad_request)
    assert [(v.field, v.description) for v in bad_request.field_violations] == [
        ("person.given_name", "is required"),
        ("person.emails[1].address", "is not an email address"),
    ]


def test_valid_create_succeeds(stub, jwt_keys):
    request = contacts_pb2.CreatePersonRequest(person=contacts_pb2.Person(given_name="Ada"))
    person = stub.CreatePerson(request, metadata=_as(jwt_keys, "sales", user="carol"), timeout=5)
    assert (person.id, person.owner) == ("p-new", "carol")


def test_service_errors_map_to_their_codes(stub, jwt_keys):
    error = _error(lambda: stub.GetPerson(contacts_pb2.GetPersonRequest(id="missing"), metadata=_as(jwt_keys, "sales"), timeout=5))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == "person missing not found"


def test_unexpected_exception_is_internal_without_its_text(stub, jwt_keys, caplog):
    with caplog.at_level(logging.ERROR, logger="crm_chassis.grpc_server"):
        error = _error(lambda: stub.GetPerson(contacts_pb2.GetPersonRequest(id="boom"), metadata=_as(jwt_keys, "sales"), timeout=5))
    assert error.code() == grpc.StatusCode.INTERNAL
    assert "hunter2" not in (error.details() or "")
    assert all("hunter2" not in value.decode() if isinstance(value, bytes) else "hunter2" not in value for _, value in error.trailing_metadata())
    assert "hunter2" in caplog.text  # the operator sees it in the log


def test_a_transaction_that_lost_to_a_concurrent_one_is_aborted_so_the_caller_retries(stub, jwt_keys):
    error = _error(lambda: stub.GetPerson(contacts_pb2.GetPersonRequest(id="deadlock"), metadata=_as(jwt_keys, "sales"), timeout=5))
    assert error.code() == grpc.StatusCode.ABORTED
    assert "retry" in error.details()


def test_a_lost_database_connection_is_unavailable_so_the_caller_retries(stub, jwt_keys):
    error = _error(lambda: stub.GetPerson(contacts_pb2.GetPersonRequest(id="disconnected"), metadata=_as(jwt_keys, "sales"), timeout=5))
    assert error.code() == grpc.StatusCode.UNAVAILABLE
    assert "retry" in error.details()


def test_status_set_by_the_servicer_itself_is_kept(stub, jwt_keys):
    error = _error(lambda: stub.GetPerson(contacts_pb2.GetPersonRequest(id="aborted"), metadata=_as(jwt_keys, "sales"), timeout=5))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error.details() == "the servicer said so"


def test_a_method_without_an_access_rule_refuses_to_start(jwt_keys):
    roles = {k: v for k, v in ROLES.items() if k != "ListPersonHistory"}
    with pytest.raises(RuntimeError, match="ListPersonHistory"):
        GrpcServer([_registration(Servicer(), roles)], verifier=jwt_keys.verifier, port=0)


def test_an_empty_rule_admits_only_admins(jwt_keys):
    servicer = Servicer()
    server = GrpcServer([_registration(servicer, {**ROLES, "ListPersons": []})], verifier=jwt_keys.verifier, port=0).start()
    try:
        with grpc_client.channel(f"localhost:{server.port}") as channel:
            stub = contacts_pb2_grpc.ContactsServiceStub(channel)
            error = _error(lambda: stub.ListPersons(contacts_pb2.ListPersonsRequest(), metadata=_as(jwt_keys, "sales", "manager"), timeout=5))
            assert error.code() == grpc.StatusCode.PERMISSION_DENIED
            assert stub.ListPersons(contacts_pb2.ListPersonsRequest(), metadata=_as(jwt_keys, "admin"), timeout=5).persons
    finally:
        server.stop(0)


def test_stop_reports_not_serving_and_lets_the_call_in_flight_finish(server, stub, jwt_keys):
    probe = grpc.insecure_channel(f"localhost:{server.port}")  # as a kubelet probe would call
    watch = health_pb2_grpc.HealthStub(probe).Watch(health_pb2.HealthCheckRequest(service=SERVICE), timeout=10)
    assert next(watch).status == health_pb2.HealthCheckResponse.SERVING

    with futures.ThreadPoolExecutor(2) as pool:
        slow = pool.submit(lambda: stub.GetPerson(contacts_pb2.GetPersonRequest(id="slow"), metadata=_as(jwt_keys, "sales"), timeout=10))
        assert server.servicer.slow_started.wait(5)
        stopping = pool.submit(server.stop, 5)

        assert next(watch).status == health_pb2.HealthCheckResponse.NOT_SERVING
        watch.cancel()  # a watch is a call in flight too; the drain would wait for it
        # New calls are refused while the old one drains.
        with grpc_client.channel(f"localhost:{server.port}") as fresh:
            late = _error(lambda: contacts_pb2_grpc.ContactsServiceStub(fresh).GetPerson(
                contacts_pb2.GetPersonRequest(id="p-2"), metadata=_as(jwt_keys, "sales"), timeout=2))
        assert late.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)
        assert not stopping.done()

        server.servicer.release_slow.set()
        assert slow.result(timeout=5).id == "slow"
        started = time.monotonic()
        stopping.result(timeout=5)
        assert time.monotonic() - started < 2  # it stopped because the call finished, not at the end of the grace
    probe.close()
