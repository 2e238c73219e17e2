"""An in-memory NotificationsService for the gateway tests: the contract's behaviour, none of its delivery.

It answers as the real service does where the gateway cares: field paths of bad fields, NOT_FOUND,
FAILED_PRECONDITION, idempotency keys, and HMAC-signed unsubscribe tokens (made by the real
`unsubscribe_token`). It records each request and who made it (None when anonymous).
"""

from __future__ import annotations

import base64
import hmac
import re
import threading
import uuid
from dataclasses import dataclass, field

from google.protobuf import empty_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from crm.notifications.v1 import notifications_pb2 as pb
from crm.notifications.v1 import notifications_pb2_grpc
from crm_chassis import auth, errors
from crm_notifications.service_layer.handlers import SIGNATURE_BYTES, unsubscribe_token

UNSUBSCRIBE_SECRET = b"gateway-tests-secret"
_CHANNEL_WORDS = {
    pb.CHANNEL_EMAIL: "email",
    pb.CHANNEL_SMS: "sms",
    pb.CHANNEL_PHONE: "phone",
    pb.CHANNEL_LETTER: "letter",
    pb.CHANNEL_FAX: "fax",
}
_CHANNELS = {word: number for number, word in _CHANNEL_WORDS.items()}
_VARIABLE = re.compile(r"{{\s*([\w.]+)\s*}}")


def now() -> Timestamp:
    stamp = Timestamp()
    stamp.GetCurrentTime()
    return stamp


def link_token(channel: str, address: str) -> str:
    """The token the real service puts in the unsubscribe link of a marketing message."""
    return unsubscribe_token(UNSUBSCRIBE_SECRET, channel, address)


def _check_address(channel: int, address: str, path: str, bad: errors.Violations) -> None:
    if address and channel == pb.CHANNEL_EMAIL and "@" not in address:
        bad.add(path, "is not an email address")


