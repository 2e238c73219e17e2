"""Decided at send time: consent (from contacts' events, newest wins), suppressions and unsubscribe links, quiet hours."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from notifications_support import (
    ADMIN,
    add_template,
    change_consent,
    contacts_person,
    deliver,
    deliver_due,
    load,
    person_created,
    send,
)

from crm.contacts.v1 import contacts_pb2 as contacts_pb
from crm_chassis.errors import InvalidArgument, NotFound
from crm_notifications.domain.model import QUEUED, SENT, SKIPPED, utcnow
from crm_notifications.service_layer import handlers

EMAIL, SMS = contacts_pb.CHANNEL_EMAIL, contacts_pb.CHANNEL_SMS
MARKETING, SERVICE = contacts_pb.PURPOSE_MARKETING, contacts_pb.PURPOSE_SERVICE
T0 = datetime(2026, 1, 1, tzinfo=UTC)
UNSUBSCRIBE_URL = "https://crm.example/v1/unsubscribe"


@pytest.fixture
def app(make_app, smtp_sink):
    app = make_app(smtp_sink.port, unsubscribe_url=UNSUBSCRIBE_URL)
    add_template(app, "offer", "Hello {{ person.given_name }}, spring is here.\nUnsubscribe: {{ unsubscribe_url }}\n", subject="Spring offer")
    add_template(app, "invoice", "Your invoice {{ number }}.", subject="Invoice {{ number }}")
    return app


def person(app, person_id: str = "p-1", *, email: str = "ada@example.org", consents=(), **fields) -> str:
    """A person known from PersonCreated, without the email service consent the welcome needs (so no welcome)."""
    person_created(app, contacts_person(person_id=person_id, email=email, consent=None, consents=list(consents), **fields))
    return person_id


def offer(app, person_id: str = "p-1"):
    return send(app, purpose="marketing", template="offer", person_id=person_id)


def invoice(app, person_id: str = "p-1", **target):
    return send(app, purpose="service", template="invoice", person_id=person_id if not target else "", variables={"number": "F-1"}, **target)


def settle(app, n) -> tuple[str, str]:
    deliver(app, n.id)
    found = load(app, n.id)
    return found.status, found.reason


# -- consent -------------------------------------------------------------------------------------------------


def test_marketing_needs_consent_granted_for_its_channel(app, smtp_sink):
    person(app, "p-yes", email="yes@example.org", consents=[(EMAIL, MARKETING, True, T0)])
    person(app, "p-none", email="none@example.org", consents=[(SMS, MARKETING, True, T0), (EMAIL, SERVICE, True, T0)])
    person(app, "p-no", email="no@example.org", consents=[(EMAIL, MARKETING, False, T0)])

    assert settle(app, offer(app, "p-yes")) == (SENT, "")
    assert settle(app, offer(app, "p-none")) == (SKIPPED, "no marketing consent for email")
    assert settle(app, offer(app, "p-no")) == (SKIPPED, "marketing by email was refused")
    assert [m["X-Sink-Rcpt-To"] for m in smtp_sink.messages()] == ["yes@example.org"]


def test_service_messages_go_unless_service_was_refused_for_the_channel(app, smtp_sink):
    person(app, "p-none", email="none@example.org")
    person(app, "p-no-marketing", email="nm@example.org", consents=[(EMAIL, MARKETING, False, T0)])
    person(app, "p-no", email="no@example.org", consents=[(EMAIL, SERVICE, False, T0)])

    assert settle(app, invoice(app, "p-none")) == (SENT, "")
    assert settle(app, invoice(app, "p-no-marketing")) == (SENT, "")
    assert settle(app, invoice(app, "p-no")) == (SKIPPED, "service messages by email were refused")


def test_marketing_to_a_bare_address_is_never_sent(app, smtp_sink):
    n = send(app, purpose="marketing", template="offer", address="ada@example.org")

    assert settle(app, n) == (SKIPPED, "marketing needs a person of the customer file who consented")
    assert smtp_sink.messages() == []


def test_consent_withdrawn_after_the_request_but_before_the_send_stops_it(app, smtp_sink):
    person(app, consents=[(EMAIL, MARKETING, True, T0)])
    n = offer(app)

    assert change_consent(app, "p-1", "email", "marketing", False, T0 + timedelta(days=1)) is True

    assert settle(app, n) == (SKIPPED, "marketing by email was refused")
    assert smtp_sink.messages() == []


def test_consent_events_out_of_order_keep_the_newest_and_a_redelivered_event_is_ignored(app, smtp_sink):
    person(app)  # no marketing consent yet
    withdrawn, granted = T0 + timedelta(hours=2), T0 + timedelta(hours=1)

    assert change_consent(app, "p-1", "email", "marketing", False, withdrawn, event_id="e-withdraw") is True
    assert change_consent(app, "p-1", "email", "marketing", True, granted, event_id="e-grant") is True  # older: no effect
    assert change_consent(app, "p-1", "email", "marketing", True, granted, event_id="e-grant") is False  # the same event again

    assert settle(app, offer(app)) == (SKIPPED, "marketing by email was refused")
    change_consent(app, "p-1", "email", "marketing", True, withdrawn + timedelta(minutes=1))
    assert settle(app, offer(app)) == (SENT, "")


def test_consent_that_arrives_before_the_person_is_kept_when_the_person_arrives(app, smtp_sink):
    later = utcnow()
    change_consent(app, "p-1", "email", "marketing", True, later)  # ConsentChanged overtook PersonCreated
    n = offer(app)
    assert settle(app, n) == (QUEUED, "waiting for the person's details from contacts")

    person(app, consents=[(EMAIL, MARKETING, False, later - timedelta(days=1))])  # contacts' older snapshot

    assert deliver_due(app, clock=lambda: utcnow() + timedelta(seconds=31)).tried == 2  # the consent earned a welcome, too
    assert load(app, n.id).status == SENT


# -- suppressions -----------------------------------------------------------------------------------------------


def test_an_unsubscribe_stops_marketing_only_and_a_bounce_stops_everything(app, smtp_sink):
    person(app, "p-1", email="ada@example.org", consents=[(EMAIL, MARKETING, True, T0)])
    person(app, "p-2", email="grace@example.org", consents=[(EMAIL, MARKETING, True, T0)])
    handlers.add_suppression("email", "ADA@Example.org", "unsubscribed", True, app.uow())  # normalised, as the person's address is
    handlers.add_suppression("email", "grace@example.org", "bounced", False, app.uow())

    assert settle(app, offer(app, "p-1")) == (SKIPPED, "ada@example.org is suppressed for email (unsubscribed)")
    assert settle(app, invoice(app, "p-1")) == (SENT, "")
    assert settle(app, offer(app, "p-2")) == (SKIPPED, "grace@example.org is suppressed for email (bounced)")
    assert settle(app, invoice(app, "p-2")) == (SKIPPED, "grace@example.org is suppressed for email (bounced)")
    assert settle(app, invoice(app, address="Grace@example.org")) == (SKIPPED, "grace@example.org is suppressed for email (bounced)")

    handlers.delete_suppression("email", "Grace@Example.org", app.uow())
    assert settle(app, invoice(app, "p-2")) == (SENT, "")
    with pytest.raises(NotFound):
        handlers.delete_suppression("email", "grace@example.org", app.uow())


def test_adding_a_suppression_reports_every_bad_field_and_listing_pages_by_channel(app):
    with pytest.raises(InvalidArgument) as raised:
        handlers.add_suppression(None, "x", "because", False, app.uow())
    assert [v.field for v in raised.value.violations] == ["suppression.channel", "suppression.reason"]
    with pytest.raises(InvalidArgument) as raised:
        handlers.add_suppression("sms", "0721", "manual", False, app.uow())
    assert [v.field for v in raised.value.violations] == ["suppression.address"]

    for address in ("c@example.org", "a@example.org", "b@example.org"):
        handlers.add_suppression("email", address, "complaint", False, app.uow())
    handlers.add_suppression("sms", "+40721234567", "manual", False, app.uow())

    first, token = handlers.list_suppressions("email", 2, "", app.uow())
    second, last = handlers.list_suppressions("email", 2, token, app.uow())
    assert [s.address for s in first + second] == ["a@example.org", "b@example.org", "c@example.org"] and last == ""
    assert [(s.channel, s.address) for s in handlers.list_suppressions("", 0, "", app.uow())[0]] == [
        ("email", "a@example.org"), ("email", "b@example.org"), ("email", "c@example.org"), ("sms", "+40721234567"),
    ]


def test_the_unsubscribe_link_of_a_marketing_email_suppresses_its_address_for_marketing(app, smtp_sink):
    person(app, consents=[(EMAIL, MARKETING, True, T0)])

    assert settle(app, offer(app)) == (SENT, "")

    [message] = smtp_sink.messages()
    link = re.search(r"Unsubscribe: (\S+)", message.get_content()).group(1)
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.startswith(UNSUBSCRIBE_URL + "?token=")
    [token] = parse_qs(urlsplit(link).query)["token"]

    suppression = handlers.unsubscribe(token, app.uow(), app.rules)

    assert (suppression.channel, suppression.address, suppression.reason, suppression.marketing_only) == ("email", "ada@example.org", "unsubscribed", True)
    again = handlers.unsubscribe(token, app.uow(), app.rules)  # clicking twice is harmless
    assert (again.address, again.reason, again.marketing_only) == ("ada@example.org", "unsubscribed", True)
    assert len(handlers.list_suppressions("email", 0, "", app.uow())[0]) == 1
    assert settle(app, offer(app)) == (SKIPPED, "ada@example.org is suppressed for email (unsubscribed)")
    assert settle(app, invoice(app)) == (SENT, "")
    [service] = [m for m in smtp_sink.messages() if m["Subject"] == "Invoice F-1"]  # (the sink's order is not arrival order)
    assert "List-Unsubscribe" not in service  # a service message carries no unsubscribe link
    with pytest.raises(InvalidArgument) as raised:  # so a service request cannot use a template that shows one
        send(app, purpose="service", template="offer", person_id="p-1")
    assert [v.field for v in raised.value.violations] == ["variables.unsubscribe_url"]


def test_an_unsubscribe_does_not_narrow_a_bounce(app):
    handlers.add_suppression("email", "ada@example.org", "bounced", False, app.uow())
    token = handlers.unsubscribe_token(app.rules.unsubscribe_secret, "email", "ada@example.org")

    kept = handlers.unsubscribe(token, app.uow(), app.rules)

    assert (kept.reason, kept.marketing_only) == ("bounced", False)


def test_a_forged_or_garbled_token_is_refused_naming_the_token(app):
    genuine = handlers.unsubscribe_token(app.rules.unsubscribe_secret, "email", "ada@example.org")
    other_secret = handlers.unsubscribe_token(b"someone else's secret", "email", "ada@example.org")
    tampered = handlers.unsubscribe_token(app.rules.unsubscribe_secret, "email", "ada@example.org")[:-4] + "AAAA"
    forged_payload = handlers.unsubscribe_token(b"", "email", "victim@example.org")

    for token in (other_secret, tampered, forged_payload, "", "not base64 !!", "c2hvcnQ", genuine + "x"):
        with pytest.raises(InvalidArgument) as raised:
            handlers.unsubscribe(token, app.uow(), app.rules)
        assert [v.field for v in raised.value.violations] == ["token"], token
    assert handlers.list_suppressions("", 0, "", app.uow())[0] == []


def test_without_a_secret_no_link_is_sent_and_no_token_is_accepted(make_app, smtp_sink, tmp_path):
    app = make_app(smtp_sink.port, unsubscribe_secret_file=tmp_path / "missing.secret")
    add_template(app, "offer", "Spring is here.", subject="Spring offer")
    person(app, consents=[(EMAIL, MARKETING, True, T0)])
    assert (app.rules.unsubscribe_url, app.rules.unsubscribe_secret) == ("", b"")

    assert settle(app, offer(app)) == (SENT, "")
    assert "List-Unsubscribe" not in smtp_sink.messages()[0]
    # anybody could sign a token with an empty key
    with pytest.raises(InvalidArgument):
        handlers.unsubscribe(handlers.unsubscribe_token(b"", "email", "ada@example.org"), app.uow(), app.rules)
    # and a template that shows the link cannot be filled in
    add_template(app, "offer-with-link", "Spring.\nUnsubscribe: {{ unsubscribe_url }}", subject="Spring offer")
    with pytest.raises(InvalidArgument) as raised:
        send(app, purpose="marketing", template="offer-with-link", person_id="p-1")
    assert [v.field for v in raised.value.violations] == ["variables.unsubscribe_url"]


# -- quiet hours -----------------------------------------------------------------------------------------------


def night_in(zone: str, hour: int = 23) -> datetime:
    """`hour` o'clock tomorrow evening in `zone`, as UTC (after now, so queued notifications are due)."""
    tomorrow = datetime.now(ZoneInfo(zone)) + timedelta(days=1)
    return tomorrow.replace(hour=hour, minute=0, second=0, microsecond=0).astimezone(UTC)


