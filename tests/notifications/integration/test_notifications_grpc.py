"""crm.notifications.v1.NotificationsService on the chassis' real gRPC server, with real tokens: every RPC, roles, errors."""
from __future__ import annotations

import grpc
import pytest
from google.protobuf import empty_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from notifications_support import ADMIN, add_template, contacts_person, deliver, person_created

from crm.notifications.v1 import notifications_pb2 as pb
from crm.notifications.v1 import notifications_pb2_grpc
from crm_chassis.grpc_server import GrpcServer
from crm_notifications.domain.channels import OutgoingMessage, Receipt
from crm_notifications.entrypoints.grpc_servicer import NotificationsServicer, registrations
from crm_notifications.service_layer import handlers


class Recording:
    """A channel that accepts everything, for RPCs about what happens after a send (receipts, phone outcomes)."""

    def __init__(self, name: str):
        self.name = name

    def send(self, message: OutgoingMessage) -> Receipt:
        return Receipt(provider_id=f"{self.name}_{message.notification_id}")


@pytest.fixture
def grpc_api(make_app, smtp_sink, jwt_keys):
    """The server on a free port, with three welcomes: two of the north team's, one of the south's."""
    app = make_app(smtp_sink.port)
    app.channels.update(sms=Recording("sms"), phone=Recording("phone"))
    person_created(app, contacts_person(person_id="p-north", owner="alice", team="north-team", territory="north", mobile="+40721234567"), "evt-1")
    person_created(app, contacts_person(person_id="p-north-2", owner="alice", team="north-team", territory="north", consent=False), "evt-2")
    person_created(app, contacts_person(person_id="p-south", owner="bob", team="south-team", territory="south"), "evt-3")
    server = GrpcServer(registrations(app), verifier=jwt_keys.verifier, port=0).start()
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    yield notifications_pb2_grpc.NotificationsServiceStub(channel), app
    channel.close()
    server.stop(grace=0)


def auth(jwt_keys, user="carol", roles=("sales",), **claims) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {jwt_keys.token(user, roles, **claims)}")]


