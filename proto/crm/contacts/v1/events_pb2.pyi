import datetime

from crm.contacts.v1 import contacts_pb2 as _contacts_pb2
from crm.contacts.v1 import common_pb2 as _common_pb2
from crm.contacts.v1 import accounts_pb2 as _accounts_pb2
from crm.contacts.v1 import custom_fields_pb2 as _custom_fields_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PersonCreated(_message.Message):
    __slots__ = ("person",)
    PERSON_FIELD_NUMBER: _ClassVar[int]
    person: _contacts_pb2.Person
    def __init__(self, person: _Optional[_Union[_contacts_pb2.Person, _Mapping]] = ...) -> None: ...

class ConsentChanged(_message.Message):
    __slots__ = ("person_id", "consent")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    consent: _contacts_pb2.Consent
    def __init__(self, person_id: _Optional[str] = ..., consent: _Optional[_Union[_contacts_pb2.Consent, _Mapping]] = ...) -> None: ...

class PersonUpdated(_message.Message):
    __slots__ = ("person", "changed_fields")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    person: _contacts_pb2.Person
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, person: _Optional[_Union[_contacts_pb2.Person, _Mapping]] = ..., changed_fields: _Optional[_Iterable[str]] = ...) -> None: ...

class PersonErased(_message.Message):
    __slots__ = ("person_id", "erase_time")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ERASE_TIME_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    erase_time: _timestamp_pb2.Timestamp
    def __init__(self, person_id: _Optional[str] = ..., erase_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class OwnedProductAdded(_message.Message):
    __slots__ = ("owned_product",)
    OWNED_PRODUCT_FIELD_NUMBER: _ClassVar[int]
    owned_product: _contacts_pb2.OwnedProduct
    def __init__(self, owned_product: _Optional[_Union[_contacts_pb2.OwnedProduct, _Mapping]] = ...) -> None: ...

class OwnedProductChanged(_message.Message):
    __slots__ = ("owned_product", "changed_fields")
    OWNED_PRODUCT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    owned_product: _contacts_pb2.OwnedProduct
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, owned_product: _Optional[_Union[_contacts_pb2.OwnedProduct, _Mapping]] = ..., changed_fields: _Optional[_Iterable[str]] = ...) -> None: ...

class AccountCreated(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: _accounts_pb2.Account
    def __init__(self, account: _Optional[_Union[_accounts_pb2.Account, _Mapping]] = ...) -> None: ...

class AccountUpdated(_message.Message):
    __slots__ = ("account", "changed_fields")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    account: _accounts_pb2.Account
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, account: _Optional[_Union[_accounts_pb2.Account, _Mapping]] = ..., changed_fields: _Optional[_Iterable[str]] = ...) -> None: ...

class PersonLinkedToAccount(_message.Message):
    __slots__ = ("link",)
    LINK_FIELD_NUMBER: _ClassVar[int]
    link: _accounts_pb2.PersonAccountLink
    def __init__(self, link: _Optional[_Union[_accounts_pb2.PersonAccountLink, _Mapping]] = ...) -> None: ...

class PersonAccountLinkChanged(_message.Message):
    __slots__ = ("link", "changed_fields")
    LINK_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    link: _accounts_pb2.PersonAccountLink
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, link: _Optional[_Union[_accounts_pb2.PersonAccountLink, _Mapping]] = ..., changed_fields: _Optional[_Iterable[str]] = ...) -> None: ...

class PersonUnlinkedFromAccount(_message.Message):
    __slots__ = ("link",)
    LINK_FIELD_NUMBER: _ClassVar[int]
    link: _accounts_pb2.PersonAccountLink
    def __init__(self, link: _Optional[_Union[_accounts_pb2.PersonAccountLink, _Mapping]] = ...) -> None: ...

class PersonsRelated(_message.Message):
    __slots__ = ("relation",)
    RELATION_FIELD_NUMBER: _ClassVar[int]
    relation: _accounts_pb2.PersonRelation
    def __init__(self, relation: _Optional[_Union[_accounts_pb2.PersonRelation, _Mapping]] = ...) -> None: ...

class PersonRelationRemoved(_message.Message):
    __slots__ = ("relation",)
    RELATION_FIELD_NUMBER: _ClassVar[int]
    relation: _accounts_pb2.PersonRelation
    def __init__(self, relation: _Optional[_Union[_accounts_pb2.PersonRelation, _Mapping]] = ...) -> None: ...

class AccountsRelated(_message.Message):
    __slots__ = ("relation",)
    RELATION_FIELD_NUMBER: _ClassVar[int]
    relation: _accounts_pb2.AccountRelation
    def __init__(self, relation: _Optional[_Union[_accounts_pb2.AccountRelation, _Mapping]] = ...) -> None: ...

class AccountRelationRemoved(_message.Message):
    __slots__ = ("relation",)
    RELATION_FIELD_NUMBER: _ClassVar[int]
    relation: _accounts_pb2.AccountRelation
    def __init__(self, relation: _Optional[_Union[_accounts_pb2.AccountRelation, _Mapping]] = ...) -> None: ...

class CustomFieldDefined(_message.Message):
    __slots__ = ("custom_field",)
    CUSTOM_FIELD_FIELD_NUMBER: _ClassVar[int]
    custom_field: _custom_fields_pb2.CustomField
    def __init__(self, custom_field: _Optional[_Union[_custom_fields_pb2.CustomField, _Mapping]] = ...) -> None: ...