def morning_after(night: datetime, zone: str) -> datetime:
    """The next 08:00 in `zone` after `night`, as UTC."""
    local = night.astimezone(ZoneInfo(zone))
    morning = local.replace(hour=8, minute=0, second=0, microsecond=0)
    return (morning if morning > local else morning + timedelta(days=1)).astimezone(UTC)


def test_quiet_hours_defer_to_the_end_of_the_recipients_night_without_counting_an_attempt(make_app, smtp_sink):
    app = make_app(smtp_sink.port, quiet_hours_email="21:00-08:00", default_time_zone="UTC")
    add_template(app, "invoice", "Your invoice.", subject="Invoice")
    person(app, time_zone="Asia/Tokyo")
    night = night_in("Asia/Tokyo")  # 14:00 UTC, the afternoon in UTC
    morning = morning_after(night, "Asia/Tokyo")
    n = invoice(app)

    assert deliver(app, n.id, clock=lambda: night) == QUEUED

    waiting = load(app, n.id)
    assert (waiting.next_attempt_at, waiting.attempts) == (morning, 0)
    assert waiting.reason == f"quiet hours in the recipient's time zone until {morning.isoformat(timespec='minutes')}"
    assert deliver_due(app, clock=lambda: morning - timedelta(seconds=1)).tried == 0
    assert deliver_due(app, clock=lambda: morning).tried == 1
    assert (load(app, n.id).status, len(smtp_sink.messages())) == (SENT, 1)


def test_without_a_zone_of_their_own_recipients_get_the_default_zone(make_app, smtp_sink):
    app = make_app(smtp_sink.port, quiet_hours_email="21:00-08:00", default_time_zone="America/New_York")
    add_template(app, "invoice", "Your invoice.", subject="Invoice")
    person(app, "p-zoneless")
    person(app, "p-bucharest", email="b@example.org", time_zone="Europe/Bucharest")
    night = night_in("America/New_York", hour=3)  # 10:00 in Bucharest

    assert deliver(app, invoice(app, "p-zoneless").id, clock=lambda: night) == QUEUED
    assert deliver(app, invoice(app, address="bare@example.org").id, clock=lambda: night) == QUEUED
    assert deliver(app, invoice(app, "p-bucharest").id, clock=lambda: night) == SENT
    assert {n.next_attempt_at for n in handlers.list_notifications(app.uow(), ADMIN, "", 0, "", statuses=("queued",))[0]} == {
        morning_after(night, "America/New_York")
    }
