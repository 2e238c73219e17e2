"""The JSON documents of the customer file beyond creating persons: updates, accounts, relations, fields, search, ...

Shared value types (addresses, money, custom field values, origin) are in schemas.py, beside the person they began with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from crm_gateway.schemas import (
    Anniversary,
    CustomFieldValue,
    EmailAddress,
    EmailAddressIn,
    ErrorDetail,
    Lifecycle,
    LifecycleOut,
    Money,
    Origin,
    OriginIn,
    PhoneNumber,
    PhoneNumberIn,
    PostalAddress,
    PostalAddressIn,
    _Input,
)

_NEXT = "Pass as page_token for the next page; empty on the last page."
_LOCAL_DATE = "YYYY-MM-DD; empty when unknown."


# -- persons --------------------------------------------------------------------------------------------------------


class PersonPatch(_Input):
    """The fields to change: every key present is changed (`null` or an empty value clears it), every other one is kept.
    Consents change through `PUT /v1/persons/{id}/consents/{channel}/{purpose}`."""

    given_name: str | None = Field(None, examples=["Ada"])
    family_name: str | None = Field(None, examples=["King"])
    salutation: str | None = Field(None, examples=["Dear Countess"])
    emails: list[EmailAddressIn] | None = Field(None, description="Replaces every email address.")
    phones: list[PhoneNumberIn] | None = Field(None, description="Replaces every phone number.")
    addresses: list[PostalAddressIn] | None = Field(None, description="Replaces every postal address.")
    preferred_language: str | None = Field(None, examples=["en-GB"])
    time_zone: str | None = Field(None, examples=["Europe/London"])
    birth_date: str | None = Field(None, description="YYYY-MM-DD.", examples=["1815-12-10"])
    name_day: str | None = Field(None, description="MM-DD.", examples=["12-06"])
    anniversaries: list[Anniversary] | None = None
    tags: list[str] | None = Field(None, description="Replaces every tag.", examples=[["VIP"]])
    lifecycle: Lifecycle | None = Field(None, examples=["customer"])
    origin: OriginIn | None = None
    custom_fields: dict[str, CustomFieldValue] | None = Field(None, description="Replaces every custom field value.")
    team: str | None = Field(None, examples=["emea"])
    territory: str | None = Field(None, examples=["uk"])

    model_config = {"json_schema_extra": {"examples": [{"family_name": "King", "tags": ["VIP"], "lifecycle": "customer"}]}}


class Erasure(_Input):
    """Why a person is erased; kept in the one dossier line left, so it must hold no personal data."""

    reason: str = Field("", examples=["GDPR art. 17 request of 2026-11-20"])


class HistoryEntry(BaseModel):
    id: str
    kind: str = Field(description="What happened.", examples=["PersonUpdated"])
    summary: str = Field(description="One line a person can read.", examples=["Changed: family name, emails"])
    source: str = Field(description="The service the fact came from.", examples=["contacts"])
    occur_time: datetime | None = Field(description="RFC 3339, UTC.")


class History(BaseModel):
    entries: list[HistoryEntry] = Field(description="Newest first.")
    next_page_token: str = Field(description=_NEXT)


# -- owned products -------------------------------------------------------------------------------------------------


class OwnedProductCreate(_Input):
    product_id: str = Field(description="The product catalogue's id.", examples=["SKU-1042"])
    name: str = Field(examples=["Premium support"])
    quantity: int = Field(0, ge=0, description="1..1e9; 0 means 1.", examples=[2])
    purchased_on: str = Field("", description=_LOCAL_DATE, examples=["2024-05-01"])
    source: str = Field("", description='Where the fact came from; "manual" when empty.', examples=["sales:order:42"])


class OwnedProductPatch(_Input):
    """The fields to change (keys present); a product stops being owned with `"active": false`."""

    active: bool | None = Field(None, examples=[False])
    quantity: int | None = Field(None, ge=0, examples=[3])
    name: str | None = None
    purchased_on: str | None = None


class OwnedProduct(BaseModel):
    id: str
    person_id: str = Field(description="The owner when a person; empty otherwise.")
    account_id: str = Field(description="The owner when an account; empty otherwise.")
    product_id: str
    name: str
    quantity: int
    purchased_on: str
    active: bool
    source: str
    create_time: datetime | None
    update_time: datetime | None


class OwnedProductList(BaseModel):
    owned_products: list[OwnedProduct] = Field(description="In the order they were added.")
    next_page_token: str = Field(description=_NEXT)


# -- accounts -------------------------------------------------------------------------------------------------------

ParentKind = Literal["subsidiary", "branch"]
RegistrationKind = Literal["vat", "registration", "duns", "other"]
WebsiteKind = Literal["main", "shop", "social", "other"]


class RegistrationIdIn(_Input):
    kind: RegistrationKind = Field(examples=["vat"])
    value: str = Field(description="EU VAT numbers are checked (with their country prefix).", examples=["RO18547290"])


class RegistrationId(BaseModel):
    kind: Literal["unspecified", "vat", "registration", "duns", "other"]
    value: str


class WebsiteIn(_Input):
    url: str = Field(description='An http(s) URL; "example.com" is read as "https://example.com".', examples=["https://example.com"])
    kind: WebsiteKind = Field("main", examples=["main"])


class Website(BaseModel):
    url: str
    kind: Literal["unspecified", "main", "shop", "social", "other"]


class AccountCreate(_Input):
    """A new account: a company, or a subsidiary or branch of one."""

    name: str = Field(description="The name people use, 1..200 characters.", examples=["Example Trading"])
    legal_name: str = Field("", description="The registered name.", examples=["Example Trading S.R.L."])
    parent_id: str = Field("", description="The parent account (visible to the caller); empty for none.")
    parent_kind: ParentKind | None = Field(None, description="Required with a parent_id.")
    industry: str = Field("", description="Free text, at most 100 characters.", examples=["FMCG"])
    employees: int | None = Field(None, description="0..10,000,000; null when unknown.", examples=[250])
    annual_turnover: Money | None = Field(None, description="Null when unknown.")
    registration_ids: list[RegistrationIdIn] = Field(default_factory=list)
    addresses: list[PostalAddressIn] = Field(default_factory=list)
    phones: list[PhoneNumberIn] = Field(default_factory=list)
    emails: list[EmailAddressIn] = Field(default_factory=list)
    websites: list[WebsiteIn] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, examples=[["hotels"]])
    lifecycle: Lifecycle | None = None
    origin: OriginIn | None = None
    custom_fields: dict[str, CustomFieldValue] = Field(default_factory=dict)
    team: str = Field("", description="The caller's own team when empty.")
    territory: str = Field("", description="The caller's own territory when empty.")


class AccountPatch(_Input):
    """The fields to change: every key present (`null` clears it); `parent_id` and `parent_kind` change together."""

    name: str | None = None
    legal_name: str | None = None
    parent_id: str | None = None
    parent_kind: ParentKind | None = None
    industry: str | None = None
    employees: int | None = None
    annual_turnover: Money | None = None
    registration_ids: list[RegistrationIdIn] | None = None
    addresses: list[PostalAddressIn] | None = None
    phones: list[PhoneNumberIn] | None = None
    emails: list[EmailAddressIn] | None = None
    websites: list[WebsiteIn] | None = None
    tags: list[str] | None = None
    lifecycle: Lifecycle | None = None
    origin: OriginIn | None = None
    custom_fields: dict[str, CustomFieldValue] | None = None
    team: str | None = None
    territory: str | None = None


class Account(BaseModel):
    id: str
    name: str
    legal_name: str
    parent_id: str
    parent_kind: Literal["unspecified", "subsidiary", "branch"]
    industry: str
    employees: int | None
    annual_turnover: Money | None
    registration_ids: list[RegistrationId]
    addresses: list[PostalAddress]
    phones: list[PhoneNumber]
    emails: list[EmailAddress]
    websites: list[Website]
    tags: list[str]
    lifecycle: LifecycleOut
    origin: Origin | None
    custom_fields: dict[str, CustomFieldValue]
    owner: str
    team: str
    territory: str
    create_time: datetime | None
    update_time: datetime | None
    etag: str = Field(description="Send it as `If-Match` to refuse overwriting someone else's change.")
    merged_into: str = Field("", description="The survivor's id when this account was merged into another one (a tombstone).")


class AccountList(BaseModel):
    accounts: list[Account]
    next_page_token: str = Field(description=_NEXT)


class AccountNode(BaseModel):
    account: Account
    depth: int = Field(description="1 for a direct child, 2 for a grandchild, ...")


class AccountChildren(BaseModel):
    children: list[AccountNode] = Field(description="Only accounts the caller may see.")
    next_page_token: str = Field(description=_NEXT)


# -- relations ------------------------------------------------------------------------------------------------------


class AccountLinkCreate(_Input):
    """A person working for or serving the account of the path."""

    person_id: str
    position: str = Field("", examples=["CFO"])
    role: str = Field(
        "",
        description="decision_maker, influencer, billing, technical, purchasing, accountant, legal, executive, employee, "
        "consultant or other; empty when not said.",
        examples=["decision_maker"],
    )
    is_primary: bool = Field(False, description="The account's main contact person.")
    start_date: str = Field("", description=_LOCAL_DATE)
    end_date: str = Field("", description="Empty while the link lasts; not before start_date.")


class AccountLinkPatch(_Input):
    """The fields to change (keys present); setting `end_date` ends the link."""

    position: str | None = None
    role: str | None = None
    is_primary: bool | None = None
    start_date: str | None = None
    end_date: str | None = None


class AccountLink(BaseModel):
    id: str
    person_id: str
    account_id: str
    position: str
    role: str
    is_primary: bool
    start_date: str
    end_date: str
    create_time: datetime | None
    update_time: datetime | None


class AccountLinkList(BaseModel):
    links: list[AccountLink] = Field(description="Only links whose person and account the caller may both see.")
    next_page_token: str = Field(description=_NEXT)


class PersonRelationCreate(_Input):
    related_person_id: str
    label: str = Field(
        description="What the related person is to the person of the path: spouse, partner, parent, child, sibling, grandparent, "
        "grandchild, relative, friend, assistant, manager, colleague, referrer, referred.",
        examples=["manager"],
    )


class PersonRelation(BaseModel):
    id: str
    person_id: str
    related_person_id: str
    label: str = Field(description="Seen from person_id: the other side reads the counterpart (parent ↔ child).")
    create_time: datetime | None


class PersonRelationList(BaseModel):
    relations: list[PersonRelation]
    next_page_token: str = Field(description=_NEXT)


class AccountRelationCreate(_Input):
    related_account_id: str
    label: str = Field(
        description="What the related account is to the account of the path: customer, supplier, partner, competitor, reseller, vendor.",
        examples=["supplier"],
    )


class AccountRelation(BaseModel):
    id: str
    account_id: str
    related_account_id: str
    label: str
    create_time: datetime | None


class AccountRelationList(BaseModel):
    relations: list[AccountRelation]
    next_page_token: str = Field(description=_NEXT)


# -- custom fields --------------------------------------------------------------------------------------------------

Entity = Literal["person", "account"]
FieldType = Literal["text", "number", "money", "date", "bool", "choice", "multi_choice"]


class CustomFieldOption(_Input):
    key: str = Field(description="^[a-z0-9][a-z0-9_-]{0,62}$; what values hold and searches compare.", examples=["gold"])
    label: str = Field(description="1..200 characters.", examples=["Gold"])


class CustomFieldValidation(_Input):
    """The rules of the field's type only."""

    max_length: int = Field(0, description="text: 1..500; 0 means 255.")
    pattern: str = Field("", description="text: a regular expression the whole value must match.")
    min: str = Field("", description="number: inclusive bound, a decimal string; empty: unbounded.")
    max: str = Field("", description="number: inclusive bound.")
    decimal_places: int | None = Field(None, description="number: 0..10; null means 10.")
    currency: str = Field("", description="money: the ISO 4217 currency of every value; empty: any.")
    min_date: str = Field("", description="date: inclusive bound, YYYY-MM-DD.")
    max_date: str = Field("", description="date: inclusive bound.")


