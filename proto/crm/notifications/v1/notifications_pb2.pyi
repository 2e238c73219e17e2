import datetime

from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_UNSPECIFIED: _ClassVar[Channel]
    CHANNEL_EMAIL: _ClassVar[Channel]
    CHANNEL_SMS: _ClassVar[Channel]
    CHANNEL_PHONE: _ClassVar[Channel]
    CHANNEL_LETTER: _ClassVar[Channel]
    CHANNEL_FAX: _ClassVar[Channel]

class Purpose(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PURPOSE_UNSPECIFIED: _ClassVar[Purpose]
    PURPOSE_MARKETING: _ClassVar[Purpose]
    PURPOSE_SERVICE: _ClassVar[Purpose]

class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATUS_UNSPECIFIED: _ClassVar[Status]
    STATUS_QUEUED: _ClassVar[Status]
    STATUS_SENDING: _ClassVar[Status]
    STATUS_SENT: _ClassVar[Status]
    STATUS_FAILED: _ClassVar[Status]
    STATUS_SKIPPED: _ClassVar[Status]
    STATUS_DELIVERED: _ClassVar[Status]

class PhoneOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PHONE_OUTCOME_UNSPECIFIED: _ClassVar[PhoneOutcome]
    PHONE_OUTCOME_REACHED: _ClassVar[PhoneOutcome]
    PHONE_OUTCOME_NO_ANSWER: _ClassVar[PhoneOutcome]
    PHONE_OUTCOME_CALL_BACK: _ClassVar[PhoneOutcome]
    PHONE_OUTCOME_REFUSED: _ClassVar[PhoneOutcome]
    PHONE_OUTCOME_INTERESTED: _ClassVar[PhoneOutcome]
CHANNEL_UNSPECIFIED: Channel
CHANNEL_EMAIL: Channel
CHANNEL_SMS: Channel
CHANNEL_PHONE: Channel
CHANNEL_LETTER: Channel
CHANNEL_FAX: Channel
PURPOSE_UNSPECIFIED: Purpose
PURPOSE_MARKETING: Purpose
PURPOSE_SERVICE: Purpose
STATUS_UNSPECIFIED: Status
STATUS_QUEUED: Status
STATUS_SENDING: Status
STATUS_SENT: Status
STATUS_FAILED: Status
STATUS_SKIPPED: Status
STATUS_DELIVERED: Status
PHONE_OUTCOME_UNSPECIFIED: PhoneOutcome
PHONE_OUTCOME_REACHED: PhoneOutcome
PHONE_OUTCOME_NO_ANSWER: PhoneOutcome
PHONE_OUTCOME_CALL_BACK: PhoneOutcome
PHONE_OUTCOME_REFUSED: PhoneOutcome
PHONE_OUTCOME_INTERESTED: PhoneOutcome

class StatusChange(_message.Message):
    __slots__ = ("status", "reason", "change_time")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    status: Status
    reason: str
    change_time: _timestamp_pb2.Timestamp
    def __init__(self, status: _Optional[_Union[Status, str]] = ..., reason: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Recipient(_message.Message):
    __slots__ = ("person_id", "address")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    address: str
    def __init__(self, person_id: _Optional[str] = ..., address: _Optional[str] = ...) -> None: ...

class Notification(_message.Message):
    __slots__ = ("id", "person_id", "channel", "recipient", "template", "subject", "status", "reason", "attempts", "create_time", "send_time", "history", "purpose", "idempotency_key", "campaign_id", "batch_id", "language", "template_version", "next_attempt_time", "provider_id", "segments", "phone_outcome", "call_back_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    PHONE_OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CALL_BACK_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    person_id: str
    channel: Channel
    recipient: str
    template: str
    subject: str
    status: Status
    reason: str
    attempts: int
    create_time: _timestamp_pb2.Timestamp
    send_time: _timestamp_pb2.Timestamp
    history: _containers.RepeatedCompositeFieldContainer[StatusChange]
    purpose: Purpose
    idempotency_key: str
    campaign_id: str
    batch_id: str
    language: str
    template_version: int
    next_attempt_time: _timestamp_pb2.Timestamp
    provider_id: str
    segments: int
    phone_outcome: PhoneOutcome
    call_back_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., person_id: _Optional[str] = ..., channel: _Optional[_Union[Channel, str]] = ..., recipient: _Optional[str] = ..., template: _Optional[str] = ..., subject: _Optional[str] = ..., status: _Optional[_Union[Status, str]] = ..., reason: _Optional[str] = ..., attempts: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., history: _Optional[_Iterable[_Union[StatusChange, _Mapping]]] = ..., purpose: _Optional[_Union[Purpose, str]] = ..., idempotency_key: _Optional[str] = ..., campaign_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., language: _Optional[str] = ..., template_version: _Optional[int] = ..., next_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., provider_id: _Optional[str] = ..., segments: _Optional[int] = ..., phone_outcome: _Optional[_Union[PhoneOutcome, str]] = ..., call_back_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SendNotificationRequest(_message.Message):
    __slots__ = ("recipient", "channel", "template", "language", "variables", "purpose", "idempotency_key", "send_time", "campaign_id")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    recipient: Recipient
    channel: Channel
    template: str
    language: str
    variables: _containers.ScalarMap[str, str]
    purpose: Purpose
    idempotency_key: str
    send_time: _timestamp_pb2.Timestamp
    campaign_id: str
    def __init__(self, recipient: _Optional[_Union[Recipient, _Mapping]] = ..., channel: _Optional[_Union[Channel, str]] = ..., template: _Optional[str] = ..., language: _Optional[str] = ..., variables: _Optional[_Mapping[str, str]] = ..., purpose: _Optional[_Union[Purpose, str]] = ..., idempotency_key: _Optional[str] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., campaign_id: _Optional[str] = ...) -> None: ...

class BatchRecipient(_message.Message):
    __slots__ = ("recipient", "variables")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    recipient: Recipient
    variables: _containers.ScalarMap[str, str]
    def __init__(self, recipient: _Optional[_Union[Recipient, _Mapping]] = ..., variables: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SendBatchRequest(_message.Message):
    __slots__ = ("batch_id", "recipients", "channel", "template", "language", "variables", "purpose", "campaign_id", "send_time", "rate_per_minute")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    RATE_PER_MINUTE_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    recipients: _containers.RepeatedCompositeFieldContainer[BatchRecipient]
    channel: Channel
    template: str
    language: str
    variables: _containers.ScalarMap[str, str]
    purpose: Purpose
    campaign_id: str
    send_time: _timestamp_pb2.Timestamp
    rate_per_minute: int
    def __init__(self, batch_id: _Optional[str] = ..., recipients: _Optional[_Iterable[_Union[BatchRecipient, _Mapping]]] = ..., channel: _Optional[_Union[Channel, str]] = ..., template: _Optional[str] = ..., language: _Optional[str] = ..., variables: _Optional[_Mapping[str, str]] = ..., purpose: _Optional[_Union[Purpose, str]] = ..., campaign_id: _Optional[str] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., rate_per_minute: _Optional[int] = ...) -> None: ...

class SendBatchResponse(_message.Message):
    __slots__ = ("batch_id", "accepted", "duplicates", "total")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    accepted: int
    duplicates: int
    total: int
    def __init__(self, batch_id: _Optional[str] = ..., accepted: _Optional[int] = ..., duplicates: _Optional[int] = ..., total: _Optional[int] = ...) -> None: ...

class GetNotificationRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListNotificationsRequest(_message.Message):
    __slots__ = ("person_id", "page_size", "page_token", "campaign_id", "batch_id", "idempotency_key", "statuses")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    page_size: int
    page_token: str
    campaign_id: str
    batch_id: str
    idempotency_key: str
    statuses: _containers.RepeatedScalarFieldContainer[Status]
    def __init__(self, person_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., campaign_id: _Optional[str] = ..., batch_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[Status, str]]] = ...) -> None: ...

class ListNotificationsResponse(_message.Message):
    __slots__ = ("notifications", "next_page_token")
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    next_page_token: str
    def __init__(self, notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RetryNotificationRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class Template(_message.Message):
    __slots__ = ("name", "language", "version", "channel", "subject", "text_body", "html_body", "create_time", "variables")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TEXT_BODY_FIELD_NUMBER: _ClassVar[int]
    HTML_BODY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    name: str
    language: str
    version: int
    channel: Channel
    subject: str
    text_body: str
    html_body: str
    create_time: _timestamp_pb2.Timestamp
    variables: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., language: _Optional[str] = ..., version: _Optional[int] = ..., channel: _Optional[_Union[Channel, str]] = ..., subject: _Optional[str] = ..., text_body: _Optional[str] = ..., html_body: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., variables: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateTemplateRequest(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: Template
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ...) -> None: ...

class GetTemplateRequest(_message.Message):
    __slots__ = ("name", "language", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    language: str
    version: int
    def __init__(self, name: _Optional[str] = ..., language: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ("name", "page_size", "page_token")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    name: str
    page_size: int
    page_token: str
    def __init__(self, name: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("templates", "next_page_token")
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[Template]
    next_page_token: str
    def __init__(self, templates: _Optional[_Iterable[_Union[Template, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PreviewTemplateRequest(_message.Message):
    __slots__ = ("name", "language", "version", "person_id", "variables")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    name: str
    language: str
    version: int
    person_id: str
    variables: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., language: _Optional[str] = ..., version: _Optional[int] = ..., person_id: _Optional[str] = ..., variables: _Optional[_Mapping[str, str]] = ...) -> None: ...

class RenderedMessage(_message.Message):
    __slots__ = ("subject", "text", "html", "template_version", "segments")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    HTML_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    subject: str
    text: str
    html: str
    template_version: int
    segments: int
    def __init__(self, subject: _Optional[str] = ..., text: _Optional[str] = ..., html: _Optional[str] = ..., template_version: _Optional[int] = ..., segments: _Optional[int] = ...) -> None: ...

class Suppression(_message.Message):
    __slots__ = ("address", "channel", "reason", "create_time", "marketing_only")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    MARKETING_ONLY_FIELD_NUMBER: _ClassVar[int]
    address: str
    channel: Channel
    reason: str
    create_time: _timestamp_pb2.Timestamp
    marketing_only: bool
    def __init__(self, address: _Optional[str] = ..., channel: _Optional[_Union[Channel, str]] = ..., reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., marketing_only: _Optional[bool] = ...) -> None: ...

class AddSuppressionRequest(_message.Message):
    __slots__ = ("suppression",)
    SUPPRESSION_FIELD_NUMBER: _ClassVar[int]
    suppression: Suppression
    def __init__(self, suppression: _Optional[_Union[Suppression, _Mapping]] = ...) -> None: ...

class DeleteSuppressionRequest(_message.Message):
    __slots__ = ("address", "channel")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    address: str
    channel: Channel
    def __init__(self, address: _Optional[str] = ..., channel: _Optional[_Union[Channel, str]] = ...) -> None: ...

class ListSuppressionsRequest(_message.Message):
    __slots__ = ("channel", "page_size", "page_token")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    page_size: int
    page_token: str
    def __init__(self, channel: _Optional[_Union[Channel, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSuppressionsResponse(_message.Message):
    __slots__ = ("suppressions", "next_page_token")
    SUPPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    suppressions: _containers.RepeatedCompositeFieldContainer[Suppression]
    next_page_token: str
    def __init__(self, suppressions: _Optional[_Iterable[_Union[Suppression, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UnsubscribeRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class ReportPhoneTaskOutcomeRequest(_message.Message):
    __slots__ = ("task_id", "outcome", "call_back_time", "note", "agent")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CALL_BACK_TIME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    outcome: PhoneOutcome
    call_back_time: _timestamp_pb2.Timestamp
    note: str
    agent: str
    def __init__(self, task_id: _Optional[str] = ..., outcome: _Optional[_Union[PhoneOutcome, str]] = ..., call_back_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., note: _Optional[str] = ..., agent: _Optional[str] = ...) -> None: ...

class ReportDeliveryRequest(_message.Message):
    __slots__ = ("channel", "provider_id", "delivered", "reason")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    provider_id: str
    delivered: bool
    reason: str
    def __init__(self, channel: _Optional[_Union[Channel, str]] = ..., provider_id: _Optional[str] = ..., delivered: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...

class PhoneTask(_message.Message):
    __slots__ = ("task_id", "person_id", "phone", "name", "subject", "script", "purpose", "campaign_id", "attempt", "create_time")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    person_id: str
    phone: str
    name: str
    subject: str
    script: str
    purpose: Purpose
    campaign_id: str
    attempt: int
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, task_id: _Optional[str] = ..., person_id: _Optional[str] = ..., phone: _Optional[str] = ..., name: _Optional[str] = ..., subject: _Optional[str] = ..., script: _Optional[str] = ..., purpose: _Optional[_Union[Purpose, str]] = ..., campaign_id: _Optional[str] = ..., attempt: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PhoneTaskOutcome(_message.Message):
    __slots__ = ("task_id", "outcome", "call_back_time", "note", "agent", "report_time")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CALL_BACK_TIME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    REPORT_TIME_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    outcome: PhoneOutcome
    call_back_time: _timestamp_pb2.Timestamp
    note: str
    agent: str
    report_time: _timestamp_pb2.Timestamp
    def __init__(self, task_id: _Optional[str] = ..., outcome: _Optional[_Union[PhoneOutcome, str]] = ..., call_back_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., note: _Optional[str] = ..., agent: _Optional[str] = ..., report_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
