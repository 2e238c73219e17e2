import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from crm.contacts.v1 import common_pb2 as _common_pb2
from crm.contacts.v1 import custom_fields_pb2 as _custom_fields_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ParentKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PARENT_KIND_UNSPECIFIED: _ClassVar[ParentKind]
    PARENT_KIND_SUBSIDIARY: _ClassVar[ParentKind]
    PARENT_KIND_BRANCH: _ClassVar[ParentKind]

class RegistrationKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REGISTRATION_KIND_UNSPECIFIED: _ClassVar[RegistrationKind]
    REGISTRATION_KIND_VAT: _ClassVar[RegistrationKind]
    REGISTRATION_KIND_REGISTRATION: _ClassVar[RegistrationKind]
    REGISTRATION_KIND_DUNS: _ClassVar[RegistrationKind]
    REGISTRATION_KIND_OTHER: _ClassVar[RegistrationKind]

class WebsiteKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WEBSITE_KIND_UNSPECIFIED: _ClassVar[WebsiteKind]
    WEBSITE_KIND_MAIN: _ClassVar[WebsiteKind]
    WEBSITE_KIND_SHOP: _ClassVar[WebsiteKind]
    WEBSITE_KIND_SOCIAL: _ClassVar[WebsiteKind]
    WEBSITE_KIND_OTHER: _ClassVar[WebsiteKind]
PARENT_KIND_UNSPECIFIED: ParentKind
PARENT_KIND_SUBSIDIARY: ParentKind
PARENT_KIND_BRANCH: ParentKind
REGISTRATION_KIND_UNSPECIFIED: RegistrationKind
REGISTRATION_KIND_VAT: RegistrationKind
REGISTRATION_KIND_REGISTRATION: RegistrationKind
REGISTRATION_KIND_DUNS: RegistrationKind
REGISTRATION_KIND_OTHER: RegistrationKind
WEBSITE_KIND_UNSPECIFIED: WebsiteKind
WEBSITE_KIND_MAIN: WebsiteKind
WEBSITE_KIND_SHOP: WebsiteKind
WEBSITE_KIND_SOCIAL: WebsiteKind
WEBSITE_KIND_OTHER: WebsiteKind

class RegistrationId(_message.Message):
    __slots__ = ("kind", "value")
    KIND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    kind: RegistrationKind
    value: str
    def __init__(self, kind: _Optional[_Union[RegistrationKind, str]] = ..., value: _Optional[str] = ...) -> None: ...

class Website(_message.Message):
    __slots__ = ("url", "kind")
    URL_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    url: str
    kind: WebsiteKind
    def __init__(self, url: _Optional[str] = ..., kind: _Optional[_Union[WebsiteKind, str]] = ...) -> None: ...

class Account(_message.Message):
    __slots__ = ("id", "name", "legal_name", "parent_id", "parent_kind", "industry", "employees", "annual_turnover", "registration_ids", "addresses", "phones", "emails", "websites", "tags", "lifecycle", "origin", "custom_fields", "owner", "team", "territory", "create_time", "update_time", "etag", "merged_into")
    class CustomFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _custom_fields_pb2.CustomFieldValue
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_custom_fields_pb2.CustomFieldValue, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEGAL_NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    PARENT_KIND_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEES_FIELD_NUMBER: _ClassVar[int]
    ANNUAL_TURNOVER_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_IDS_FIELD_NUMBER: _ClassVar[int]
    ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    PHONES_FIELD_NUMBER: _ClassVar[int]
    EMAILS_FIELD_NUMBER: _ClassVar[int]
    WEBSITES_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    LIFECYCLE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELDS_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    MERGED_INTO_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    legal_name: str
    parent_id: str
    parent_kind: ParentKind
    industry: str
    employees: int
    annual_turnover: _custom_fields_pb2.Money
    registration_ids: _containers.RepeatedCompositeFieldContainer[RegistrationId]
    addresses: _containers.RepeatedCompositeFieldContainer[_common_pb2.PostalAddress]
    phones: _containers.RepeatedCompositeFieldContainer[_common_pb2.PhoneNumber]
    emails: _containers.RepeatedCompositeFieldContainer[_common_pb2.EmailAddress]
    websites: _containers.RepeatedCompositeFieldContainer[Website]
    tags: _containers.RepeatedScalarFieldContainer[str]
    lifecycle: _common_pb2.Lifecycle
    origin: _common_pb2.Origin
    custom_fields: _containers.MessageMap[str, _custom_fields_pb2.CustomFieldValue]
    owner: str
    team: str
    territory: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    merged_into: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., legal_name: _Optional[str] = ..., parent_id: _Optional[str] = ..., parent_kind: _Optional[_Union[ParentKind, str]] = ..., industry: _Optional[str] = ..., employees: _Optional[int] = ..., annual_turnover: _Optional[_Union[_custom_fields_pb2.Money, _Mapping]] = ..., registration_ids: _Optional[_Iterable[_Union[RegistrationId, _Mapping]]] = ..., addresses: _Optional[_Iterable[_Union[_common_pb2.PostalAddress, _Mapping]]] = ..., phones: _Optional[_Iterable[_Union[_common_pb2.PhoneNumber, _Mapping]]] = ..., emails: _Optional[_Iterable[_Union[_common_pb2.EmailAddress, _Mapping]]] = ..., websites: _Optional[_Iterable[_Union[Website, _Mapping]]] = ..., tags: _Optional[_Iterable[str]] = ..., lifecycle: _Optional[_Union[_common_pb2.Lifecycle, str]] = ..., origin: _Optional[_Union[_common_pb2.Origin, _Mapping]] = ..., custom_fields: _Optional[_Mapping[str, _custom_fields_pb2.CustomFieldValue]] = ..., owner: _Optional[str] = ..., team: _Optional[str] = ..., territory: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., merged_into: _Optional[str] = ...) -> None: ...

