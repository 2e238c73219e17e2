"""Use cases of notifications: accept a request once, deliver it, retry it, report it."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from crm_chassis import paging
from crm_chassis.access import Viewer
from crm_chassis.errors import NotFound
from crm_notifications.adapters.smtp import Email, SendError
from crm_notifications.domain import welcome
from crm_notifications.domain.model import QUEUED, Notification, RetryPolicy, utcnow
from crm_notifications.service_layer.unit_of_work import NotificationsUnitOfWork

UowFactory = Callable[[], NotificationsUnitOfWork]


def request_welcome(person: welcome.NewPerson, uow: NotificationsUnitOfWork, *, consumer: str, event_id: str) -> str | None:
    """Records the welcome email (or why it is skipped) once per person; returns its id when it is to be sent."""
    with uow:
        if not uow.claim_event(consumer, event_id) or uow.notifications.exists_for_key(welcome.idempotency_key(person.person_id)):
            uow.commit()
            return None
        notification = welcome.welcome(person)
        uow.notifications.add(notification)
        uow.commit()
    return notification.id if notification.status == QUEUED else None


def deliver(notification_id: str, uows: UowFactory, mailer, policy: RetryPolicy, clock: Callable[[], datetime] = utcnow) -> str | None:
    """Sends one due notification; returns its new status, or None if it was not due.

    Claiming it (status `sending`) commits before the SMTP conversation, so two
    workers never send the same notification, and the outcome commits after it.
    """
    with uows() as uow:
        notification = uow.notifications.get(notification_id, for_update=True)
        if notification is None or not notification.is_due(clock()):
            return None
        notification.start_sending(clock())
        uow.notifications.save(notification)
        uow.commit()
    try:
        mailer.send(Email(notification.recipient, notification.subject, notification.body, message_id=f"<{notification.id}@crm.notifications>"))
        failure = None
    except SendError as exc:
        failure = exc
    with uows() as uow:
        notification = uow.notifications.get(notification_id, for_update=True)
        if failure is None:
            notification.mark_sent(clock())
        else:
            notification.mark_failed(failure.reason, clock(), transient=failure.transient, policy=policy)
        uow.notifications.save(notification)
        uow.commit()
    return notification.status


def deliver_due(uows: UowFactory, mailer, policy: RetryPolicy, *, lease: timedelta, limit: int = 100, clock: Callable[[], datetime] = utcnow) -> int:
    """Requeues sends interrupted by a dead worker, then delivers what is due; returns how many it tried."""
    with uows() as uow:
        for notification_id in uow.notifications.sending_since_before(clock() - lease, limit):
            notification = uow.notifications.get(notification_id, for_update=True)
            notification.release_interrupted(clock())
            uow.notifications.save(notification)
        uow.commit()
    with uows() as uow:
        due = uow.notifications.due_ids(clock(), limit)
    return sum(1 for notification_id in due if deliver(notification_id, uows, mailer, policy, clock) is not None)


def get_notification(notification_id: str, uow: NotificationsUnitOfWork, viewer: Viewer) -> Notification:
    with uow:
        notification = uow.notifications.get(notification_id)
    if notification is None or not notification.audience.is_visible_to(viewer):
        raise NotFound(f"notification {notification_id} not found")
    return notification


def list_notifications(uow: NotificationsUnitOfWork, viewer: Viewer, person_id: str, page_size: int, page_token: str) -> tuple[list[Notification], str]:
    size = paging.page_size(page_size)
    before = paging.decode_time_key(page_token)
    with uow:
        found = uow.notifications.list_visible(viewer, person_id, before, size + 1)
    return paging.page(found, size, lambda n: paging.time_key(n.created_at, n.id))
