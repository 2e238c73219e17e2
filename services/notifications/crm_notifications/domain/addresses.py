"""Addresses per channel, checked and normalised, so suppression and deduplication compare like with like."""
from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

MAX_POSTAL_LENGTH = 1000


def normalize(channel: str, address: str) -> str:
    """The canonical form of `address` for `channel`; ValueError says what is wrong with it."""
    address = address.strip()
    if not address:
        raise ValueError("must not be empty")
    if channel == "email":
        try:
            return validate_email(address, check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            raise ValueError(f"{address!r} is not an email address: {exc}") from None
    if channel in ("sms", "phone", "fax"):
        try:
            number = phonenumbers.parse(address, None)
        except phonenumbers.NumberParseException:
            raise ValueError(f"{address!r} is not an E.164 number such as +40721234567") from None
        if not phonenumbers.is_valid_number(number):
            raise ValueError(f"{address!r} is not a valid phone number")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if channel == "letter":
        if len(address) > MAX_POSTAL_LENGTH:
            raise ValueError(f"a postal address must be at most {MAX_POSTAL_LENGTH} characters")
        lines = [line.strip() for line in address.splitlines() if line.strip()]
        if len(lines) < 2:
            raise ValueError("a postal address needs at least two lines (street, town)")
        return "\n".join(lines)
    raise ValueError(f"unknown channel {channel!r}")
