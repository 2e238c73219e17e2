"""The REST API's JSON documents: what callers send and what they get back."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

EmailKind = Literal["work", "personal", "other"]
PhoneKind = Literal["work", "mobile", "home", "fax", "other"]
Channel = Literal["email", "sms", "phone", "letter", "fax"]
Purpose = Literal["marketing", "service"]
# Answers may carry "unspecified" (a record written without one, or a value newer than this gateway).
EmailKindOut = Literal["unspecified", "work", "personal", "other"]
PhoneKindOut = Literal["unspecified", "work", "mobile", "home", "fax", "other"]
ChannelOut = Literal["unspecified", "email", "sms", "phone", "letter", "fax"]
PurposeOut = Literal["unspecified", "marketing", "service"]
NotificationStatus = Literal["unspecified", "queued", "sending", "sent", "failed", "skipped"]


class _Input(BaseModel):
    # An unknown field is more likely a typo than something to ignore silently.
    model_config = ConfigDict(extra="forbid")


class EmailAddressIn(_Input):
    address: str = Field(description="An email address; the contacts service checks and normalises it.", examples=["ada@example.com"])
    kind: EmailKind = Field(description="What the address is used for.", examples=["work"])


class PhoneNumberIn(_Input):
    number: str = Field(description="E.164, or a national number of the contacts service's default region.", examples=["+442071838750"])
    kind: PhoneKind = Field(description="What kind of line it is.", examples=["mobile"])


class ConsentIn(_Input):
    channel: Channel = Field(description="The way of reaching the person the consent is about.", examples=["email"])
    purpose: Purpose = Field(description="Why the person may be contacted.", examples=["marketing"])
    granted: bool = Field(description="True when given, false when refused or withdrawn.", examples=[True])
    source: str = Field("", description="Where the consent was collected.", examples=["web form"])
    record_time: AwareDatetime | None = Field(
        None,
        description="When it was given or withdrawn (RFC 3339); the time of the request when omitted.",
        examples=["2024-05-01T09:30:00Z"],
    )


class PersonCreate(_Input):
    """A new person."""

    given_name: str = Field("", description="Given (first) name.", examples=["Ada"])
    family_name: str = Field("", description="Family (last) name.", examples=["Lovelace"])
    emails: list[EmailAddressIn] = Field(default_factory=list, description="Email addresses, preferred first.")
    phones: list[PhoneNumberIn] = Field(default_factory=list, description="Phone numbers, preferred first.")
    consents: list[ConsentIn] = Field(default_factory=list, description="Consents given or refused so far.")
    team: str = Field("", description="The team the record belongs to; the caller's own team when empty.", examples=["emea-sales"])
    territory: str = Field("", description="The territory the record belongs to; the caller's own when empty.", examples=["uk"])

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "given_name": "Ada",
                    "family_name": "Lovelace",
                    "emails": [{"address": "ada@example.com", "kind": "work"}],
                    "phones": [{"number": "+442071838750", "kind": "mobile"}],
                    "consents": [{"channel": "email", "purpose": "marketing", "granted": True, "source": "web form"}],
                }
            ]
        }
    )


class EmailAddress(BaseModel):
    address: str = Field(description="Normalised (domain lower-cased).", examples=["ada@example.com"])
    kind: EmailKindOut = Field(examples=["work"])


class PhoneNumber(BaseModel):
    number: str = Field(description="E.164.", examples=["+442071838750"])
    kind: PhoneKindOut = Field(examples=["mobile"])


class Consent(BaseModel):
    channel: ChannelOut = Field(examples=["email"])
    purpose: PurposeOut = Field(examples=["marketing"])
    granted: bool = Field(examples=[True])
    source: str = Field(description="Where the consent was collected.", examples=["web form"])
    record_time: datetime | None = Field(description="When it was given or withdrawn (RFC 3339, UTC).", examples=["2024-05-01T09:30:00Z"])


class Person(BaseModel):
    id: str = Field(description="Assigned by the contacts service.", examples=["0b6f4c1e-9c8e-4b59-8d0e-7f1d6c2a9e11"])
    given_name: str = Field(examples=["Ada"])
    family_name: str = Field(examples=["Lovelace"])
    emails: list[EmailAddress]
    phones: list[PhoneNumber]
    consents: list[Consent]
    owner: str = Field(description="The user that created the record (the token's subject).", examples=["alice"])
    team: str = Field(examples=["emea-sales"])
    territory: str = Field(examples=["uk"])
    create_time: datetime | None = Field(description="RFC 3339, UTC.", examples=["2024-05-01T09:30:00Z"])
    update_time: datetime | None = Field(description="RFC 3339, UTC.", examples=["2024-05-01T09:30:00Z"])


class PersonList(BaseModel):
    persons: list[Person]
    next_page_token: str = Field(description="Pass as page_token for the next page; empty on the last page.", examples=[""])


class StatusChange(BaseModel):
    status: NotificationStatus = Field(examples=["sent"])
    reason: str = Field(examples=[""])
    change_time: datetime | None = Field(description="RFC 3339, UTC.", examples=["2024-05-01T09:30:02Z"])


class Notification(BaseModel):
    id: str = Field(examples=["5d1c7a0e-3f2b-4c1d-9a8e-2b7c6d5e4f30"])
    channel: ChannelOut = Field(examples=["email"])
    recipient: str = Field(description="The address it goes (or would go) to.", examples=["ada@example.com"])
    template: str = Field(description="The template it was rendered from.", examples=["welcome"])
    subject: str = Field(examples=["Welcome, Ada"])
    status: NotificationStatus = Field(examples=["sent"])
    reason: str = Field(description="Why it was skipped or failed; empty otherwise.", examples=[""])
    attempts: int = Field(examples=[1])
    create_time: datetime | None = Field(description="RFC 3339, UTC.", examples=["2024-05-01T09:30:01Z"])
    send_time: datetime | None = Field(description="RFC 3339, UTC; null until sent.", examples=["2024-05-01T09:30:02Z"])
    history: list[StatusChange] = Field(description="Status changes, oldest first.")


class PersonView(BaseModel):
    """A person with the notifications sent to them, composed from two services."""

    person: Person
    notifications: list[Notification] | None = Field(
        description="The person's most recent notifications, newest first; null when they could not be fetched."
    )
    partial: list[Literal["notifications"]] = Field(
        default_factory=list, description="The parts that could not be fetched and are null; empty when complete."
    )


class FieldViolation(BaseModel):
    field: str = Field(description="Path of the bad field in the request body or query.", examples=["emails[0].address"])
    description: str = Field(examples=["is not an email address"])


class ErrorDetail(BaseModel):
    code: str = Field(description="A gRPC canonical code name.", examples=["INVALID_ARGUMENT"])
    message: str = Field(examples=["invalid request: emails[0].address: is not an email address"])
    field_violations: list[FieldViolation] = Field(
        default_factory=list, description="Every bad field at once; empty unless INVALID_ARGUMENT."
    )


class ErrorResponse(BaseModel):
    """The shape of every error answer."""

    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    checks: dict[str, str] = Field(description="grpc.health.v1 status of each downstream service.", examples=[{"contacts": "SERVING"}])
