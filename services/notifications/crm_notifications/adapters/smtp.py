"""Email over SMTP, with TLS and authentication as configured; failures classified for retry."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from opentelemetry import trace

tracer = trace.get_tracer(__name__)


class SendError(Exception):
    def __init__(self, reason: str, *, transient: bool):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    message_id: str  # stable per notification, so a resend after a crash can be recognised


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    sender: str
    tls: str = "none"  # none | starttls | ssl
    username: str = ""
    password: str = ""
    timeout: float = 10.0

    def send(self, email: Email) -> None:
        message = EmailMessage()
        try:
            message["From"] = self.sender
            message["To"] = email.to
            message["Subject"] = email.subject
            message["Date"] = formatdate(usegmt=True)
            message["Message-ID"] = email.message_id
            message.set_content(email.body)
        except ValueError as exc:
            # e.g. a line break in a name that the subject carries: no server will ever take it, and
            # an unclassified error would leave the notification in `sending` to be retried forever.
            raise SendError(f"cannot build the message: {exc}", transient=False) from exc
        with tracer.start_as_current_span(
            "smtp send",
            kind=trace.SpanKind.CLIENT,
            attributes={"server.address": self.host, "server.port": self.port, "smtp.message_id": email.message_id},
        ) as span:
            try:
                self._deliver(message)
            except SendError as exc:
                span.set_status(trace.Status(trace.StatusCode.ERROR, exc.reason))
                raise

    def _deliver(self, message: EmailMessage) -> None:
        try:
            if self.tls == "ssl":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.tls == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password)
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise SendError(f"recipient refused: {code} {text.decode(errors='replace')}", transient=400 <= code < 500) from exc
        except smtplib.SMTPResponseException as exc:
            raise SendError(f"SMTP {exc.smtp_code} {exc.smtp_error.decode(errors='replace')}", transient=400 <= exc.smtp_code < 500) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"{type(exc).__name__}: {exc}", transient=True) from exc
