"""crm.notifications.v1.NotificationsService on the chassis' real gRPC server, with real tokens."""
from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from notifications_support import contacts_person

from crm.notifications.v1 import notifications_pb2 as pb
from crm.notifications.v1 import notifications_pb2_grpc
from crm_chassis.grpc_server import GrpcServer
from crm_notifications.entrypoints import mappers
from crm_notifications.entrypoints.grpc_servicer import registrations
from crm_notifications.service_layer import handlers


def _request(app, event_id: str, **person) -> None:
    handlers.request_welcome(mappers.new_person(contacts_person(**person)), app.uow(), consumer="test", event_id=event_id)


@pytest.fixture
def grpc_api(make_app, smtp_sink, jwt_keys):
    """The server on a free port, with three notifications: two of the north team's, one of the south's."""
    app = make_app(smtp_sink.port)
    _request(app, "evt-1", person_id="p-north", owner="alice", team="north-team", territory="north")
    _request(app, "evt-2", person_id="p-north-2", owner="alice", team="north-team", territory="north", consent=False)
    _request(app, "evt-3", person_id="p-south", owner="bob", team="south-team", territory="south")
    server = GrpcServer(registrations(app), verifier=jwt_keys.verifier, port=0).start()
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    yield notifications_pb2_grpc.NotificationsServiceStub(channel), app
    channel.close()
    server.stop(grace=0)


def auth(jwt_keys, user="carol", roles=("sales",), **claims) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {jwt_keys.token(user, roles, **claims)}")]


def test_list_by_person_and_get(grpc_api, jwt_keys):
    stub, _ = grpc_api
    north = auth(jwt_keys, team="north-team")

    listed = stub.ListNotifications(pb.ListNotificationsRequest(person_id="p-north"), metadata=north, timeout=5)

    [n] = listed.notifications
    assert listed.next_page_token == ""
    assert (n.person_id, n.recipient, n.template, n.subject) == ("p-north", "ada@example.org", "welcome", "Welcome, Ada Lovelace")
    assert (n.channel, n.status, n.attempts) == (pb.CHANNEL_EMAIL, pb.STATUS_QUEUED, 0)
    assert [c.status for c in n.history] == [pb.STATUS_QUEUED]
    assert n.HasField("create_time") and not n.HasField("send_time")

    got = stub.GetNotification(pb.GetNotificationRequest(id=n.id), metadata=north, timeout=5)
    assert got == n

    everything = stub.ListNotifications(pb.ListNotificationsRequest(), metadata=north, timeout=5)
    assert [(x.person_id, x.status) for x in everything.notifications] == [("p-north-2", pb.STATUS_SKIPPED), ("p-north", pb.STATUS_QUEUED)]
    assert everything.notifications[0].reason == "the person has not consented to email"
    # the south team's notification is invisible to the north team, and all of them to an admin
    south = stub.ListNotifications(pb.ListNotificationsRequest(person_id="p-south"), metadata=north, timeout=5)
    assert list(south.notifications) == []
    admin = stub.ListNotifications(pb.ListNotificationsRequest(), metadata=auth(jwt_keys, "root", ("admin",)), timeout=5)
    assert {x.person_id for x in admin.notifications} == {"p-north", "p-north-2", "p-south"}


def test_list_pages_with_tokens(grpc_api, jwt_keys):
    stub, _ = grpc_api
    admin = auth(jwt_keys, "root", ("admin",))

    first = stub.ListNotifications(pb.ListNotificationsRequest(page_size=2), metadata=admin, timeout=5)
    second = stub.ListNotifications(pb.ListNotificationsRequest(page_size=2, page_token=first.next_page_token), metadata=admin, timeout=5)

    assert [n.person_id for n in first.notifications] == ["p-south", "p-north-2"]
    assert first.next_page_token
    assert [n.person_id for n in second.notifications] == ["p-north"]
    assert second.next_page_token == ""


def test_errors_reach_the_caller_as_status_codes(grpc_api, jwt_keys):
    stub, _ = grpc_api
    north = auth(jwt_keys, team="north-team")
    [south] = stub.ListNotifications(pb.ListNotificationsRequest(person_id="p-south"), metadata=auth(jwt_keys, "root", ("admin",)), timeout=5).notifications

    def code(call) -> grpc.StatusCode:
        with pytest.raises(grpc.RpcError) as raised:
            call()
        return raised.value.code()

    assert code(lambda: stub.GetNotification(pb.GetNotificationRequest(id="no-such-id"), metadata=north, timeout=5)) == grpc.StatusCode.NOT_FOUND
    assert code(lambda: stub.GetNotification(pb.GetNotificationRequest(id=south.id), metadata=north, timeout=5)) == grpc.StatusCode.NOT_FOUND
    assert code(lambda: stub.GetNotification(pb.GetNotificationRequest(id=south.id), timeout=5)) == grpc.StatusCode.UNAUTHENTICATED
    assert code(lambda: stub.ListNotifications(pb.ListNotificationsRequest(), timeout=5)) == grpc.StatusCode.UNAUTHENTICATED
    assert (
        code(lambda: stub.ListNotifications(pb.ListNotificationsRequest(), metadata=[("authorization", "Bearer forged.token.value")], timeout=5))
        == grpc.StatusCode.UNAUTHENTICATED
    )
    assert (
        code(lambda: stub.ListNotifications(pb.ListNotificationsRequest(), metadata=auth(jwt_keys, roles=("intern",)), timeout=5))
        == grpc.StatusCode.PERMISSION_DENIED
    )


def test_a_bad_page_token_is_invalid_argument_naming_the_field(grpc_api, jwt_keys):
    stub, _ = grpc_api

    with pytest.raises(grpc.RpcError) as raised:
        stub.ListNotifications(pb.ListNotificationsRequest(page_token="not-a-token!"), metadata=auth(jwt_keys), timeout=5)

    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(raised.value)
    [detail] = status.details
    bad_request = error_details_pb2.BadRequest()
    assert detail.Unpack(bad_request)
    assert [v.field for v in bad_request.field_violations] == ["page_token"]
