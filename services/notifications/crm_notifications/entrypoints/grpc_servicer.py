"""crm.notifications.v1.NotificationsService over grpcio."""
from __future__ import annotations

from crm.notifications.v1 import notifications_pb2 as pb
from crm.notifications.v1 import notifications_pb2_grpc
from crm_chassis.access import Viewer
from crm_chassis.auth import current_principal
from crm_chassis.grpc_server import Registration
from crm_notifications.adapters import messages
from crm_notifications.bootstrap import Notifications
from crm_notifications.service_layer import handlers

READERS = ("sales", "marketing", "support", "viewer")


class NotificationsServicer(notifications_pb2_grpc.NotificationsServiceServicer):
    ROLES = {"GetNotification": READERS, "ListNotifications": READERS}

    def __init__(self, app: Notifications):
        self.app = app

    def GetNotification(self, request: pb.GetNotificationRequest, context) -> pb.Notification:
        return messages.notification(handlers.get_notification(request.id, self.app.uow(), Viewer.of(current_principal())))

    def ListNotifications(self, request: pb.ListNotificationsRequest, context) -> pb.ListNotificationsResponse:
        found, token = handlers.list_notifications(
            self.app.uow(), Viewer.of(current_principal()), request.person_id, request.page_size, request.page_token
        )
        return pb.ListNotificationsResponse(notifications=[messages.notification(n) for n in found], next_page_token=token)


def registrations(app: Notifications) -> list[Registration]:
    return [
        Registration(
            add_to_server=notifications_pb2_grpc.add_NotificationsServiceServicer_to_server,
            servicer=NotificationsServicer(app),
            service_full_name=pb.DESCRIPTOR.services_by_name["NotificationsService"].full_name,
            roles=NotificationsServicer.ROLES,
        )
    ]
