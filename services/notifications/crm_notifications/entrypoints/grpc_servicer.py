"""crm.notifications.v1.NotificationsService over grpcio: translate, call the handler, translate back."""
from __future__ import annotations

from google.protobuf import empty_pb2

from crm.notifications.v1 import notifications_pb2 as pb
from crm.notifications.v1 import notifications_pb2_grpc
from crm_chassis.access import Viewer
from crm_chassis.auth import current_principal
from crm_chassis.grpc_server import PUBLIC, Registration
from crm_notifications.adapters import messages
from crm_notifications.bootstrap import Notifications
from crm_notifications.entrypoints import mappers
from crm_notifications.service_layer import handlers

READERS = ("sales", "marketing", "support", "viewer")
SENDERS = ("sales", "marketing", "support", "service")
OPERATORS = ("support",)
EDITORS = ("marketing", "support")


class NotificationsServicer(notifications_pb2_grpc.NotificationsServiceServicer):
    ROLES = {
        "SendNotification": SENDERS,
        "SendBatch": ("marketing", "service"),
        "GetNotification": READERS,
        "ListNotifications": READERS,
        "RetryNotification": OPERATORS,
        "CreateTemplate": EDITORS,
        "GetTemplate": READERS,
        "ListTemplates": READERS,
        "PreviewTemplate": READERS,
        "AddSuppression": EDITORS,
        "DeleteSuppression": OPERATORS,
        "ListSuppressions": READERS,
        "Unsubscribe": PUBLIC,  # the signed token of the link is the credential; the person clicking has no account
        "ReportPhoneTaskOutcome": ("callcenter",),
        "ReportDelivery": ("provider",),
    }

    def __init__(self, app: Notifications):
        self.app = app

    def _viewer(self) -> Viewer:
        return Viewer.of(current_principal())

    def SendNotification(self, request, context):
        return messages.notification(handlers.send_notification(mappers.send_notification(request), self.app.uow(), self._viewer(), self.app.rules))

    def SendBatch(self, request, context):
        accepted, duplicates, total = handlers.send_batch(mappers.send_batch(request), self.app.uow(), self._viewer(), self.app.rules)
        return pb.SendBatchResponse(batch_id=request.batch_id, accepted=accepted, duplicates=duplicates, total=total)

    def GetNotification(self, request, context):
        return messages.notification(handlers.get_notification(request.id, self.app.uow(), self._viewer()))

    def ListNotifications(self, request, context):
        found, token = handlers.list_notifications(
            self.app.uow(), self._viewer(), request.person_id, request.page_size, request.page_token,
            campaign_id=request.campaign_id, batch_id=request.batch_id, idempotency_key=request.idempotency_key,
            statuses=tuple(messages.words(messages.STATUS)[s] for s in request.statuses if s in messages.words(messages.STATUS)),
        )
        return pb.ListNotificationsResponse(notifications=[messages.notification(n) for n in found], next_page_token=token)

    def RetryNotification(self, request, context):
        return messages.notification(handlers.retry(request.id, self.app.uow(), self._viewer()))

    def CreateTemplate(self, request, context):
        return messages.template(handlers.create_template(mappers.create_template(request), self.app.uow()))

    def GetTemplate(self, request, context):
        return messages.template(handlers.get_template(request.name, request.language, request.version, self.app.uow()))

    def ListTemplates(self, request, context):
        found, token = handlers.list_templates(request.name, request.page_size, request.page_token, self.app.uow())
        return pb.ListTemplatesResponse(templates=[messages.template(t) for t in found], next_page_token=token)

    def PreviewTemplate(self, request, context):
        template, rendered, segments = handlers.preview(
            request.name, request.language, request.version, request.person_id, dict(request.variables), self.app.uow(), self.app.rules
        )
        return pb.RenderedMessage(subject=rendered.subject, text=rendered.text, html=rendered.html, template_version=template.version, segments=segments)

    def AddSuppression(self, request, context):
        s = request.suppression
        found = handlers.add_suppression(mappers.CHANNEL_WORDS.get(s.channel), s.address, s.reason, s.marketing_only, self.app.uow())
        return messages.suppression(found)

    def DeleteSuppression(self, request, context):
        handlers.delete_suppression(mappers.CHANNEL_WORDS.get(request.channel), request.address, self.app.uow())
        return empty_pb2.Empty()

    def ListSuppressions(self, request, context):
        found, token = handlers.list_suppressions(mappers.CHANNEL_WORDS.get(request.channel, ""), request.page_size, request.page_token, self.app.uow())
        return pb.ListSuppressionsResponse(suppressions=[messages.suppression(s) for s in found], next_page_token=token)

    def Unsubscribe(self, request, context):
        return messages.suppression(handlers.unsubscribe(request.token, self.app.uow(), self.app.rules))

    def ReportPhoneTaskOutcome(self, request, context):
        cmd = mappers.phone_outcome(request.task_id, request.outcome, request.call_back_time, request.HasField("call_back_time"), request.note, request.agent)
        return messages.notification(handlers.report_phone_outcome(cmd, self.app.uow()))

    def ReportDelivery(self, request, context):
        channel = mappers.CHANNEL_WORDS.get(request.channel)
        return messages.notification(handlers.report_delivery(channel, request.provider_id, request.delivered, request.reason, self.app.uow()))


def registrations(app: Notifications) -> list[Registration]:
    return [
        Registration(
            add_to_server=notifications_pb2_grpc.add_NotificationsServiceServicer_to_server,
            servicer=NotificationsServicer(app),
            service_full_name=pb.DESCRIPTOR.services_by_name["NotificationsService"].full_name,
            roles=NotificationsServicer.ROLES,
        )
    ]
