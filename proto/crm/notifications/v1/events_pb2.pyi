from crm.notifications.v1 import notifications_pb2 as _notifications_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NotificationSent(_message.Message):
    __slots__ = ("notification",)
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    notification: _notifications_pb2.Notification
    def __init__(self, notification: _Optional[_Union[_notifications_pb2.Notification, _Mapping]] = ...) -> None: ...

class NotificationSkipped(_message.Message):
    __slots__ = ("notification",)
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    notification: _notifications_pb2.Notification
    def __init__(self, notification: _Optional[_Union[_notifications_pb2.Notification, _Mapping]] = ...) -> None: ...

class NotificationFailed(_message.Message):
    __slots__ = ("notification",)
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    notification: _notifications_pb2.Notification
    def __init__(self, notification: _Optional[_Union[_notifications_pb2.Notification, _Mapping]] = ...) -> None: ...

class NotificationDelivered(_message.Message):
    __slots__ = ("notification",)
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    notification: _notifications_pb2.Notification
    def __init__(self, notification: _Optional[_Union[_notifications_pb2.Notification, _Mapping]] = ...) -> None: ...

class PhoneTaskCompleted(_message.Message):
    __slots__ = ("notification", "outcome")
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    notification: _notifications_pb2.Notification
    outcome: _notifications_pb2.PhoneOutcome
    def __init__(self, notification: _Optional[_Union[_notifications_pb2.Notification, _Mapping]] = ..., outcome: _Optional[_Union[_notifications_pb2.PhoneOutcome, str]] = ...) -> None: ...

class NotificationRequested(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: _notifications_pb2.SendNotificationRequest
    def __init__(self, request: _Optional[_Union[_notifications_pb2.SendNotificationRequest, _Mapping]] = ...) -> None: ...