class CustomFieldCreate(_Input):
    entity: Entity = Field(examples=["account"])
    key: str = Field(description="^[a-z][a-z0-9_]{0,62}$, unique per entity; searches name it `cf.<key>`.", examples=["vat_regime"])
    label: str = Field(examples=["VAT regime"])
    type: FieldType = Field(examples=["choice"])
    required: bool = False
    options: list[CustomFieldOption] = Field(default_factory=list, description="choice and multi_choice: 1..200.")
    validation: CustomFieldValidation = Field(default_factory=CustomFieldValidation)


class CustomFieldPatch(_Input):
    """The fields to change (keys present); the key, entity and type never change."""

    label: str | None = None
    required: bool | None = None
    options: list[CustomFieldOption] | None = None
    validation: CustomFieldValidation | None = None


class CustomField(BaseModel):
    id: str
    entity: Literal["unspecified", "person", "account"]
    key: str
    label: str
    type: Literal["unspecified", "text", "number", "money", "date", "bool", "choice", "multi_choice"]
    required: bool
    options: list[CustomFieldOption]
    validation: CustomFieldValidation
    create_time: datetime | None
    update_time: datetime | None
    retire_time: datetime | None = Field(description="Set once the field was deleted (retired).")


class CustomFieldList(BaseModel):
    custom_fields: list[CustomField] = Field(description="By key.")
    next_page_token: str = Field(description=_NEXT)