class CustomFieldChanged(_message.Message):
    __slots__ = ("custom_field", "changed_fields")
    CUSTOM_FIELD_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    custom_field: _custom_fields_pb2.CustomField
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, custom_field: _Optional[_Union[_custom_fields_pb2.CustomField, _Mapping]] = ..., changed_fields: _Optional[_Iterable[str]] = ...) -> None: ...

class CustomFieldDeleted(_message.Message):
    __slots__ = ("custom_field", "purged")
    CUSTOM_FIELD_FIELD_NUMBER: _ClassVar[int]
    PURGED_FIELD_NUMBER: _ClassVar[int]
    custom_field: _custom_fields_pb2.CustomField
    purged: bool
    def __init__(self, custom_field: _Optional[_Union[_custom_fields_pb2.CustomField, _Mapping]] = ..., purged: _Optional[bool] = ...) -> None: ...

class PersonsMerged(_message.Message):
    __slots__ = ("merge_id", "survivor_id", "merged_ids", "survivor", "changed_fields", "merged_by")
    MERGE_ID_FIELD_NUMBER: _ClassVar[int]
    SURVIVOR_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_IDS_FIELD_NUMBER: _ClassVar[int]
    SURVIVOR_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    MERGED_BY_FIELD_NUMBER: _ClassVar[int]
    merge_id: str
    survivor_id: str
    merged_ids: _containers.RepeatedScalarFieldContainer[str]
    survivor: _contacts_pb2.Person
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    merged_by: str
    def __init__(self, merge_id: _Optional[str] = ..., survivor_id: _Optional[str] = ..., merged_ids: _Optional[_Iterable[str]] = ..., survivor: _Optional[_Union[_contacts_pb2.Person, _Mapping]] = ..., changed_fields: _Optional[_Iterable[str]] = ..., merged_by: _Optional[str] = ...) -> None: ...

class PersonMergeUndone(_message.Message):
    __slots__ = ("merge_id", "survivor_id", "restored_ids", "persons")
    MERGE_ID_FIELD_NUMBER: _ClassVar[int]
    SURVIVOR_ID_FIELD_NUMBER: _ClassVar[int]
    RESTORED_IDS_FIELD_NUMBER: _ClassVar[int]
    PERSONS_FIELD_NUMBER: _ClassVar[int]
    merge_id: str
    survivor_id: str
    restored_ids: _containers.RepeatedScalarFieldContainer[str]
    persons: _containers.RepeatedCompositeFieldContainer[_contacts_pb2.Person]
    def __init__(self, merge_id: _Optional[str] = ..., survivor_id: _Optional[str] = ..., restored_ids: _Optional[_Iterable[str]] = ..., persons: _Optional[_Iterable[_Union[_contacts_pb2.Person, _Mapping]]] = ...) -> None: ...

class AccountsMerged(_message.Message):
    __slots__ = ("merge_id", "survivor_id", "merged_ids", "survivor", "changed_fields", "merged_by")
    MERGE_ID_FIELD_NUMBER: _ClassVar[int]
    SURVIVOR_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_IDS_FIELD_NUMBER: _ClassVar[int]
    SURVIVOR_FIELD_NUMBER: _ClassVar[int]
    CHANGED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    MERGED_BY_FIELD_NUMBER: _ClassVar[int]
    merge_id: str
    survivor_id: str
    merged_ids: _containers.RepeatedScalarFieldContainer[str]
    survivor: _accounts_pb2.Account
    changed_fields: _containers.RepeatedScalarFieldContainer[str]
    merged_by: str
    def __init__(self, merge_id: _Optional[str] = ..., survivor_id: _Optional[str] = ..., merged_ids: _Optional[_Iterable[str]] = ..., survivor: _Optional[_Union[_accounts_pb2.Account, _Mapping]] = ..., changed_fields: _Optional[_Iterable[str]] = ..., merged_by: _Optional[str] = ...) -> None: ...

class AccountMergeUndone(_message.Message):
    __slots__ = ("merge_id", "survivor_id", "restored_ids", "accounts")
    MERGE_ID_FIELD_NUMBER: _ClassVar[int]
    SURVIVOR_ID_FIELD_NUMBER: _ClassVar[int]
    RESTORED_IDS_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    merge_id: str
    survivor_id: str
    restored_ids: _containers.RepeatedScalarFieldContainer[str]
    accounts: _containers.RepeatedCompositeFieldContainer[_accounts_pb2.Account]
    def __init__(self, merge_id: _Optional[str] = ..., survivor_id: _Optional[str] = ..., restored_ids: _Optional[_Iterable[str]] = ..., accounts: _Optional[_Iterable[_Union[_accounts_pb2.Account, _Mapping]]] = ...) -> None: ...

class ImportCompleted(_message.Message):
    __slots__ = ("job_id", "status", "dry_run", "owner", "rows_total", "rows_accepted", "rows_rejected", "rows_duplicate", "finish_time")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    ROWS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    ROWS_ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    ROWS_REJECTED_FIELD_NUMBER: _ClassVar[int]
    ROWS_DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    status: str
    dry_run: bool
    owner: str
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    rows_duplicate: int
    finish_time: _timestamp_pb2.Timestamp
    def __init__(self, job_id: _Optional[str] = ..., status: _Optional[str] = ..., dry_run: _Optional[bool] = ..., owner: _Optional[str] = ..., rows_total: _Optional[int] = ..., rows_accepted: _Optional[int] = ..., rows_rejected: _Optional[int] = ..., rows_duplicate: _Optional[int] = ..., finish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
