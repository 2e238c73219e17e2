"""What happened in the customer file, in the past tense."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_contacts.domain.custom_fields import FieldDefinition
    from crm_contacts.domain.model import Consent, Person
    from crm_contacts.domain.owned_products import OwnedProduct


@dataclass(frozen=True)
class PersonCreated:
    person: "Person"


@dataclass(frozen=True)
class ConsentChanged:
    """A consent was granted or withdrawn; the consent is the one now on record."""

    person_id: str
    consent: "Consent"


# --- core ---
@dataclass(frozen=True)
class PersonUpdated:
    """Fields of a person changed; `changed_fields` are the update mask paths whose values really changed."""

    person: "Person"
    changed_fields: tuple[str, ...]


@dataclass(frozen=True)
class PersonErased:
    """A person was anonymised under data-protection law; carries no personal data."""

    person_id: str
    erased_at: datetime


@dataclass(frozen=True)
class OwnedProductAdded:
    product: "OwnedProduct"


@dataclass(frozen=True)
class OwnedProductChanged:
    product: "OwnedProduct"
    changed_fields: tuple[str, ...]
# --- end core ---


# --- custom fields ---
@dataclass(frozen=True)
class CustomFieldDefined:
    definition: "FieldDefinition"


@dataclass(frozen=True)
class CustomFieldChanged:
    definition: "FieldDefinition"
    changed_fields: tuple[str, ...]


@dataclass(frozen=True)
class CustomFieldDeleted:
    """Retired, or purged with its values; records holding a value get no update event of their own."""

    definition: "FieldDefinition"
    purged: bool
# --- end custom fields ---


# --- accounts ---
@dataclass(frozen=True)
class AccountCreated:
    account: "Account"


@dataclass(frozen=True)
class AccountUpdated:
    """Fields of an account changed; `changed_fields` are the update mask paths whose values really changed."""

    account: "Account"
    changed_fields: tuple[str, ...]


@dataclass(frozen=True)
class PersonLinkedToAccount:
    link: "PersonAccountLink"


@dataclass(frozen=True)
class PersonAccountLinkChanged:
    link: "PersonAccountLink"
    changed_fields: tuple[str, ...]


@dataclass(frozen=True)
class PersonUnlinkedFromAccount:
    link: "PersonAccountLink"


@dataclass(frozen=True)
class PersonsRelated:
    relation: "Relation"


@dataclass(frozen=True)
class PersonRelationRemoved:
    relation: "Relation"


@dataclass(frozen=True)
class AccountsRelated:
    relation: "Relation"


@dataclass(frozen=True)
class AccountRelationRemoved:
    relation: "Relation"


if TYPE_CHECKING:
    from crm_contacts.domain.accounts import Account
    from crm_contacts.domain.relations import PersonAccountLink, Relation
# --- end accounts ---


# --- duplicates ---
@dataclass(frozen=True)
class PersonsMerged:
    """Records were folded into a survivor; the merged ones are now tombstones (`merged_into`)."""

    survivor: "Person"
    merged_ids: tuple[str, ...]
    merge_id: str
    merged_by: str
    changed_fields: tuple[str, ...]


@dataclass(frozen=True)
class PersonMergeUndone:
    """A merge was undone: every record is back as it was before it."""

    merge_id: str
    survivor_id: str
    restored_ids: tuple[str, ...]
    persons: tuple["Person", ...]


@dataclass(frozen=True)
class AccountsMerged:
    """Accounts were folded into a survivor; the merged ones are now tombstones (`merged_into`)."""

    survivor: "Account"
    merged_ids: tuple[str, ...]
    merge_id: str
    merged_by: str
    changed_fields: tuple[str, ...]


@dataclass(frozen=True)
class AccountMergeUndone:
    """A merge of accounts was undone: every account is back as it was before it."""

    merge_id: str
    survivor_id: str
    restored_ids: tuple[str, ...]
    accounts: tuple["Account", ...]
# --- end duplicates ---


# --- import and export ---
@dataclass(frozen=True)
class ImportCompleted:
    """An import or its dry run finished (done or failed); the persons it wrote had their own PersonCreated."""

    job: "ImportJob"


if TYPE_CHECKING:
    from crm_contacts.domain.transfer import ImportJob
# --- end import and export ---