# -- search ---------------------------------------------------------------------------------------------------------


class SearchRequest(_Input):
    query: str = Field(
        "",
        description="The search language (docs/contacts.md); empty: every visible record.",
        examples=['family_name = "Popescu" and city in ("Bucharest", "Cluj") and created within 30 days'],
    )
    columns: list[str] = Field(default_factory=list, description="Fields returned in each row; empty: the default columns.")
    order_by: str = Field("", description='E.g. "family_name desc, created_time"; the id breaks ties.', examples=["family_name"])
    page_size: int = Field(0, ge=0, le=1000, description="0 means 50.")
    page_token: str = Field("", description="From the previous answer to the same query and order.")
    include_count: bool = Field(False, description="Also count every match.")
    saved_search_id: str = Field("", description="Runs a saved search (and-ed with `query` when both are given).")


class SearchRow(BaseModel):
    id: str
    values: dict[str, str] = Field(description='Each column as text; several values joined by "; ".')


class SearchResult(BaseModel):
    columns: list[str] = Field(description="The columns of the rows, in order.")
    rows: list[SearchRow]
    next_page_token: str = Field(description=_NEXT)
    total_count: int | None = Field(description="Every match; null unless include_count was asked for.")


class SavedSearchCreate(_Input):
    entity: Entity = Field(examples=["person"])
    name: str = Field(description="Unique per owner and entity, 1..200 characters.", examples=["VIPs in Bucharest"])
    query: str = Field("", examples=['tags = "VIP" and city = "Bucharest"'])
    columns: list[str] = Field(default_factory=list)
    order_by: str = ""
    shared: bool = Field(False, description="True: the owner's team sees it too.")


