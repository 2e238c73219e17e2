"""The REST API's JSON documents: what callers send and what they get back."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_serializer, model_validator
from pydantic_core import PydanticCustomError

EmailKind = Literal["work", "personal", "other"]
PhoneKind = Literal["work", "mobile", "home", "fax", "other"]
Channel = Literal["email", "sms", "phone", "letter", "fax"]
Purpose = Literal["marketing", "service"]
AddressKind = Literal["home", "work", "billing", "shipping", "other"]
# Answers may carry "unspecified" (a record written without one, or a value newer than this gateway).
EmailKindOut = Literal["unspecified", "work", "personal", "other"]
PhoneKindOut = Literal["unspecified", "work", "mobile", "home", "fax", "other"]
ChannelOut = Literal["unspecified", "email", "sms", "phone", "letter", "fax"]
PurposeOut = Literal["unspecified", "marketing", "service"]
AddressKindOut = Literal["unspecified", "home", "work", "billing", "shipping", "other"]
NotificationStatusIn = Literal["queued", "sending", "sent", "delivered", "failed", "skipped"]
NotificationStatus = Literal["unspecified", "queued", "sending", "sent", "delivered", "failed", "skipped"]
PhoneOutcome = Literal["reached", "no_answer", "call_back", "refused", "interested"]
PhoneOutcomeOut = Literal["unspecified", "reached", "no_answer", "call_back", "refused", "interested"]
SuppressionReason = Literal["unsubscribed", "bounced", "complaint", "manual"]
Lifecycle = Literal["prospect", "customer", "former"]
LifecycleOut = Literal["unspecified", "prospect", "customer", "former"]
OriginKind = Literal["advert", "partner", "website", "fair", "campaign", "referral", "event", "import", "other"]
OriginKindOut = Literal["unspecified", "advert", "partner", "website", "fair", "campaign", "referral", "event", "import", "other"]
Variables = dict[str, str]


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


class ConsentUpdate(_Input):
    """The answer for the consent the path names."""

    granted: bool = Field(description="True when given, false when refused or withdrawn.", examples=[True])
    source: str = Field("", description="Where the consent was collected.", examples=["web form"])
    record_time: AwareDatetime | None = Field(
        None,
        description="When it was given or withdrawn (RFC 3339); the time of the request when omitted.",
        examples=["2024-05-01T09:30:00Z"],
    )


class PostalAddressIn(_Input):
    kind: AddressKind = Field(description="What the address is used for.", examples=["home"])
    lines: list[str] = Field(
        default_factory=list, description="Street, number, building: one line each (at most 5).", examples=[["Strada Lipscani 12", "Ap. 3"]]
    )
    postal_code: str = Field("", examples=["030031"])
    city: str = Field("", description="An address needs at least a line or a city.", examples=["Bucharest"])
    region: str = Field("", description="State, county or province.", examples=["Bucharest"])
    country: str = Field(description="ISO 3166-1 alpha-2; stored upper-case.", examples=["RO"])


class OriginIn(_Input):
    kind: OriginKind = Field(description="Where the record came from.", examples=["fair"])
    detail: str = Field("", description="E.g. the fair's name or the partner; at most 200 characters.", examples=["Expo 2024"])
    campaign_id: str = Field("", description="The marketing campaign's id, when there was one.", examples=[""])


class Origin(BaseModel):
    kind: OriginKindOut = Field(examples=["fair"])
    detail: str = Field(examples=["Expo 2024"])
    campaign_id: str = Field(examples=[""])


class Money(_Input):
    amount_minor: int = Field(description="Integer minor units (cents): 12.50 EUR is 1250.", examples=[1250])
    currency: str = Field(description="ISO 4217, e.g. RON, EUR.", examples=["EUR"])


class Anniversary(_Input):
    label: str = Field(description="1..100 characters, unique per person.", examples=["wedding"])
    date: str = Field(description="YYYY-MM-DD.", examples=["2015-06-20"])


_VALUE_MEMBERS = ("text", "number", "money", "date", "bool_value", "choice", "choices")


class CustomFieldValue(_Input):
    """One custom field value: exactly the member of the field's type (none, or an empty text or list, removes the value)."""

    text: str | None = Field(None, description="text fields.", examples=["normal"])
    number: str | None = Field(None, description="number fields: a decimal string, never floating point.", examples=["12.5"])
    money: Money | None = Field(None, description="money fields.")
    date: str | None = Field(None, description="date fields: YYYY-MM-DD.", examples=["2024-01-31"])
    bool_value: bool | None = Field(None, description="bool fields.", examples=[True])
    choice: str | None = Field(None, description="choice fields: an option's key.", examples=["gold"])
    choices: list[str] | None = Field(None, description="multi_choice fields: option keys, in order.", examples=[["a", "b"]])

    model_config = ConfigDict(json_schema_extra={"examples": [{"number": "12.5"}, {"choices": ["hotels", "spa"]}]})

    @model_validator(mode="after")
    def _one_member(self) -> "CustomFieldValue":
        if sum(getattr(self, name) is not None for name in _VALUE_MEMBERS) > 1:
            raise PydanticCustomError("custom_field_value", "must set at most one of " + ", ".join(_VALUE_MEMBERS))
        return self

    @model_serializer(mode="wrap")
    def _only_the_member(self, handler):
        # Answers carry the one member that is set, as requests do.
        return {name: value for name, value in handler(self).items() if value is not None}


