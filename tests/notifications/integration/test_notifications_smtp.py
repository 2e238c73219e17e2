"""The email channel (SmtpChannel) against real SMTP servers: what arrives, and how refusals are classified for retry."""
from __future__ import annotations

import dataclasses

import pytest

from crm_notifications.adapters.smtp import SmtpChannel, message_id
from crm_notifications.domain.channels import OutgoingMessage, Receipt, SendError
from tests.conftest import free_port

EMAIL = OutgoingMessage(
    notification_id="n-1", channel="email", recipient="ada@example.org", subject="Welcome, Ada Lovelace", text="Dear Ada Lovelace,\n\nhello.\n",
)


def mailer(port: int, **options) -> SmtpChannel:
    return SmtpChannel(host="127.0.0.1", port=port, sender="CRM <crm@localhost>", timeout=5, **options)


def test_the_sink_receives_the_message_with_its_headers_and_body(smtp_sink):
    receipt = mailer(smtp_sink.port).send(EMAIL)

    assert receipt == Receipt(provider_id="<n-1@crm.notifications>") == Receipt(provider_id=message_id("n-1"))

    [message] = smtp_sink.messages()
    assert message["To"] == "ada@example.org"
    assert message["From"] == "CRM <crm@localhost>"
    assert message["Subject"] == "Welcome, Ada Lovelace"
    assert message["Message-ID"] == "<n-1@crm.notifications>"
    assert message["Date"]
    assert message["X-Sink-Rcpt-To"] == "ada@example.org"  # the envelope recipient, not just the header
    assert message.get_content() == "Dear Ada Lovelace,\n\nhello.\n"
    assert not message.is_multipart()


def test_the_name_html_alternative_and_extra_headers_travel_with_the_message(smtp_sink):
    mailer(smtp_sink.port).send(dataclasses.replace(
        EMAIL,
        recipient_name="Ștefănescu, Ioana",
        html="<p>Dear Ada Lovelace,</p>",
        headers={"List-Unsubscribe": "<https://crm.example/u?token=abc>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    ))

    [message] = smtp_sink.messages()
    assert message["To"].addresses[0].display_name == "Ștefănescu, Ioana"
    assert message["To"].addresses[0].addr_spec == "ada@example.org"
    assert message["List-Unsubscribe"] == "<https://crm.example/u?token=abc>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(("plain",)).get_content() == "Dear Ada Lovelace,\n\nhello.\n"
    assert message.get_body(("html",)).get_content().strip() == "<p>Dear Ada Lovelace,</p>"


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
        dataclasses.replace(EMAIL, notification_id="n-2", subject="Welcome, Ada\nLovelace"),
        dataclasses.replace(EMAIL, notification_id="n-3", recipient="ada@example.org\r\nBcc: eve@example.org"),
        dataclasses.replace(EMAIL, notification_id="n-4", recipient_name="Ada\nBcc: eve@example.org"),
    ],
    ids=["line-break-in-subject", "header-injection-in-recipient", "header-injection-in-name"],
)
def test_a_message_no_server_could_ever_take_is_a_permanent_failure(scripted_smtp, email):
    server = scripted_smtp()

    with pytest.raises(SendError) as raised:
        mailer(server.port).send(email)

    assert raised.value.transient is False
    assert "linefeed" in raised.value.reason
    assert server.handler.accepted == [] and server.handler.commands == []  # refused before connecting


def test_a_kept_connection_carries_the_next_message_and_a_refusal_on_it_is_reported_not_resent(scripted_smtp):
    server = scripted_smtp()
    channel = mailer(server.port)
    channel.send(EMAIL)
    server.handler.answers = ["450 try later"]

    with pytest.raises(SendError) as raised:
        channel.send(dataclasses.replace(EMAIL, notification_id="n-2"))
    channel.send(dataclasses.replace(EMAIL, notification_id="n-3"))

    assert raised.value.transient is True and "450" in raised.value.reason  # for the retry policy, with its backoff
    assert [m["Message-ID"] for m in server.handler.accepted] == ["<n-1@crm.notifications>", "<n-3@crm.notifications>"]
    assert server.handler.refused == ["450 try later"]
    assert server.handler.commands.count("EHLO") == 1  # one connection for all three