class SavedSearchPatch(_Input):
    """The fields to change (keys present)."""

    name: str | None = None
    query: str | None = None
    columns: list[str] | None = None
    order_by: str | None = None
    shared: bool | None = None


class SavedSearch(BaseModel):
    id: str
    entity: Literal["unspecified", "person", "account"]
    name: str
    query: str
    columns: list[str]
    order_by: str
    shared: bool
    owner: str
    team: str
    create_time: datetime | None
    update_time: datetime | None


class SavedSearchList(BaseModel):
    saved_searches: list[SavedSearch] = Field(description="The caller's own and their team's shared ones, by name.")
    next_page_token: str = Field(description=_NEXT)


# -- duplicates -----------------------------------------------------------------------------------------------------


class DuplicateCandidate(BaseModel):
    person_id: str
    display_name: str = Field(examples=["Ana Pop"])
    score: float = Field(description="0..1: how likely the two are the same person.", examples=[0.93])
    reasons: list[str] = Field(examples=[["same email", "name similar (0.93)"]])


class DuplicateCandidates(BaseModel):
    candidates: list[DuplicateCandidate] = Field(description="Best first; only persons the caller may see.")


class DuplicatesConflict(BaseModel):
    """ALREADY_EXISTS of a write: the likely duplicates; repeat with `allow_duplicates=true` to write anyway."""

    error: ErrorDetail
    duplicates: list[DuplicateCandidate]