class PersonCreate(_Input):
    """A new person."""

    given_name: str = Field("", description="Given (first) name.", examples=["Ada"])
    family_name: str = Field("", description="Family (last) name.", examples=["Lovelace"])
    emails: list[EmailAddressIn] = Field(default_factory=list, description="Email addresses, preferred first.")
    phones: list[PhoneNumberIn] = Field(default_factory=list, description="Phone numbers, preferred first.")
    consents: list[ConsentIn] = Field(default_factory=list, description="Consents given or refused so far.")
    team: str = Field("", description="The team the record belongs to; the caller's own team when empty.", examples=["emea-sales"])
    territory: str = Field("", description="The territory the record belongs to; the caller's own when empty.", examples=["uk"])
    salutation: str = Field(
        "", description="How letters and emails address the person; empty leaves the choice to each sender.", examples=["Dear Ms Lovelace"]
    )
    preferred_language: str = Field("", description="A BCP 47 language tag; stored in canonical case.", examples=["en-GB"])
    time_zone: str = Field("", description="An IANA time zone; quiet hours follow it.", examples=["Europe/London"])
    addresses: list[PostalAddressIn] = Field(default_factory=list, description="Postal addresses, preferred first.")
    birth_date: str = Field("", description="YYYY-MM-DD; empty when unknown.", examples=["1815-12-10"])
    name_day: str = Field("", description="MM-DD.", examples=["12-06"])
    anniversaries: list[Anniversary] = Field(default_factory=list)
    tags: list[str] = Field(
        default_factory=list, description="At most 50, 1..100 characters, unique ignoring case, in this order.", examples=[["VIP"]]
    )
    lifecycle: Lifecycle | None = Field(None, description="Where the person is in the relationship; unset when omitted.")
    origin: OriginIn | None = Field(None, description="Where the record came from.")
    custom_fields: dict[str, CustomFieldValue] = Field(
        default_factory=dict, description="Values by custom field key (`GET /v1/custom-fields`)."
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "given_name": "Ada",
                    "family_name": "Lovelace",
                    "emails": [{"address": "ada@example.com", "kind": "work"}],
                    "phones": [{"number": "+442071838750", "kind": "mobile"}],
                    "consents": [{"channel": "email", "purpose": "marketing", "granted": True, "source": "web form"}],
                    "preferred_language": "en-GB",
                    "time_zone": "Europe/London",
                    "addresses": [
                        {"kind": "home", "lines": ["12 St James's Square"], "postal_code": "SW1Y 4LB", "city": "London", "country": "GB"}
                    ],
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


class PostalAddress(BaseModel):
    kind: AddressKindOut = Field(examples=["home"])
    lines: list[str] = Field(examples=[["Strada Lipscani 12", "Ap. 3"]])
    postal_code: str = Field(examples=["030031"])
    city: str = Field(examples=["Bucharest"])
    region: str = Field(examples=["Bucharest"])
    country: str = Field(description="ISO 3166-1 alpha-2.", examples=["RO"])


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
    salutation: str = Field(description="Empty when not set: each sender chooses.", examples=["Dear Ms Lovelace"])
    preferred_language: str = Field(description="BCP 47; empty when not known.", examples=["en-GB"])
    time_zone: str = Field(description="IANA; empty when not known.", examples=["Europe/London"])
    addresses: list[PostalAddress]
    birth_date: str = Field("", description="YYYY-MM-DD; empty when unknown.", examples=["1815-12-10"])
    name_day: str = Field("", description="MM-DD; empty when unknown.", examples=["12-06"])
    anniversaries: list[Anniversary] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, examples=[["VIP"]])
    lifecycle: LifecycleOut = Field("unspecified", examples=["customer"])
    origin: Origin | None = Field(None, description="Null when not known.")
    custom_fields: dict[str, CustomFieldValue] = Field(default_factory=dict, description="Values by custom field key.")
    erased: bool = Field(False, description="True once erased under data-protection law: nothing personal is left.")
    erase_time: datetime | None = Field(None, description="RFC 3339, UTC; null unless erased.")
    merged_into: str = Field("", description="The survivor's id when this record was merged into another one.")
    etag: str = Field("", description="Changes with every write; send it as `If-Match` to refuse overwriting someone else's change.")


