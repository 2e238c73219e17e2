"""A real GrpcServer with a PUBLIC method: served without a token, yet a token sent is still verified."""

from __future__ import annotations

import grpc
import pytest
from prometheus_client import REGISTRY

from crm.contacts.v1 import contacts_pb2, contacts_pb2_grpc
from crm_chassis import auth, errors, grpc_client
from crm_chassis.auth import TokenIssuer, generate_key_pair
from crm_chassis.grpc_server import PUBLIC, GrpcServer, Registration

SERVICE = "crm.contacts.v1.ContactsService"
# GetPerson stands for a method that authenticates by other means (a signed link); the rest need a token.
ROLES = {m.name: ["sales"] for m in contacts_pb2.DESCRIPTOR.services_by_name["ContactsService"].methods} | {"GetPerson": PUBLIC}
ANONYMOUS = "(anonymous)"


class Servicer(contacts_pb2_grpc.ContactsServiceServicer):
    def GetPerson(self, request, context):
        if request.id == "missing":
            raise errors.NotFound("person missing not found")
        try:
            owner = auth.current_principal().subject
        except errors.Unauthenticated:
            owner = ANONYMOUS
        return contacts_pb2.Person(id=request.id, owner=owner)

    def ListPersons(self, request, context):
        return contacts_pb2.ListPersonsResponse(persons=[contacts_pb2.Person(id="p-1", owner=auth.current_principal().subject)])


def _registration(roles=ROLES) -> Registration:
    return Registration(contacts_pb2_grpc.add_ContactsServiceServicer_to_server, Servicer(), SERVICE, roles)


@pytest.fixture
def stub(jwt_keys):
    server = GrpcServer([_registration()], verifier=jwt_keys.verifier, port=0, host="127.0.0.1", max_workers=4).start()
    with grpc_client.channel(f"127.0.0.1:{server.port}") as channel:
        yield contacts_pb2_grpc.ContactsServiceStub(channel)
    server.stop(0)


def _get(stub, person_id="p-1", metadata=()):
    return stub.GetPerson(contacts_pb2.GetPersonRequest(id=person_id), metadata=metadata, timeout=5)


def _error(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def _handled(code: str) -> float:
    return REGISTRY.get_sample_value("crm_grpc_server_handled_total", {"method": f"/{SERVICE}/GetPerson", "code": code}) or 0.0


def test_a_public_method_is_served_without_a_token_and_has_no_principal(stub):
    assert _get(stub).owner == ANONYMOUS


def test_a_valid_token_on_a_public_method_makes_the_caller_the_current_principal(stub, jwt_keys):
    # Any valid token will do, whatever its roles.
    assert _get(stub, metadata=grpc_client.call_metadata(jwt_keys.token("dora", roles=()))).owner == "dora"
    # The principal of that call does not linger for the next anonymous one.
    assert _get(stub).owner == ANONYMOUS


@pytest.mark.parametrize(
    "metadata",
    [
        (("authorization", "Bearer not-a-token"),),
        (("authorization", "Basic YWxpY2U6c2VjcmV0"),),
    ],
)
def test_an_invalid_token_on_a_public_method_is_still_refused(stub, metadata):
    error = _error(lambda: _get(stub, metadata=metadata))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_token_signed_by_another_key_on_a_public_method_is_refused(stub, tmp_path):
    generate_key_pair(tmp_path / "forger.pem", tmp_path / "forger.pub")
    forged = TokenIssuer.from_file(tmp_path / "forger.pem", issuer="crm", audience="crm").issue("mallory", ["admin"])

    error = _error(lambda: _get(stub, metadata=grpc_client.call_metadata(forged)))

    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "invalid token" in error.details()


def test_other_methods_still_need_a_token_and_a_role(stub, jwt_keys):
    listing = contacts_pb2.ListPersonsRequest()
    assert _error(lambda: stub.ListPersons(listing, timeout=5)).code() == grpc.StatusCode.UNAUTHENTICATED
    wrong_role = grpc_client.call_metadata(jwt_keys.token("dora", roles=("support",)))
    assert _error(lambda: stub.ListPersons(listing, metadata=wrong_role, timeout=5)).code() == grpc.StatusCode.PERMISSION_DENIED
    sales = grpc_client.call_metadata(jwt_keys.token("sam", roles=("sales",)))
    assert stub.ListPersons(listing, metadata=sales, timeout=5).persons[0].owner == "sam"


def test_a_token_claiming_the_public_marker_as_a_role_gains_nothing(stub, jwt_keys):
    marker = grpc_client.call_metadata(jwt_keys.token("mallory", roles=tuple(PUBLIC)))
    error = _error(lambda: stub.ListPersons(contacts_pb2.ListPersonsRequest(), metadata=marker, timeout=5))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_public_method_still_maps_errors_and_counts_calls(stub):
    ok_before, not_found_before = _handled("OK"), _handled("NOT_FOUND")

    _get(stub)
    error = _error(lambda: _get(stub, "missing"))

    assert (error.code(), error.details()) == (grpc.StatusCode.NOT_FOUND, "person missing not found")
    assert (_handled("OK"), _handled("NOT_FOUND")) == (ok_before + 1, not_found_before + 1)


def test_public_combined_with_roles_refuses_to_start(jwt_keys):
    with pytest.raises(RuntimeError, match="GetPerson combines PUBLIC with roles"):
        GrpcServer([_registration({**ROLES, "GetPerson": [*PUBLIC, "sales"]})], verifier=jwt_keys.verifier, port=0)