class PersonProbe(_Input):
    given_name: str = ""
    family_name: str = ""
    emails: list[EmailAddressIn] = Field(default_factory=list)
    phones: list[PhoneNumberIn] = Field(default_factory=list)
    addresses: list[PostalAddressIn] = Field(default_factory=list)


class DuplicateQuery(_Input):
    """A would-be person to look for (nothing is written)."""

    person: PersonProbe
    min_score: float = Field(0, ge=0, le=1, description="0 means 0.5.")
    page_size: int = Field(0, ge=0, le=100, description="Most candidates returned; 0 means 20.")


class AccountProbe(_Input):
    name: str = ""
    legal_name: str = ""
    registration_ids: list[str] = Field(default_factory=list, description="VAT or registration numbers; a VAT country prefix is ignored.")
    websites: list[str] = Field(default_factory=list, description="URLs or bare domains, compared by domain.")
    phones: list[PhoneNumberIn] = Field(default_factory=list)


class AccountDuplicateQuery(_Input):
    """A would-be account to look for (nothing is written)."""

    account: AccountProbe
    min_score: float = Field(0, ge=0, le=1, description="0 means 0.5.")
    page_size: int = Field(0, ge=0, le=100, description="Most candidates returned; 0 means 20.")


class AccountDuplicateCandidate(BaseModel):
    account_id: str
    name: str
    score: float = Field(description="0..1: how likely the two are the same company.", examples=[0.92])
    reasons: list[str] = Field(examples=[["same registration id"]])


class AccountDuplicateCandidates(BaseModel):
    candidates: list[AccountDuplicateCandidate] = Field(description="Best first; only accounts the caller may see.")


class AccountDuplicatesConflict(BaseModel):
    """ALREADY_EXISTS of an account's write: the likely duplicate accounts; repeat with `allow_duplicates=true` to write anyway."""

    error: ErrorDetail
    duplicates: list[AccountDuplicateCandidate]


class DuplicateScanCreate(_Input):
    min_score: float = Field(0, ge=0, le=1, description="Lowest score a pair is kept with; 0 means 0.6.")


class DuplicateScan(BaseModel):
    id: str
    status: Literal["unspecified", "pending", "running", "done", "failed"]
    min_score: float
    requested_by: str
    request_time: datetime | None
    start_time: datetime | None
    finish_time: datetime | None
    persons_scanned: int
    pairs_found: int
    error: str


PairStatus = Literal["open", "dismissed", "merged"]


class DuplicatePair(BaseModel):
    id: str
    first: DuplicateCandidate
    second: DuplicateCandidate
    score: float
    reasons: list[str]
    status: Literal["unspecified", "open", "dismissed", "merged"]
    scan_id: str
    find_time: datetime | None
    decided_by: str
    decide_time: datetime | None


class DuplicatePairList(BaseModel):
    pairs: list[DuplicatePair] = Field(description="Best score first; only pairs whose both persons the caller may see.")
    next_page_token: str = Field(description=_NEXT)


class MergeCreate(_Input):
    survivor_id: str = Field(description="The record that stays.")
    merged_ids: list[str] = Field(min_length=1, description="The records folded into it; they become tombstones.")
    field_choices: dict[str, str] = Field(
        default_factory=dict,
        description="Field (given_name, ..., custom_fields.<key>) → id of the record whose value wins.",
        examples=[{"family_name": "0b6f4c1e-9c8e-4b59-8d0e-7f1d6c2a9e11"}],
    )