class PersonList(BaseModel):
    persons: list[Person]
    next_page_token: str = Field(description="Pass as page_token for the next page; empty on the last page.", examples=[""])


class StatusChange(BaseModel):
    status: NotificationStatus = Field(examples=["sent"])
    reason: str = Field(examples=[""])
    change_time: datetime | None = Field(description="RFC 3339, UTC.", examples=["2024-05-01T09:30:02Z"])


class Notification(BaseModel):
    id: str = Field(examples=["5d1c7a0e-3f2b-4c1d-9a8e-2b7c6d5e4f30"])
    person_id: str = Field(
        description="The person it is for; empty when sent to a bare address.", examples=["0b6f4c1e-9c8e-4b59-8d0e-7f1d6c2a9e11"]
    )
    channel: ChannelOut = Field(examples=["email"])
    purpose: PurposeOut = Field(examples=["service"])
    recipient: str = Field(description="The address it goes (or would go) to.", examples=["ada@example.com"])
    template: str = Field(description="The template it was rendered from.", examples=["welcome"])
    template_version: int = Field(description="The version of the template used; 0 until rendered.", examples=[3])
    language: str = Field(description="BCP 47 language of the template used.", examples=["en"])
    subject: str = Field(examples=["Welcome, Ada"])
    status: NotificationStatus = Field(examples=["sent"])
    reason: str = Field(description="Why it was skipped or failed, or why it waits; empty otherwise.", examples=[""])
    attempts: int = Field(examples=[1])
    idempotency_key: str = Field(description="The key it was requested with.", examples=["order-1042-confirmation"])
    campaign_id: str = Field(description="The marketing campaign it belongs to; empty when none.", examples=[""])
    batch_id: str = Field(description="The batch it was sent in; empty when sent alone.", examples=[""])
    create_time: datetime | None = Field(description="RFC 3339, UTC.", examples=["2024-05-01T09:30:01Z"])
    send_time: datetime | None = Field(description="RFC 3339, UTC; null until sent.", examples=["2024-05-01T09:30:02Z"])
    next_attempt_time: datetime | None = Field(description="When it will next be tried, while queued; RFC 3339, UTC.", examples=[None])
    provider_id: str = Field(description="The provider's id of the message (SMS, fax) or the spooled file (letter).", examples=[""])
    segments: int = Field(description="SMS segments or fax pages billed.", examples=[0])
    phone_outcome: PhoneOutcomeOut = Field(description="Phone tasks: what the call-center reported.", examples=["unspecified"])
    call_back_time: datetime | None = Field(description="Phone tasks: when the person asked to be called again.", examples=[None])
    history: list[StatusChange] = Field(description="Status changes, oldest first.")