def refused(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as raised:
        call()
    return raised.value


def bad_fields(error: grpc.RpcError) -> list[str]:
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    [detail] = rpc_status.from_call(error).details
    bad_request = error_details_pb2.BadRequest()
    assert detail.Unpack(bad_request)
    return [v.field for v in bad_request.field_violations]


# -- reading (ported) ----------------------------------------------------------------------------------------------


def test_list_by_person_and_get(grpc_api, jwt_keys):
    stub, _ = grpc_api
    north = auth(jwt_keys, team="north-team")

    listed = stub.ListNotifications(pb.ListNotificationsRequest(person_id="p-north"), metadata=north, timeout=5)

    [n] = listed.notifications
    assert listed.next_page_token == ""
    assert (n.person_id, n.recipient, n.template, n.subject) == ("p-north", "ada@example.org", "welcome", "")  # rendered when sent
    assert (n.channel, n.status, n.attempts, n.purpose, n.idempotency_key) == (pb.CHANNEL_EMAIL, pb.STATUS_QUEUED, 0, pb.PURPOSE_SERVICE, "welcome:p-north")
    assert [c.status for c in n.history] == [pb.STATUS_QUEUED]
    assert n.HasField("create_time") and n.HasField("next_attempt_time") and not n.HasField("send_time")

    got = stub.GetNotification(pb.GetNotificationRequest(id=n.id), metadata=north, timeout=5)
    assert got == n

    everything = stub.ListNotifications(pb.ListNotificationsRequest(), metadata=north, timeout=5)
    assert [(x.person_id, x.status) for x in everything.notifications] == [("p-north-2", pb.STATUS_SKIPPED), ("p-north", pb.STATUS_QUEUED)]
    assert everything.notifications[0].reason == "the person has not consented to email"
    skipped = stub.ListNotifications(pb.ListNotificationsRequest(statuses=[pb.STATUS_SKIPPED, pb.STATUS_FAILED]), metadata=north, timeout=5)
    assert [x.person_id for x in skipped.notifications] == ["p-north-2"]
    by_key = stub.ListNotifications(pb.ListNotificationsRequest(idempotency_key="welcome:p-north"), metadata=north, timeout=5)
    assert [x.id for x in by_key.notifications] == [n.id]
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
        return refused(call).code()

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

    error = refused(lambda: stub.ListNotifications(pb.ListNotificationsRequest(page_token="not-a-token!"), metadata=auth(jwt_keys), timeout=5))

    assert bad_fields(error) == ["page_token"]


# -- sending --------------------------------------------------------------------------------------------------------


def test_send_notification_queues_once_per_idempotency_key_and_names_every_bad_field(grpc_api, jwt_keys):
    stub, app = grpc_api
    add_template(app, "reminder", "Your appointment is on {{ day }}.", channel="sms")
    sales = auth(jwt_keys, "carol", ("sales",), team="north-team")
    request = pb.SendNotificationRequest(
        recipient=pb.Recipient(person_id="p-north"), channel=pb.CHANNEL_SMS, template="reminder", variables={"day": "Monday"},
        purpose=pb.PURPOSE_SERVICE, idempotency_key="appointment-7",
    )

    first = stub.SendNotification(request, metadata=sales, timeout=5)
    again = stub.SendNotification(request, metadata=sales, timeout=5)

    assert (first.status, first.channel, first.person_id, first.idempotency_key) == (pb.STATUS_QUEUED, pb.CHANNEL_SMS, "p-north", "appointment-7")
    assert again.id == first.id
    assert deliver(app, first.id) == "sent"
    sent = stub.GetNotification(pb.GetNotificationRequest(id=first.id), metadata=sales, timeout=5)
    assert (sent.status, sent.provider_id, sent.template_version, sent.language) == (pb.STATUS_SENT, f"sms_{first.id}", 1, "en")

    error = refused(lambda: stub.SendNotification(
        pb.SendNotificationRequest(recipient=pb.Recipient(address="0721"), channel=pb.CHANNEL_SMS, template="reminder"), metadata=sales, timeout=5,
    ))
    assert bad_fields(error) == ["idempotency_key", "purpose", "recipient.address", "variables.day"]


def test_send_batch_adds_recipients_once_and_refuses_other_settings_for_the_same_batch(grpc_api, jwt_keys):
    stub, app = grpc_api
    add_template(app, "offer", "Spring!", subject="Spring")
    marketing = auth(jwt_keys, "mona", ("marketing",))
    request = pb.SendBatchRequest(
        batch_id="spring-1", channel=pb.CHANNEL_EMAIL, template="offer", purpose=pb.PURPOSE_MARKETING, campaign_id="spring", rate_per_minute=100,
        recipients=[pb.BatchRecipient(recipient=pb.Recipient(person_id=p)) for p in ("p-north", "p-south")],
    )

    assert stub.SendBatch(request, metadata=marketing, timeout=5) == pb.SendBatchResponse(batch_id="spring-1", accepted=2, duplicates=0, total=2)
    assert stub.SendBatch(request, metadata=marketing, timeout=5) == pb.SendBatchResponse(batch_id="spring-1", accepted=0, duplicates=2, total=2)
    listed = stub.ListNotifications(pb.ListNotificationsRequest(batch_id="spring-1"), metadata=auth(jwt_keys, "root", ("admin",)), timeout=5)
    assert {(n.person_id, n.campaign_id, n.purpose) for n in listed.notifications} == {("p-north", "spring", pb.PURPOSE_MARKETING), ("p-south", "spring", pb.PURPOSE_MARKETING)}

    request.rate_per_minute = 10
    assert refused(lambda: stub.SendBatch(request, metadata=marketing, timeout=5)).code() == grpc.StatusCode.FAILED_PRECONDITION


def test_an_operator_retries_a_failed_notification(grpc_api, jwt_keys):
    stub, app = grpc_api
    add_template(app, "note", "Dear {{ person.given_name }}", subject="Note")
    support = auth(jwt_keys, "sam", ("support",))
    n = stub.SendNotification(pb.SendNotificationRequest(
        recipient=pb.Recipient(address="x@example.org"), channel=pb.CHANNEL_EMAIL, template="note", purpose=pb.PURPOSE_SERVICE, idempotency_key="k-1",
    ), metadata=support, timeout=5)
    assert deliver(app, n.id) == "failed"  # a bare address has no person.given_name

    retried = stub.RetryNotification(pb.RetryNotificationRequest(id=n.id), metadata=support, timeout=5)

    assert (retried.status, retried.attempts, retried.reason) == (pb.STATUS_QUEUED, 0, "retried by an operator")
    assert refused(lambda: stub.RetryNotification(pb.RetryNotificationRequest(id=n.id), metadata=support, timeout=5)).code() == grpc.StatusCode.FAILED_PRECONDITION
    assert refused(lambda: stub.RetryNotification(pb.RetryNotificationRequest(id="nope"), metadata=support, timeout=5)).code() == grpc.StatusCode.NOT_FOUND


# -- templates ---------------------------------------------------------------------------------------------------


def test_templates_are_created_read_listed_and_previewed(grpc_api, jwt_keys):
    stub, _ = grpc_api
    marketing, reader = auth(jwt_keys, "mona", ("marketing",)), auth(jwt_keys, "vic", ("viewer",))
    template = pb.Template(name="offer", language="ro", channel=pb.CHANNEL_EMAIL, subject="Oferta {{ season }}", text_body="Bună {{ person.given_name }}", html_body="<b>{{ season }}</b>")

    created = stub.CreateTemplate(pb.CreateTemplateRequest(template=template), metadata=marketing, timeout=5)
    second = stub.CreateTemplate(pb.CreateTemplateRequest(template=template), metadata=marketing, timeout=5)

    assert (created.version, second.version, list(created.variables)) == (1, 2, ["person", "season"])
    assert created.HasField("create_time")
    assert stub.GetTemplate(pb.GetTemplateRequest(name="offer", language="ro", version=1), metadata=reader, timeout=5) == created
    assert stub.GetTemplate(pb.GetTemplateRequest(name="offer", language="ro"), metadata=reader, timeout=5).version == 2
    every = stub.ListTemplates(pb.ListTemplatesRequest(name="offer"), metadata=reader, timeout=5)
    assert [t.version for t in every.templates] == [1, 2]
    latest = stub.ListTemplates(pb.ListTemplatesRequest(page_size=2), metadata=reader, timeout=5)
    assert [(t.name, t.language) for t in latest.templates] == [("offer", "ro"), ("welcome", "en")] and latest.next_page_token
    rendered = stub.PreviewTemplate(
        pb.PreviewTemplateRequest(name="offer", language="ro", person_id="p-north", variables={"season": "de primăvară"}), metadata=reader, timeout=5,
    )
    assert rendered == pb.RenderedMessage(subject="Oferta de primăvară", text="Bună Ada", html="<b>de primăvară</b>", template_version=2)

    assert bad_fields(refused(lambda: stub.CreateTemplate(pb.CreateTemplateRequest(template=pb.Template(name="x")), metadata=marketing, timeout=5))) == [
        "template.channel", "template.language", "template.text_body",
    ]
    assert bad_fields(refused(lambda: stub.PreviewTemplate(pb.PreviewTemplateRequest(name="offer", language="ro"), metadata=reader, timeout=5))) == ["variables"]
    assert refused(lambda: stub.GetTemplate(pb.GetTemplateRequest(name="offer", language="de"), metadata=reader, timeout=5)).code() == grpc.StatusCode.NOT_FOUND


# -- suppressions and unsubscribing ----------------------------------------------------------------------------------


def test_suppressions_are_added_listed_and_deleted_and_unsubscribe_honours_only_genuine_tokens(grpc_api, jwt_keys):
    stub, app = grpc_api
    marketing, support = auth(jwt_keys, "mona", ("marketing",)), auth(jwt_keys, "sam", ("support",))
    anonymous: list[tuple[str, str]] = []  # whoever clicks the link: no account, no token

    added = stub.AddSuppression(pb.AddSuppressionRequest(suppression=pb.Suppression(
        address="Bounce@Example.org", channel=pb.CHANNEL_EMAIL, reason="bounced",
    )), metadata=marketing, timeout=5)
    token = handlers.unsubscribe_token(app.rules.unsubscribe_secret, "sms", "+40721234567")
    unsubscribed = stub.Unsubscribe(pb.UnsubscribeRequest(token=token), metadata=anonymous, timeout=5)

    assert (added.address, added.reason, added.marketing_only) == ("bounce@example.org", "bounced", False)
    assert (unsubscribed.channel, unsubscribed.address, unsubscribed.reason, unsubscribed.marketing_only) == (pb.CHANNEL_SMS, "+40721234567", "unsubscribed", True)
    listed = stub.ListSuppressions(pb.ListSuppressionsRequest(), metadata=marketing, timeout=5)
    assert [(s.channel, s.address) for s in listed.suppressions] == [(pb.CHANNEL_EMAIL, "bounce@example.org"), (pb.CHANNEL_SMS, "+40721234567")]
    only_sms = stub.ListSuppressions(pb.ListSuppressionsRequest(channel=pb.CHANNEL_SMS), metadata=marketing, timeout=5)
    assert [s.address for s in only_sms.suppressions] == ["+40721234567"]

    assert stub.DeleteSuppression(pb.DeleteSuppressionRequest(channel=pb.CHANNEL_EMAIL, address="bounce@example.org"), metadata=support, timeout=5) == empty_pb2.Empty()
    assert refused(lambda: stub.DeleteSuppression(
        pb.DeleteSuppressionRequest(channel=pb.CHANNEL_EMAIL, address="bounce@example.org"), metadata=support, timeout=5,
    )).code() == grpc.StatusCode.NOT_FOUND
    forged = handlers.unsubscribe_token(b"guessed", "email", "victim@example.org")
    assert bad_fields(refused(lambda: stub.Unsubscribe(pb.UnsubscribeRequest(token=forged), metadata=anonymous, timeout=5))) == ["token"]
    assert bad_fields(refused(lambda: stub.Unsubscribe(pb.UnsubscribeRequest(token=forged), metadata=support, timeout=5))) == ["token"]
    assert bad_fields(refused(lambda: stub.AddSuppression(pb.AddSuppressionRequest(suppression=pb.Suppression(address="x")), metadata=marketing, timeout=5))) == [
        "suppression.channel", "suppression.reason",
    ]


# -- reports from the call-center and providers ----------------------------------------------------------------------


def test_the_call_center_reports_phone_outcomes_and_providers_report_delivery(grpc_api, jwt_keys):
    stub, app = grpc_api
    add_template(app, "call", "Call about {{ topic }}", channel="phone", subject="Call")
    add_template(app, "text", "About {{ topic }}", channel="sms")
    sales = auth(jwt_keys, "carol", ("sales",), team="north-team")
    callcenter, provider = auth(jwt_keys, "call-center", ("callcenter",)), auth(jwt_keys, "sms-gateway", ("provider",))
    ids = {}
    for channel, template in ((pb.CHANNEL_PHONE, "call"), (pb.CHANNEL_SMS, "text")):
        ids[template] = stub.SendNotification(pb.SendNotificationRequest(
            recipient=pb.Recipient(person_id="p-north"), channel=channel, template=template, variables={"topic": "renewal"},
            purpose=pb.PURPOSE_SERVICE, idempotency_key=f"k-{template}",
        ), metadata=sales, timeout=5).id
        assert deliver(app, ids[template]) == "sent"

    reached = stub.ReportPhoneTaskOutcome(
        pb.ReportPhoneTaskOutcomeRequest(task_id=ids["call"], outcome=pb.PHONE_OUTCOME_REACHED, note="renews", agent="maria"), metadata=callcenter, timeout=5,
    )
    delivered = stub.ReportDelivery(pb.ReportDeliveryRequest(channel=pb.CHANNEL_SMS, provider_id=f"sms_{ids['text']}", delivered=True), metadata=provider, timeout=5)

    assert (reached.status, reached.phone_outcome, reached.reason) == (pb.STATUS_DELIVERED, pb.PHONE_OUTCOME_REACHED, "reached: renews (maria)")
    assert (delivered.id, delivered.status) == (ids["text"], pb.STATUS_DELIVERED)
    assert bad_fields(refused(lambda: stub.ReportPhoneTaskOutcome(
        pb.ReportPhoneTaskOutcomeRequest(task_id=ids["call"], outcome=pb.PHONE_OUTCOME_CALL_BACK), metadata=callcenter, timeout=5,
    ))) == ["call_back_time"]
    assert bad_fields(refused(lambda: stub.ReportPhoneTaskOutcome(pb.ReportPhoneTaskOutcomeRequest(), metadata=callcenter, timeout=5))) == ["task_id", "outcome"]
    assert refused(lambda: stub.ReportPhoneTaskOutcome(
        pb.ReportPhoneTaskOutcomeRequest(task_id="no-such-task", outcome=pb.PHONE_OUTCOME_REACHED), metadata=callcenter, timeout=5,
    )).code() == grpc.StatusCode.NOT_FOUND
    assert refused(lambda: stub.ReportDelivery(
        pb.ReportDeliveryRequest(channel=pb.CHANNEL_SMS, provider_id="sms_unknown", delivered=True), metadata=provider, timeout=5,
    )).code() == grpc.StatusCode.NOT_FOUND


# -- roles --------------------------------------------------------------------------------------------------------

WRITES = [
    ("SendNotification", pb.SendNotificationRequest(), "viewer"),
    ("SendBatch", pb.SendBatchRequest(), "sales"),
    ("RetryNotification", pb.RetryNotificationRequest(id="x"), "sales"),
    ("CreateTemplate", pb.CreateTemplateRequest(), "sales"),
    ("AddSuppression", pb.AddSuppressionRequest(), "sales"),
    ("DeleteSuppression", pb.DeleteSuppressionRequest(), "marketing"),
    ("ReportPhoneTaskOutcome", pb.ReportPhoneTaskOutcomeRequest(task_id="t"), "sales"),
    ("ReportDelivery", pb.ReportDeliveryRequest(provider_id="p"), "callcenter"),
]


def test_every_write_is_refused_to_a_role_it_is_not_for_and_nothing_is_written(grpc_api, jwt_keys):
    stub, app = grpc_api
    before = handlers.list_notifications(app.uow(), ADMIN, "", 0, "")[0]
    public = {"Unsubscribe"}  # the signed token is the credential: the person clicking the link has no account
    assert {method for method, _, _ in WRITES} | public | {"GetNotification", "ListNotifications", "GetTemplate", "ListTemplates", "PreviewTemplate", "ListSuppressions"} == set(
        NotificationsServicer.ROLES
    )

    for method, request, role in WRITES:
        assert role not in NotificationsServicer.ROLES[method], method
        call = getattr(stub, method)
        error = refused(lambda call=call, request=request, role=role: call(request, metadata=auth(jwt_keys, "mallory", (role,)), timeout=5))
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, method
        assert method in error.details()

    assert handlers.list_notifications(app.uow(), ADMIN, "", 0, "")[0] == before
    assert handlers.list_suppressions("", 0, "", app.uow())[0] == []
