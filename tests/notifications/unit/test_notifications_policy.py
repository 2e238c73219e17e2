"""Whether and when a message may go: consent and suppression, quiet hours in the recipient's zone, the replica's consents, addresses."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from crm_notifications.domain import addresses
from crm_notifications.domain.policy import QuietHours, Suppression, skip_reason
from crm_notifications.domain.recipients import ConsentRecord, Recipient

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
UNSUBSCRIBED = Suppression("ada@example.org", "email", "unsubscribed", True, T0)
BOUNCED = Suppression("ada@example.org", "email", "bounced", False, T0)


# -- consent and suppression ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "consent", "suppression", "reason"),
    [
        ("marketing", True, None, ""),
        ("marketing", None, None, "no marketing consent for email"),
        ("marketing", False, None, "marketing by email was refused"),
        ("service", None, None, ""),
        ("service", True, None, ""),
        ("service", False, None, "service messages by email were refused"),
        ("marketing", True, UNSUBSCRIBED, "ada@example.org is suppressed for email (unsubscribed)"),
        ("service", True, UNSUBSCRIBED, ""),  # an unsubscribe stops marketing only
        ("service", None, UNSUBSCRIBED, ""),
        ("service", True, BOUNCED, "ada@example.org is suppressed for email (bounced)"),  # a bounce stops everything
        ("marketing", True, BOUNCED, "ada@example.org is suppressed for email (bounced)"),
    ],
)
def test_marketing_needs_granted_consent_service_goes_unless_refused_and_suppression_wins(purpose, consent, suppression, reason):
    assert skip_reason("email", purpose, consent, suppression) == reason


def test_the_reason_names_the_channel():
    assert skip_reason("sms", "marketing", None, None) == "no marketing consent for sms"
    assert skip_reason("phone", "service", False, None) == "service messages by phone were refused"


# -- the replica's consents ----------------------------------------------------------------------------


def test_the_newest_consent_record_wins_whatever_order_they_arrive_in():
    granted, withdrawn = ConsentRecord(True, T0), ConsentRecord(False, T0 + timedelta(minutes=5))
    person = Recipient("p-1")

    in_order = person.with_consent("sms", "marketing", granted).with_consent("sms", "marketing", withdrawn)
    out_of_order = person.with_consent("sms", "marketing", withdrawn).with_consent("sms", "marketing", granted)

    assert in_order.consent("sms", "marketing") is False
    assert out_of_order.consent("sms", "marketing") is False
    assert out_of_order.consent("sms", "service") is None  # per channel and purpose
    assert person.consent("sms", "marketing") is None  # immutable: a new Recipient each time


def test_merging_takes_the_newer_details_and_the_newest_consent_of_either_side():
    earlier = Recipient("p-1", known=False, consents={
        ("email", "marketing"): ConsentRecord(False, T0 + timedelta(hours=1)),  # withdrawn after contacts' snapshot
        ("sms", "service"): ConsentRecord(True, T0 - timedelta(days=1)),
    })
    snapshot = Recipient("p-1", given_name="Ada", emails=("ada@example.org",), consents={
        ("email", "marketing"): ConsentRecord(True, T0),
        ("sms", "service"): ConsentRecord(False, T0),
    })

    merged = earlier.merged_into(snapshot)

    assert (merged.given_name, merged.emails, merged.known) == ("Ada", ("ada@example.org",), True)
    assert merged.consent("email", "marketing") is False
    assert merged.consent("sms", "service") is False


@pytest.mark.parametrize(
    ("fields", "salutation", "display"),
    [
        ({"given_name": "Ada", "family_name": "Lovelace"}, "Dear Ada Lovelace", "Ada Lovelace"),
        ({"given_name": "Ada", "salutation": "Dear Countess"}, "Dear Countess", "Ada"),
        ({}, "Hello", ""),
    ],
)
def test_the_template_context_of_a_person(fields, salutation, display):
    context = Recipient("p-1", language="ro", **fields).template_context()

    assert (context["salutation"], context["display_name"], context["id"], context["language"]) == (salutation, display, "p-1", "ro")


def test_phone_calls_go_to_the_mobile_first_then_other_numbers():
    assert Recipient("p", other_phones=("+40211111111",)).address_for("phone") == "+40211111111"
    assert Recipient("p", mobile_phones=("+40721234567",), other_phones=("+40211111111",)).address_for("phone") == "+40721234567"
    assert Recipient("p", other_phones=("+40211111111",)).address_for("sms") == ""  # a landline takes no SMS


# -- quiet hours --------------------------------------------------------------------------------------------

NIGHT = QuietHours(time(21), time(8))


@pytest.mark.parametrize(
    ("now", "until"),
    [
        (datetime(2026, 1, 15, 20, 30, tzinfo=UTC), datetime(2026, 1, 16, 6, 0, tzinfo=UTC)),  # 22:30 in Bucharest (UTC+2)
        (datetime(2026, 1, 15, 5, 30, tzinfo=UTC), datetime(2026, 1, 15, 6, 0, tzinfo=UTC)),  # 07:30 there: until 08:00 today
        (datetime(2026, 1, 15, 19, 0, tzinfo=UTC), datetime(2026, 1, 16, 6, 0, tzinfo=UTC)),  # 21:00 sharp is inside
        (datetime(2026, 1, 15, 18, 59, tzinfo=UTC), None),  # 20:59
        (datetime(2026, 1, 15, 6, 0, tzinfo=UTC), None),  # 08:00 sharp is outside
        (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), None),
        (datetime(2026, 7, 15, 4, 30, tzinfo=UTC), datetime(2026, 7, 15, 5, 0, tzinfo=UTC)),  # summer time: UTC+3
        (datetime(2026, 3, 28, 22, 0, tzinfo=UTC), datetime(2026, 3, 29, 5, 0, tzinfo=UTC)),  # the night the clocks go forward
    ],
)
def test_quiet_hours_are_the_recipients_local_night(now, until):
    assert NIGHT.next_allowed(now, "Europe/Bucharest", "UTC") == until


def test_without_a_zone_of_its_own_the_recipient_gets_the_default_zone_and_without_a_usable_one_utc():
    now = datetime(2026, 1, 15, 23, 0, tzinfo=UTC)  # 18:00 in New York, 23:00 in UTC

    assert NIGHT.next_allowed(now, "", "America/New_York") is None
    assert NIGHT.next_allowed(now, "Mars/Olympus_Mons", "America/New_York") is None  # an unknown zone is no zone
    assert NIGHT.next_allowed(now, "", "") == datetime(2026, 1, 16, 8, 0, tzinfo=UTC)
    assert NIGHT.next_allowed(now, "", "Not/AZone") == datetime(2026, 1, 16, 8, 0, tzinfo=UTC)
    assert NIGHT.next_allowed(now, "Asia/Tokyo", "America/New_York") is None  # 08:00 in Tokyo: just over


def test_a_window_within_one_day():
    lunch = QuietHours(time(12), time(13, 30))

    assert lunch.next_allowed(datetime(2026, 1, 15, 12, 15, tzinfo=UTC), "", "UTC") == datetime(2026, 1, 15, 13, 30, tzinfo=UTC)
    assert lunch.next_allowed(datetime(2026, 1, 15, 11, 59, tzinfo=UTC), "", "UTC") is None
    assert lunch.next_allowed(datetime(2026, 1, 15, 13, 30, tzinfo=UTC), "", "UTC") is None


def test_quiet_hours_are_parsed_from_settings():
    assert QuietHours.parse("21:00-08:00") == NIGHT
    assert QuietHours.parse(" 20:30 - 09:15 ") == QuietHours(time(20, 30), time(9, 15))
    assert QuietHours.parse("") is None and QuietHours.parse("  ") is None
    for bad in ("21-8am", "21:00", "21:00-08:00-09:00", "25:00-08:00"):
        with pytest.raises(ValueError, match="is not a window"):
            QuietHours.parse(bad)
    with pytest.raises(ValueError, match="empty"):
        QuietHours.parse("08:00-08:00")


# -- addresses ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "given", "normalized"),
    [
        ("email", " Ada.Lovelace@Example.ORG ", "ada.lovelace@example.org"),
        ("sms", "+40 721 234 567", "+40721234567"),
        ("phone", "+4021 311 1111", "+40213111111"),
        ("fax", "+40213111111", "+40213111111"),
        ("letter", "  Str. Eminescu 5 \n\n 010011 București  \nRO", "Str. Eminescu 5\n010011 București\nRO"),
    ],
)
def test_addresses_are_normalised_per_channel(channel, given, normalized):
    assert addresses.normalize(channel, given) == normalized


@pytest.mark.parametrize(
    ("channel", "given", "problem"),
    [
        ("email", "", "must not be empty"),
        ("email", "ada@", "is not an email address"),
        ("sms", "0721 234 567", "is not an E.164 number"),
        ("sms", "+40 12", "is not a valid phone number"),
        ("letter", "only one line", "at least two lines"),
        ("letter", "a\n" + "b" * 1000, "at most 1000 characters"),
        ("pigeon", "loft 7", "unknown channel"),
    ],
)
def test_a_bad_address_says_what_is_wrong(channel, given, problem):
    with pytest.raises(ValueError, match=problem):
        addresses.normalize(channel, given)