class NotificationList(BaseModel):
    notifications: list[Notification] = Field(description="Newest first.")
    next_page_token: str = Field(description="Pass as page_token for the next page; empty on the last page.", examples=[""])


class RecipientIn(_Input):
    """Whom a message goes to: exactly one of a person of the customer file or a bare address."""

    person_id: str = Field(
        "",
        description="A person: their address for the channel and their consent come from contacts.",
        examples=["0b6f4c1e-9c8e-4b59-8d0e-7f1d6c2a9e11"],
    )
    address: str = Field(
        "",
        description='An email address, an E.164 phone or fax number, or a postal address (lines separated by "\\n"), as the channel needs.',
        examples=["ada@example.com"],
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "RecipientIn":
        if bool(self.person_id) == bool(self.address):
            raise PydanticCustomError("recipient", "needs either a person_id or an address")
        return self


class NotificationCreate(_Input):
    """One message to send."""

    recipient: RecipientIn
    channel: Channel = Field(examples=["email"])
    purpose: Purpose = Field(description="Marketing needs the recipient's consent for the channel.", examples=["service"])
    template: str = Field(description="Template name; the latest version at the time of the request is used.", examples=["welcome"])
    language: str = Field("", description="BCP 47; empty: the person's preferred language, else the service's default.", examples=["en"])
    variables: Variables = Field(default_factory=dict, description="Values for the template's variables; person.* come from contacts.")
    idempotency_key: str = Field(
        "",
        description="Required, here or in the `Idempotency-Key` header (both must then agree). "
        "The same key never creates or sends a second message.",
        examples=["order-1042-confirmation"],
    )
    send_time: AwareDatetime | None = Field(None, description="Not before this time (RFC 3339); as soon as allowed when omitted.")
    campaign_id: str = Field("", description="The marketing campaign it belongs to, for reporting.", examples=[""])

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "recipient": {"person_id": "0b6f4c1e-9c8e-4b59-8d0e-7f1d6c2a9e11"},
                    "channel": "email",
                    "purpose": "service",
                    "template": "order-shipped",
                    "variables": {"order": "1042"},
                    "idempotency_key": "order-1042-shipped",
                }
            ]
        }
    )


class BatchRecipientIn(_Input):
    recipient: RecipientIn
    variables: Variables = Field(default_factory=dict, description="This recipient's values; they win over the batch's.")


class BatchRecipients(_Input):
    """Recipients to add to a batch, with the batch's settings (the same on every call for one batch)."""

    recipients: list[BatchRecipientIn] = Field(min_length=1, max_length=1000, description="1 to 1,000 per call.")
    channel: Channel = Field(examples=["email"])
    purpose: Purpose = Field(examples=["marketing"])
    template: str = Field(examples=["spring-sale"])
    language: str = Field("", description="BCP 47; empty: each person's preferred language.", examples=[""])
    variables: Variables = Field(default_factory=dict, description="Values for every recipient.")
    campaign_id: str = Field("", examples=["spring-2024"])
    send_time: AwareDatetime | None = Field(None, description="When the batch starts (RFC 3339); now when omitted.")
    rate_per_minute: int = Field(
        0, ge=0, description="At most this many recipients a minute; 0: as fast as the channel allows.", examples=[500]
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "recipients": [{"recipient": {"person_id": "0b6f4c1e-9c8e-4b59-8d0e-7f1d6c2a9e11"}, "variables": {"code": "ADA10"}}],
                    "channel": "email",
                    "purpose": "marketing",
                    "template": "spring-sale",
                    "campaign_id": "spring-2024",
                    "rate_per_minute": 500,
                }
            ]
        }
    )


class BatchResult(BaseModel):
    batch_id: str = Field(examples=["spring-2024-wave-1"])
    accepted: int = Field(description="Recipients added by this call.", examples=[998])
    duplicates: int = Field(description="Recipients already in the batch (a repeated call).", examples=[2])
    total: int = Field(description="Recipients in the batch so far.", examples=[3000])