@dataclass
class FakeNotifications(notifications_pb2_grpc.NotificationsServiceServicer):
    notifications: list[pb.Notification] = field(default_factory=list)
    templates: list[pb.Template] = field(default_factory=list)
    suppressions: dict[tuple[int, str], pb.Suppression] = field(default_factory=dict)
    batches: dict[str, tuple[tuple, set[str]]] = field(default_factory=dict)
    requests: list = field(default_factory=list)
    # The subject of the caller of each request, None when it came without a token.
    callers: list[str | None] = field(default_factory=list)
    fail_with: Exception | None = None
    # While set, ListNotifications waits for it (to outlast the gateway's deadline).
    hold: threading.Event | None = None
    rendezvous: threading.Barrier | None = None

    def _called(self, request) -> None:
        self.requests.append(request)
        try:
            self.callers.append(auth.current_principal().subject)
        except errors.Unauthenticated:
            self.callers.append(None)
        if self.fail_with is not None:
            raise self.fail_with

    def add(self, **fields) -> pb.Notification:
        notification = pb.Notification(id=str(uuid.uuid4()), create_time=now(), **fields)
        self.notifications.append(notification)
        return notification

    def _find(self, notification_id: str) -> pb.Notification:
        for n in self.notifications:
            if n.id == notification_id:
                return n
        raise errors.NotFound(f"notification {notification_id} not found")

    # -- notifications ------------------------------------------------------------------------------

    def SendNotification(self, request, context):
        self._called(request)
        bad = errors.Violations()
        if not request.idempotency_key:
            bad.add("idempotency_key", "is required, so that a repeated request is recognised")
        for existing in self.notifications:
            if request.idempotency_key and existing.idempotency_key == request.idempotency_key:
                return existing
        if request.recipient.WhichOneof("target") is None:
            bad.add("recipient", "needs either a person_id or an address")
        _check_address(request.channel, request.recipient.address, "recipient.address", bad)
        if not request.template:
            bad.add("template", "is required")
        bad.raise_if_any()
        return self.add(
            person_id=request.recipient.person_id,
            channel=request.channel,
            purpose=request.purpose,
            recipient=request.recipient.address,
            template=request.template,
            language=request.language,
            status=pb.STATUS_QUEUED,
            idempotency_key=request.idempotency_key,
            campaign_id=request.campaign_id,
            next_attempt_time=request.send_time if request.HasField("send_time") else None,
            history=[pb.StatusChange(status=pb.STATUS_QUEUED, change_time=now())],
        )

    def SendBatch(self, request, context):
        self._called(request)
        bad = errors.Violations()
        if not request.batch_id:
            bad.add("batch_id", "is required, so that a repeated request is recognised")
        for i, r in enumerate(request.recipients):
            _check_address(request.channel, r.recipient.address, f"recipients[{i}].recipient.address", bad)
        bad.raise_if_any()
        settings = (request.channel, request.purpose, request.template, request.campaign_id, request.rate_per_minute)
        stored, members = self.batches.setdefault(request.batch_id, (settings, set()))
        if stored != settings:
            raise errors.FailedPrecondition(f"batch {request.batch_id} was started with other settings; use a new batch_id")
        keys = [r.recipient.person_id or r.recipient.address for r in request.recipients]
        accepted = len(set(keys) - members)
        members.update(keys)
        return pb.SendBatchResponse(batch_id=request.batch_id, accepted=accepted, duplicates=len(keys) - accepted, total=len(members))

    def GetNotification(self, request, context):
        self._called(request)
        return self._find(request.id)

    def ListNotifications(self, request, context):
        self._called(request)
        if self.rendezvous is not None:
            self.rendezvous.wait()
        if self.hold is not None:
            self.hold.wait(5)
        wanted = [
            n
            for n in reversed(self.notifications)
            if (not request.person_id or n.person_id == request.person_id)
            and (not request.campaign_id or n.campaign_id == request.campaign_id)
            and (not request.batch_id or n.batch_id == request.batch_id)
            and (not request.idempotency_key or n.idempotency_key == request.idempotency_key)
            and (not request.statuses or n.status in request.statuses)
        ]
        start = int(request.page_token or 0)
        size = request.page_size or 50
        more = start + size < len(wanted)
        return pb.ListNotificationsResponse(notifications=wanted[start : start + size], next_page_token=str(start + size) if more else "")

    def RetryNotification(self, request, context):
        self._called(request)
        n = self._find(request.id)
        if n.status != pb.STATUS_FAILED:
            raise errors.FailedPrecondition(f"notification {n.id} is {pb.Status.Name(n.status)}; only a failed one can be retried")
        n.status = pb.STATUS_QUEUED
        n.history.append(pb.StatusChange(status=pb.STATUS_QUEUED, reason="retried by an operator", change_time=now()))
        return n

    # -- templates ----------------------------------------------------------------------------------

    def CreateTemplate(self, request, context):
        self._called(request)
        t = request.template
        bad = errors.Violations()
        if not t.name:
            bad.add("template.name", "must be 1 to 100 characters")
        if not t.text_body:
            bad.add("template.text_body", "must not be empty")
        if t.channel == pb.CHANNEL_EMAIL and not t.subject:
            bad.add("template.subject", "an email template needs a subject")
        if t.html_body and t.channel != pb.CHANNEL_EMAIL:
            bad.add("template.html_body", "only email templates have an HTML body")
        bad.raise_if_any()
        version = 1 + sum(1 for s in self.templates if (s.name, s.language) == (t.name, t.language))
        used = sorted(set(_VARIABLE.findall(t.subject + t.text_body + t.html_body)))
        created = pb.Template(
            name=t.name,
            language=t.language,
            version=version,
            channel=t.channel,
            subject=t.subject,
            text_body=t.text_body,
            html_body=t.html_body,
            create_time=now(),
            variables=used,
        )
        self.templates.append(created)
        return created

    def _template(self, name: str, language: str, version: int) -> pb.Template:
        found = [t for t in self.templates if (t.name, t.language) == (name, language) and version in (0, t.version)]
        if not found:
            raise errors.NotFound(f"template {name!r} ({language}{f', v{version}' if version else ''}) not found")
        return max(found, key=lambda t: t.version)

    def GetTemplate(self, request, context):
        self._called(request)
        return self._template(request.name, request.language, request.version)

    def ListTemplates(self, request, context):
        self._called(request)
        if request.name:
            found = [t for t in self.templates if t.name == request.name]
        else:
            latest: dict[tuple[str, str], pb.Template] = {}
            for t in self.templates:
                if t.version > latest.get((t.name, t.language), pb.Template()).version:
                    latest[(t.name, t.language)] = t
            found = list(latest.values())
        return pb.ListTemplatesResponse(templates=sorted(found, key=lambda t: (t.name, t.language, t.version)))

    def PreviewTemplate(self, request, context):
        self._called(request)
        template = self._template(request.name, request.language, request.version)
        values = {**request.variables}
        if request.person_id:
            values["person.given_name"] = f"given name of {request.person_id}"

        def render(source: str) -> str:
            def value(match):
                if match.group(1) not in values:
                    raise errors.InvalidArgument([errors.FieldViolation("variables", f"'{match.group(1)}' is undefined")])
                return values[match.group(1)]

            return _VARIABLE.sub(value, source)

        return pb.RenderedMessage(
            subject=render(template.subject),
            text=render(template.text_body),
            html=render(template.html_body),
            template_version=template.version,
        )

    # -- suppressions -------------------------------------------------------------------------------

    def AddSuppression(self, request, context):
        self._called(request)
        s = request.suppression
        bad = errors.Violations()
        if s.channel not in _CHANNEL_WORDS:
            bad.add("suppression.channel", "must be one of email, sms, phone, letter, fax")
        if s.reason not in ("unsubscribed", "bounced", "complaint", "manual"):
            bad.add("suppression.reason", "must be one of unsubscribed, bounced, complaint, manual")
        _check_address(s.channel, s.address, "suppression.address", bad)
        bad.raise_if_any()
        stored = pb.Suppression(
            address=s.address.lower(), channel=s.channel, reason=s.reason, marketing_only=s.marketing_only, create_time=now()
        )
        self.suppressions[(s.channel, stored.address)] = stored
        return stored

    def DeleteSuppression(self, request, context):
        self._called(request)
        if self.suppressions.pop((request.channel, request.address.lower()), None) is None:
            raise errors.NotFound(f"no suppression of {request.address!r} for {_CHANNEL_WORDS.get(request.channel)}")
        return empty_pb2.Empty()

    def ListSuppressions(self, request, context):
        self._called(request)
        found = [s for s in self.suppressions.values() if not request.channel or s.channel == request.channel]
        return pb.ListSuppressionsResponse(suppressions=found)

    def Unsubscribe(self, request, context):
        self._called(request)
        invalid = errors.InvalidArgument([errors.FieldViolation("token", "is not an unsubscribe token")])
        try:
            raw = base64.urlsafe_b64decode(request.token + "=" * (-len(request.token) % 4))
            channel, address = raw[SIGNATURE_BYTES:].decode().split("\n", 1)
        except ValueError:
            raise invalid from None
        if channel not in _CHANNELS or not hmac.compare_digest(link_token(channel, address), request.token):
            raise invalid
        current = self.suppressions.get((_CHANNELS[channel], address))
        if current is not None and not current.marketing_only:
            return current
        stored = pb.Suppression(address=address, channel=_CHANNELS[channel], reason="unsubscribed", marketing_only=True, create_time=now())
        self.suppressions[(stored.channel, address)] = stored
        return stored

    # -- phone tasks --------------------------------------------------------------------------------

    def ReportPhoneTaskOutcome(self, request, context):
        self._called(request)
        bad = errors.Violations()
        if request.outcome == pb.PHONE_OUTCOME_UNSPECIFIED:
            bad.add("outcome", "must be one of reached, no_answer, call_back, refused, interested")
        if request.outcome == pb.PHONE_OUTCOME_CALL_BACK and not request.HasField("call_back_time"):
            bad.add("call_back_time", "is required when the outcome is call back")
        bad.raise_if_any()
        n = next((n for n in self.notifications if n.id == request.task_id and n.channel == pb.CHANNEL_PHONE), None)
        if n is None:
            raise errors.NotFound(f"phone task {request.task_id} not found")
        if n.phone_outcome:
            raise errors.FailedPrecondition(f"phone task {n.id} already has an outcome")
        n.phone_outcome = request.outcome
        if request.HasField("call_back_time"):
            n.call_back_time.CopyFrom(request.call_back_time)
        n.status = pb.STATUS_DELIVERED
        n.history.append(
            pb.StatusChange(
                status=pb.STATUS_DELIVERED,
                reason=" ".join(filter(None, (request.note, f"({request.agent})" if request.agent else ""))),
                change_time=now(),
            )
        )
        return n
