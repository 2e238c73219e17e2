"""SmtpMailer against real SMTP servers: what arrives, and how refusals are classified for retry."""
from __future__ import annotations

import pytest

from crm_notifications.adapters.smtp import Email, SendError, SmtpMailer
from tests.conftest import free_port

EMAIL = Email(to="ada@example.org", subject="Welcome, Ada Lovelace", body="Dear Ada Lovelace,\n\nhello.\n", message_id="<n-1@crm.notifications>")


def mailer(port: int, **options) -> SmtpMailer:
    return SmtpMailer(host="127.0.0.1", port=port, sender="CRM <crm@localhost>", timeout=5, **options)


def test_the_sink_receives_the_message_with_its_headers_and_body(smtp_sink):
    mailer(smtp_sink.port).send(EMAIL)

    [message] = smtp_sink.messages()
    assert message["To"] == "ada@example.org"
    assert message["From"] == "CRM <crm@localhost>"
    assert message["Subject"] == "Welcome, Ada Lovelace"
    assert message["Message-ID"] == "<n-1@crm.notifications>"
    assert message["Date"]
    assert message["X-Sink-Rcpt-To"] == "ada@example.org"  # the envelope recipient, not just the header
    assert message.get_content() == "Dear Ada Lovelace,\n\nhello.\n"


def test_without_tls_configured_a_server_that_offers_no_starttls_is_enough(scripted_smtp):
    server = scripted_smtp()  # aiosmtpd without a TLS context does not advertise STARTTLS

    mailer(server.port, tls="none").send(EMAIL)

    assert server.handler.over_tls == [False]
    assert server.handler.commands == ["EHLO", "RCPT", "DATA"]


def test_starttls_is_only_attempted_when_configured(scripted_smtp):
    server = scripted_smtp()

    with pytest.raises(SendError, match="STARTTLS"):
        mailer(server.port, tls="starttls").send(EMAIL)

    assert server.handler.accepted == []  # never sent in clear when TLS was asked for


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_a_4xx_answer_is_a_transient_failure(scripted_smtp, stage):
    server = scripted_smtp(always="450 try later", stage=stage)

    with pytest.raises(SendError) as raised:
        mailer(server.port).send(EMAIL)

    assert raised.value.transient is True
    assert "450" in raised.value.reason and "try later" in raised.value.reason
    assert server.handler.accepted == []


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_a_5xx_answer_is_a_permanent_failure(scripted_smtp, stage):
    server = scripted_smtp(always="550 no such user", stage=stage)

    with pytest.raises(SendError) as raised:
        mailer(server.port).send(EMAIL)

    assert raised.value.transient is False
    assert "550" in raised.value.reason and "no such user" in raised.value.reason
    assert server.handler.accepted == []


def test_nothing_listening_is_a_transient_failure():
    with pytest.raises(SendError) as raised:
        mailer(free_port()).send(EMAIL)

    assert raised.value.transient is True
    assert "Connection" in raised.value.reason or "refused" in raised.value.reason


def test_a_server_recovering_after_a_refusal_accepts_the_same_message(scripted_smtp):
    server = scripted_smtp(answers=["451 local error, try later"])
    with pytest.raises(SendError) as raised:
        mailer(server.port).send(EMAIL)
    assert raised.value.transient is True

    mailer(server.port).send(EMAIL)

    [message] = server.handler.accepted
    assert message["Message-ID"] == "<n-1@crm.notifications>"


@pytest.mark.parametrize(
    "email",
    [
        Email(to="ada@example.org", subject="Welcome, Ada\nLovelace", body="Dear Ada", message_id="<n-2@crm.notifications>"),
        Email(to="ada@example.org\r\nBcc: eve@example.org", subject="Welcome", body="Dear Ada", message_id="<n-3@crm.notifications>"),
    ],
    ids=["line-break-in-subject", "header-injection-in-recipient"],
)
def test_a_message_no_server_could_ever_take_is_a_permanent_failure(scripted_smtp, email):
    server = scripted_smtp()

    with pytest.raises(SendError) as raised:
        mailer(server.port).send(email)

    assert raised.value.transient is False
    assert "linefeed" in raised.value.reason
    assert server.handler.accepted == [] and server.handler.commands == []  # refused before connecting