class AccountMergeCreate(MergeCreate):
    field_choices: dict[str, str] = Field(
        default_factory=dict,
        description="Field (name, legal_name, parent, industry, ..., custom_fields.<key>) → id of the account whose value wins; "
        "`parent` is parent_id and parent_kind together.",
        examples=[{"legal_name": "0b6f4c1e-9c8e-4b59-8d0e-7f1d6c2a9e11"}],
    )


class _MergeLineage(BaseModel):
    id: str
    survivor_id: str
    merged_ids: list[str]
    merged_by: str
    merge_time: datetime | None
    undone_by: str
    undo_time: datetime | None


class PersonMerge(_MergeLineage):
    undoable: bool = Field(description="False once the survivor changed, the merge was undone, or a record was erased.")


class AccountMerge(_MergeLineage):
    undoable: bool = Field(description="False once the survivor changed or the merge was undone.")


# -- import and export ----------------------------------------------------------------------------------------------

ImportFormat = Literal["csv", "vcard"]
RejectOutcome = Literal["rejected", "duplicate"]
ExportFormat = Literal["csv", "vcard_3", "vcard_4"]


class ColumnMapping(_Input):
    column: str = Field(description="The column's header (case ignored).", examples=["E-mail"])
    field: str = Field(description="The person field it fills (docs/gateway.md), cf.<key>, or ignore.", examples=["email.work"])


class ImportOptions(_Input):
    phone_region: str = Field("", description="ISO 3166 region for numbers without +country.")
    date_format: str = Field("", description="strptime format of date columns; empty: %Y-%m-%d.")
    separator: str = Field("", description='Between several values in one cell; empty: ";".')
    encoding: str = Field("", description="auto, utf-8, utf-8-sig, cp1250, latin-1, utf-16.")
    delimiter: str = Field("", description="CSV: , ; | or a tab; empty: detected.")


class ImportMappingCreate(_Input):
    name: str = Field(examples=["fair-leads"])
    format: ImportFormat = "csv"
    columns: list[ColumnMapping] = Field(default_factory=list)
    options: ImportOptions = Field(default_factory=ImportOptions)


class ImportMapping(BaseModel):
    name: str
    format: Literal["unspecified", "csv", "vcard"]
    columns: list[ColumnMapping]
    options: ImportOptions
    create_time: datetime | None
    update_time: datetime | None


class ImportMappingList(BaseModel):
    mappings: list[ImportMapping]
    next_page_token: str = Field(description=_NEXT)


class ImportJob(BaseModel):
    id: str
    status: Literal["unspecified", "uploading", "queued", "running", "done", "failed"]
    format: Literal["unspecified", "csv", "vcard"]
    dry_run: bool
    allow_duplicates: bool
    mapping_name: str
    file_name: str
    file_size: int
    encoding: str
    rows_total: int
    rows_done: int
    rows_accepted: int
    rows_rejected: int
    rows_duplicate: int
    progress: float = Field(description="rows_done / rows_total, 0..1.")
    error: str
    owner: str
    create_time: datetime | None
    update_time: datetime | None
    finish_time: datetime | None


class ImportJobList(BaseModel):
    jobs: list[ImportJob]
    next_page_token: str = Field(description=_NEXT)


class ImportRowError(BaseModel):
    column: str
    field: str
    message: str


class ImportDuplicateCandidate(BaseModel):
    person_id: str = Field(description="An existing person the row looks like, or")
    row: int = Field(description="an earlier row of the same file.")
    score: float
    reasons: list[str]
    display_name: str


class ImportReject(BaseModel):
    row_number: int = Field(description="CSV: the record's number, the header being 1; vCard: the card's number.")
    outcome: Literal["unspecified", "rejected", "duplicate", "duplicate_allowed"]
    raw: str
    errors: list[ImportRowError]
    candidates: list[ImportDuplicateCandidate]
    person_id: str


class ImportRejectList(BaseModel):
    rows: list[ImportReject]
    next_page_token: str = Field(description=_NEXT)
