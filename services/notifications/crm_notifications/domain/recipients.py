"""What notifications knows of a person: a replica kept current from contacts' events."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from crm_chassis.access import Audience


@dataclass(frozen=True)
class ConsentRecord:
    granted: bool
    recorded_at: datetime


@dataclass(frozen=True)
class Recipient:
    person_id: str
    given_name: str = ""
    family_name: str = ""
    salutation: str = ""
    language: str = ""
    time_zone: str = ""
    emails: tuple[str, ...] = ()
    mobile_phones: tuple[str, ...] = ()
    other_phones: tuple[str, ...] = ()
    fax_numbers: tuple[str, ...] = ()
    postal_address: tuple[str, ...] = ()  # printable lines, without the name
    consents: dict[tuple[str, str], ConsentRecord] = field(default_factory=dict)  # (channel, purpose)
    audience: Audience = Audience()
    known: bool = True  # False while only consent events have arrived for this person

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    def address_for(self, channel: str) -> str:
        """Where a message of `channel` goes, or "" when the person has no such address."""
        if channel == "email":
            return self.emails[0] if self.emails else ""
        if channel == "sms":
            return self.mobile_phones[0] if self.mobile_phones else ""
        if channel == "phone":
            phones = self.mobile_phones + self.other_phones
            return phones[0] if phones else ""
        if channel == "fax":
            return self.fax_numbers[0] if self.fax_numbers else ""
        if channel == "letter":
            return "\n".join(self.postal_address)
        return ""

    def consent(self, channel: str, purpose: str) -> bool | None:
        record = self.consents.get((channel, purpose))
        return None if record is None else record.granted

    def with_consent(self, channel: str, purpose: str, record: ConsentRecord) -> "Recipient":
        """The newer record wins, so events arriving out of order cannot undo a later change."""
        current = self.consents.get((channel, purpose))
        if current is not None and current.recorded_at > record.recorded_at:
            return self
        return replace(self, consents={**self.consents, (channel, purpose): record})

    def merged_into(self, newer: "Recipient") -> "Recipient":
        """`newer`'s details with the most recent of both sides' consents."""
        merged = newer
        for (channel, purpose), record in self.consents.items():
            merged = merged.with_consent(channel, purpose, record)
        return merged

    def template_context(self) -> dict[str, str]:
        return {
            "id": self.person_id,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "display_name": self.display_name,
            "salutation": self.salutation or (f"Dear {self.display_name}" if self.display_name else "Hello"),
            "language": self.language,
        }
