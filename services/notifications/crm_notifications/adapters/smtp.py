"""Email over SMTP, with TLS and authentication as configured; failures classified for retry."""
from __future__ import annotations

import smtplib
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from opentelemetry import trace

from crm_notifications.domain.channels import OutgoingMessage, Receipt, SendError

tracer = trace.get_tracer(__name__)


def message_id(notification_id: str) -> str:
    """Stable per notification, so a resend after a crash can be recognised by the receiver."""
    return f"<{notification_id}@crm.notifications>"


class _DataTracking:
    """Remembers whether DATA was sent: before it, no server can have accepted the message."""

    data_started = False

    def data(self, msg):
        self.data_started = True
        return super().data(msg)


class _Smtp(_DataTracking, smtplib.SMTP):
    pass


class _SmtpSsl(_DataTracking, smtplib.SMTP_SSL):
    pass


@dataclass
class _Connection:
    client: _Smtp | _SmtpSsl
    used: int = 0  # mail transactions, accepted or refused
    idle_since: float = 0.0

    def transmit(self, email: EmailMessage) -> None:
        self.client.data_started = False
        self.client.send_message(email)


@dataclass(frozen=True)
class SmtpChannel:
    """Sends over connections kept open between messages, as MTAs do: connecting, EHLO, TLS and login cost more than a message.

    An idle connection is reused for `reuse_seconds` and at most `messages_per_connection`
    messages (servers limit both). When a kept connection turns out to have been dropped
    by the server before DATA, nothing can have been accepted: the message is sent once
    more at once, on a new connection.
    """

    host: str
    port: int
    sender: str
    tls: str = "none"  # none | starttls | ssl
    username: str = ""
    password: str = ""
    timeout: float = 10.0
    name: str = "email"
    reuse_seconds: float = 5.0
    messages_per_connection: int = 100
    # Idle connections; concurrent senders (greenlets or threads) each take one out, so none is shared.
    _idle: list[_Connection] = field(default_factory=list, init=False, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def send(self, outgoing: OutgoingMessage) -> Receipt:
        mid = message_id(outgoing.notification_id)
        email = self._build(outgoing, mid)
        with tracer.start_as_current_span(
            "smtp send",
            kind=trace.SpanKind.CLIENT,
            attributes={"server.address": self.host, "server.port": self.port, "smtp.message_id": mid},
        ) as span:
            try:
                self._deliver(email)
            except SendError as exc:
                span.set_status(trace.Status(trace.StatusCode.ERROR, exc.reason))
                raise
        return Receipt(provider_id=mid)

    def _build(self, outgoing: OutgoingMessage, mid: str) -> EmailMessage:
        email = EmailMessage()
        try:
            email["From"] = self.sender
            email["To"] = formataddr((outgoing.recipient_name, outgoing.recipient)) if outgoing.recipient_name else outgoing.recipient
            email["Subject"] = outgoing.subject
            email["Date"] = formatdate(usegmt=True)
            email["Message-ID"] = mid
            for header, value in outgoing.headers.items():
                email[header] = value
            email.set_content(outgoing.text)
            if outgoing.html:
                email.add_alternative(outgoing.html, subtype="html")
        except ValueError as exc:
            # e.g. a line break in a name that the subject carries: no server will ever take it, and
            # an unclassified error would leave the notification in `sending` to be retried forever.
            raise SendError(f"cannot build the message: {exc}", transient=False) from exc
        return email

    def _deliver(self, email: EmailMessage) -> None:
        try:
            connection = self._checkout()
            try:
                try:
                    connection.transmit(email)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException):
                    raise  # the server answered (SMTPException is an OSError): a refusal, not a dropped connection
                except (smtplib.SMTPServerDisconnected, OSError):
                    if not connection.used or connection.client.data_started:
                        raise  # a new connection, or the server may have the message: for the retry policy to decide
                    _close(connection.client)
                    connection = _Connection(self._connect())
                    connection.transmit(email)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException):
                # smtplib has reset the transaction (or closed the connection on a 421): reusable if still open
                connection.used += 1
                self._checkin(connection)
                raise
            except BaseException:
                _close(connection.client)
                raise
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise SendError(f"recipient refused: {code} {text.decode(errors='replace')}", transient=400 <= code < 500) from exc
        except smtplib.SMTPResponseException as exc:
            raise SendError(f"SMTP {exc.smtp_code} {exc.smtp_error.decode(errors='replace')}", transient=400 <= exc.smtp_code < 500) from exc
        except smtplib.SMTPNotSupportedError as exc:
            # STARTTLS or SMTPUTF8 the server lacks: configuration, not a passing fault.
            raise SendError(f"the SMTP server does not support what we need: {exc}", transient=False) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"{type(exc).__name__}: {exc}", transient=True) from exc
        # Accepted: nothing after this point may turn the message into a failure (it would be sent again).
        connection.used += 1
        self._checkin(connection)

    def _checkout(self) -> _Connection:
        while True:
            now = time.monotonic()
            with self._lock:
                connection = self._idle.pop() if self._idle else None  # the most recently used: the others age out
            if connection is None:
                return _Connection(self._connect())
            if now - connection.idle_since <= self.reuse_seconds:
                return connection
            _close(connection.client)

    def _checkin(self, connection: _Connection) -> None:
        now = time.monotonic()
        keep = connection.client.sock is not None and connection.used < self.messages_per_connection
        with self._lock:  # no I/O while holding it: a QUIT may take up to `timeout`
            stale = [c for c in self._idle if now - c.idle_since > self.reuse_seconds]
            self._idle[:] = [c for c in self._idle if now - c.idle_since <= self.reuse_seconds]
            if keep:
                connection.idle_since = now
                self._idle.append(connection)
        for c in stale if keep else [*stale, connection]:
            _close(c.client)

    def _connect(self) -> _Smtp | _SmtpSsl:
        if self.tls == "ssl":
            client = _SmtpSsl(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        else:
            client = _Smtp(self.host, self.port, timeout=self.timeout)
        try:
            if self.tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if self.username:
                client.login(self.username, self.password)
        except BaseException:
            _close(client)
            raise
        return client


def _close(client: smtplib.SMTP) -> None:
    """QUIT when the connection still works, else just drop it; never raises."""
    try:
        if client.sock is not None:
            client.quit()
    except Exception:
        client.close()