class TemplateCreate(_Input):
    """A new version of a template (version 1 when the name and language are new)."""

    name: str = Field(description="1 to 100 characters.", examples=["welcome"])
    language: str = Field(description="BCP 47.", examples=["en"])
    channel: Channel = Field(examples=["email"])
    subject: str = Field("", description="Jinja2; required for email.", examples=["Welcome, {{ person.given_name }}"])
    text_body: str = Field(
        description="Jinja2 (sandboxed); a variable missing at render time is an error.", examples=["Hello {{ person.given_name }}!"]
    )
    html_body: str = Field("", description="Jinja2; email only.", examples=["<p>Hello {{ person.given_name }}!</p>"])


class Template(BaseModel):
    name: str = Field(examples=["welcome"])
    language: str = Field(examples=["en"])
    version: int = Field(description="1, 2, ... per name and language.", examples=[2])
    channel: ChannelOut = Field(examples=["email"])
    subject: str = Field(examples=["Welcome, {{ person.given_name }}"])
    text_body: str = Field(examples=["Hello {{ person.given_name }}!"])
    html_body: str = Field(examples=["<p>Hello {{ person.given_name }}!</p>"])
    create_time: datetime | None = Field(description="RFC 3339, UTC.", examples=["2024-05-01T09:30:00Z"])
    variables: list[str] = Field(description="The variables the template uses.", examples=[["person.given_name"]])


class TemplateList(BaseModel):
    templates: list[Template]
    next_page_token: str = Field(description="Pass as page_token for the next page; empty on the last page.", examples=[""])


class PreviewRequest(_Input):
    person_id: str = Field("", description="Renders with this person's data from contacts when set.", examples=[""])
    variables: Variables = Field(default_factory=dict, examples=[{"order": "1042"}])


class RenderedMessage(BaseModel):
    subject: str = Field(examples=["Welcome, Ada"])
    text: str = Field(examples=["Hello Ada!"])
    html: str = Field(examples=["<p>Hello Ada!</p>"])
    template_version: int = Field(examples=[2])
    segments: int = Field(description="SMS segments the text needs (SMS templates); 0 otherwise.", examples=[0])


class SuppressionCreate(_Input):
    """Stops messages to an address; adds or replaces the suppression of that address and channel."""

    channel: Channel = Field(examples=["email"])
    address: str = Field(description="Normalised by the service: lower-case email, E.164 number.", examples=["ada@example.com"])
    reason: SuppressionReason = Field("manual", examples=["manual"])
    marketing_only: bool = Field(False, description="True: stops marketing only; false: every message.", examples=[False])


class Suppression(BaseModel):
    channel: ChannelOut = Field(examples=["email"])
    address: str = Field(examples=["ada@example.com"])
    reason: str = Field(description="unsubscribed, bounced, complaint or manual.", examples=["manual"])
    marketing_only: bool = Field(examples=[False])
    create_time: datetime | None = Field(description="RFC 3339, UTC.", examples=["2024-05-01T09:30:00Z"])


class SuppressionList(BaseModel):
    suppressions: list[Suppression]
    next_page_token: str = Field(description="Pass as page_token for the next page; empty on the last page.", examples=[""])


class Unsubscribed(BaseModel):
    """The answer to a one-click unsubscribe."""

    channel: ChannelOut = Field(examples=["email"])
    address: str = Field(examples=["ada@example.com"])
    marketing_only: bool = Field(description="False when every message to the address was already stopped.", examples=[True])


class PhoneOutcomeReport(_Input):
    """What came of a call-center phone task."""

    outcome: PhoneOutcome = Field(examples=["call_back"])
    call_back_time: AwareDatetime | None = Field(None, description="Required for call_back (RFC 3339).", examples=["2024-05-02T14:00:00Z"])
    note: str = Field("", description="At most 2,000 characters.", examples=["Asked to be called after lunch"])
    agent: str = Field("", description="Who called.", examples=["agent-17"])


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