class CreateAccountRequest(_message.Message):
    __slots__ = ("account", "request_id", "allow_duplicates")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOW_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    account: Account
    request_id: str
    allow_duplicates: bool
    def __init__(self, account: _Optional[_Union[Account, _Mapping]] = ..., request_id: _Optional[str] = ..., allow_duplicates: _Optional[bool] = ...) -> None: ...

class GetAccountRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListAccountsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAccountsResponse(_message.Message):
    __slots__ = ("accounts", "next_page_token")
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[Account]
    next_page_token: str
    def __init__(self, accounts: _Optional[_Iterable[_Union[Account, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateAccountRequest(_message.Message):
    __slots__ = ("account", "update_mask", "allow_duplicates")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    ALLOW_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    account: Account
    update_mask: _field_mask_pb2.FieldMask
    allow_duplicates: bool
    def __init__(self, account: _Optional[_Union[Account, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., allow_duplicates: _Optional[bool] = ...) -> None: ...

class ListAccountChildrenRequest(_message.Message):
    __slots__ = ("account_id", "recursive", "page_size", "page_token")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    RECURSIVE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    recursive: bool
    page_size: int
    page_token: str
    def __init__(self, account_id: _Optional[str] = ..., recursive: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class AccountNode(_message.Message):
    __slots__ = ("account", "depth")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    account: Account
    depth: int
    def __init__(self, account: _Optional[_Union[Account, _Mapping]] = ..., depth: _Optional[int] = ...) -> None: ...

class ListAccountChildrenResponse(_message.Message):
    __slots__ = ("children", "next_page_token")
    CHILDREN_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    children: _containers.RepeatedCompositeFieldContainer[AccountNode]
    next_page_token: str
    def __init__(self, children: _Optional[_Iterable[_Union[AccountNode, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AccountHistoryEntry(_message.Message):
    __slots__ = ("id", "account_id", "kind", "summary", "source", "occur_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    account_id: str
    kind: str
    summary: str
    source: str
    occur_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., account_id: _Optional[str] = ..., kind: _Optional[str] = ..., summary: _Optional[str] = ..., source: _Optional[str] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListAccountHistoryRequest(_message.Message):
    __slots__ = ("account_id", "page_size", "page_token")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    page_size: int
    page_token: str
    def __init__(self, account_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAccountHistoryResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[AccountHistoryEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[AccountHistoryEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PersonAccountLink(_message.Message):
    __slots__ = ("id", "person_id", "account_id", "position", "role", "is_primary", "start_date", "end_date", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    IS_PRIMARY_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    person_id: str
    account_id: str
    position: str
    role: str
    is_primary: bool
    start_date: str
    end_date: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., person_id: _Optional[str] = ..., account_id: _Optional[str] = ..., position: _Optional[str] = ..., role: _Optional[str] = ..., is_primary: _Optional[bool] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LinkPersonToAccountRequest(_message.Message):
    __slots__ = ("link", "request_id")
    LINK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    link: PersonAccountLink
    request_id: str
    def __init__(self, link: _Optional[_Union[PersonAccountLink, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdatePersonAccountLinkRequest(_message.Message):
    __slots__ = ("link", "update_mask")
    LINK_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    link: PersonAccountLink
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, link: _Optional[_Union[PersonAccountLink, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UnlinkPersonFromAccountRequest(_message.Message):
    __slots__ = ("link_id",)
    LINK_ID_FIELD_NUMBER: _ClassVar[int]
    link_id: str
    def __init__(self, link_id: _Optional[str] = ...) -> None: ...

class UnlinkPersonFromAccountResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAccountPersonsRequest(_message.Message):
    __slots__ = ("account_id", "include_ended", "page_size", "page_token")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ENDED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    include_ended: bool
    page_size: int
    page_token: str
    def __init__(self, account_id: _Optional[str] = ..., include_ended: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPersonAccountsRequest(_message.Message):
    __slots__ = ("person_id", "include_ended", "page_size", "page_token")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ENDED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    include_ended: bool
    page_size: int
    page_token: str
    def __init__(self, person_id: _Optional[str] = ..., include_ended: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPersonAccountLinksResponse(_message.Message):
    __slots__ = ("links", "next_page_token")
    LINKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    links: _containers.RepeatedCompositeFieldContainer[PersonAccountLink]
    next_page_token: str
    def __init__(self, links: _Optional[_Iterable[_Union[PersonAccountLink, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PersonRelation(_message.Message):
    __slots__ = ("id", "person_id", "related_person_id", "label", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    RELATED_PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    person_id: str
    related_person_id: str
    label: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., person_id: _Optional[str] = ..., related_person_id: _Optional[str] = ..., label: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RelatePersonsRequest(_message.Message):
    __slots__ = ("relation",)
    RELATION_FIELD_NUMBER: _ClassVar[int]
    relation: PersonRelation
    def __init__(self, relation: _Optional[_Union[PersonRelation, _Mapping]] = ...) -> None: ...

class ListPersonRelationsRequest(_message.Message):
    __slots__ = ("person_id", "page_size", "page_token")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    page_size: int
    page_token: str
    def __init__(self, person_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPersonRelationsResponse(_message.Message):
    __slots__ = ("relations", "next_page_token")
    RELATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    relations: _containers.RepeatedCompositeFieldContainer[PersonRelation]
    next_page_token: str
    def __init__(self, relations: _Optional[_Iterable[_Union[PersonRelation, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeletePersonRelationRequest(_message.Message):
    __slots__ = ("relation_id",)
    RELATION_ID_FIELD_NUMBER: _ClassVar[int]
    relation_id: str
    def __init__(self, relation_id: _Optional[str] = ...) -> None: ...

class DeletePersonRelationResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AccountRelation(_message.Message):
    __slots__ = ("id", "account_id", "related_account_id", "label", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    RELATED_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    account_id: str
    related_account_id: str
    label: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., account_id: _Optional[str] = ..., related_account_id: _Optional[str] = ..., label: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RelateAccountsRequest(_message.Message):
    __slots__ = ("relation",)
    RELATION_FIELD_NUMBER: _ClassVar[int]
    relation: AccountRelation
    def __init__(self, relation: _Optional[_Union[AccountRelation, _Mapping]] = ...) -> None: ...

class ListAccountRelationsRequest(_message.Message):
    __slots__ = ("account_id", "page_size", "page_token")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    page_size: int
    page_token: str
    def __init__(self, account_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAccountRelationsResponse(_message.Message):
    __slots__ = ("relations", "next_page_token")
    RELATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    relations: _containers.RepeatedCompositeFieldContainer[AccountRelation]
    next_page_token: str
    def __init__(self, relations: _Optional[_Iterable[_Union[AccountRelation, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteAccountRelationRequest(_message.Message):
    __slots__ = ("relation_id",)
    RELATION_ID_FIELD_NUMBER: _ClassVar[int]
    relation_id: str
    def __init__(self, relation_id: _Optional[str] = ...) -> None: ...

class DeleteAccountRelationResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
