"""The welcome rule: who gets the email, who is skipped and why; its text comes from the `welcome` template."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crm_chassis.access import Audience
from crm_notifications.domain import events, welcome
from crm_notifications.domain.model import QUEUED, SKIPPED
from crm_notifications.domain.recipients import ConsentRecord, Recipient

AUDIENCE = Audience("alice", "north-team", "north")
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def person(granted: set[tuple[str, str]] = frozenset({("email", "service")}), refused: set[tuple[str, str]] = frozenset(), **overrides) -> Recipient:
    consents = {key: ConsentRecord(True, T0) for key in granted} | {key: ConsentRecord(False, T0) for key in refused}
    fields = {
        "person_id": "p-1",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "emails": ("ada@example.org", "ada@work.example"),
        "consents": consents,
        "audience": AUDIENCE,
    }
    return Recipient(**(fields | overrides))


@pytest.mark.parametrize("purpose", ["service", "marketing"])
def test_a_person_with_an_address_and_any_granted_email_consent_is_queued(purpose):
    n = welcome.welcome(person(granted={("email", purpose)}))

    assert n.status == QUEUED
    assert n.reason == ""
    assert n.channel == "email"
    assert n.purpose == "service"
    assert n.template == "welcome"
    assert n.recipient == "ada@example.org"  # the first address
    assert n.person_id == "p-1"
    assert n.audience == AUDIENCE
    assert n.attempts == 0
    assert n.next_attempt_at == n.created_at  # due at once
    assert n.language == ""  # the person's language decides when it is sent
    assert (n.subject, n.body) == ("", "")  # rendered from the template at send time
    assert [(c.status, c.reason) for c in n.history] == [(QUEUED, "")]
    assert n.events == []  # queuing is no news; sending or failing is


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"emails": ()}, "the person has no email address"),
        ({"emails": (), "granted": set()}, "the person has no email address"),
        ({"granted": set()}, "the person has not consented to email"),
        ({"granted": set(), "refused": {("email", "service"), ("email", "marketing")}}, "the person has not consented to email"),
        ({"granted": {("sms", "service"), ("letter", "marketing"), ("phone", "service")}}, "the person has not consented to email"),
    ],
    ids=["no-address", "no-address-no-consent", "no-consent", "refused", "consent-on-other-channels-only"],
)
def test_without_an_address_or_an_email_consent_it_is_skipped_with_the_reason(overrides, reason):
    n = welcome.welcome(person(**overrides))

    assert n.status == SKIPPED
    assert n.reason == reason
    assert n.subject == "" and n.body == ""  # nothing is rendered for a message that is never sent
    assert n.next_attempt_at is None
    assert [(c.status, c.reason) for c in n.history] == [(SKIPPED, reason)]
    assert len(n.events) == 1
    assert isinstance(n.events[0], events.NotificationSkipped)
    assert n.events[0].notification is n


def test_the_idempotency_key_is_one_per_person_and_template():
    first, again, other = welcome.welcome(person()), welcome.welcome(person(granted=set())), welcome.welcome(person(person_id="p-2"))

    assert first.idempotency_key == again.idempotency_key == welcome.idempotency_key("p-1") == "welcome:p-1"
    assert other.idempotency_key == "welcome:p-2"
    assert first.id != again.id  # the key, not the id, makes a second welcome a duplicate
