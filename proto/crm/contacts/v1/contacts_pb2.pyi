import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from crm.contacts.v1 import custom_fields_pb2 as _custom_fields_pb2
from crm.contacts.v1 import common_pb2 as _common_pb2
from crm.contacts.v1 import accounts_pb2 as _accounts_pb2
from crm.contacts.v1 import search_pb2 as _search_pb2
from crm.contacts.v1 import duplicates_pb2 as _duplicates_pb2
from crm.contacts.v1 import transfer_pb2 as _transfer_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union
from crm.contacts.v1.common_pb2 import EmailAddress as EmailAddress
from crm.contacts.v1.common_pb2 import PhoneNumber as PhoneNumber
from crm.contacts.v1.common_pb2 import PostalAddress as PostalAddress
from crm.contacts.v1.common_pb2 import Origin as Origin
from crm.contacts.v1.common_pb2 import EmailKind as EmailKind
from crm.contacts.v1.common_pb2 import PhoneKind as PhoneKind
from crm.contacts.v1.common_pb2 import AddressKind as AddressKind
from crm.contacts.v1.common_pb2 import Lifecycle as Lifecycle
from crm.contacts.v1.common_pb2 import OriginKind as OriginKind

DESCRIPTOR: _descriptor.FileDescriptor
EMAIL_KIND_UNSPECIFIED: _common_pb2.EmailKind
EMAIL_KIND_WORK: _common_pb2.EmailKind
EMAIL_KIND_PERSONAL: _common_pb2.EmailKind
EMAIL_KIND_OTHER: _common_pb2.EmailKind
PHONE_KIND_UNSPECIFIED: _common_pb2.PhoneKind
PHONE_KIND_WORK: _common_pb2.PhoneKind
PHONE_KIND_MOBILE: _common_pb2.PhoneKind
PHONE_KIND_HOME: _common_pb2.PhoneKind
PHONE_KIND_FAX: _common_pb2.PhoneKind
PHONE_KIND_OTHER: _common_pb2.PhoneKind
ADDRESS_KIND_UNSPECIFIED: _common_pb2.AddressKind
ADDRESS_KIND_HOME: _common_pb2.AddressKind
ADDRESS_KIND_WORK: _common_pb2.AddressKind
ADDRESS_KIND_BILLING: _common_pb2.AddressKind
ADDRESS_KIND_SHIPPING: _common_pb2.AddressKind
ADDRESS_KIND_OTHER: _common_pb2.AddressKind
LIFECYCLE_UNSPECIFIED: _common_pb2.Lifecycle
LIFECYCLE_PROSPECT: _common_pb2.Lifecycle
LIFECYCLE_CUSTOMER: _common_pb2.Lifecycle
LIFECYCLE_FORMER: _common_pb2.Lifecycle
ORIGIN_KIND_UNSPECIFIED: _common_pb2.OriginKind
ORIGIN_KIND_ADVERT: _common_pb2.OriginKind
ORIGIN_KIND_PARTNER: _common_pb2.OriginKind
ORIGIN_KIND_WEBSITE: _common_pb2.OriginKind
ORIGIN_KIND_FAIR: _common_pb2.OriginKind
ORIGIN_KIND_CAMPAIGN: _common_pb2.OriginKind
ORIGIN_KIND_REFERRAL: _common_pb2.OriginKind
ORIGIN_KIND_EVENT: _common_pb2.OriginKind
ORIGIN_KIND_IMPORT: _common_pb2.OriginKind
ORIGIN_KIND_OTHER: _common_pb2.OriginKind

class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_UNSPECIFIED: _ClassVar[Channel]
    CHANNEL_EMAIL: _ClassVar[Channel]
    CHANNEL_SMS: _ClassVar[Channel]
    CHANNEL_PHONE: _ClassVar[Channel]
    CHANNEL_LETTER: _ClassVar[Channel]
    CHANNEL_FAX: _ClassVar[Channel]

class Purpose(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PURPOSE_UNSPECIFIED: _ClassVar[Purpose]
    PURPOSE_MARKETING: _ClassVar[Purpose]
    PURPOSE_SERVICE: _ClassVar[Purpose]
CHANNEL_UNSPECIFIED: Channel
CHANNEL_EMAIL: Channel
CHANNEL_SMS: Channel
CHANNEL_PHONE: Channel
CHANNEL_LETTER: Channel
CHANNEL_FAX: Channel
PURPOSE_UNSPECIFIED: Purpose
PURPOSE_MARKETING: Purpose
PURPOSE_SERVICE: Purpose

class Consent(_message.Message):
    __slots__ = ("channel", "purpose", "granted", "source", "record_time")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    GRANTED_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RECORD_TIME_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    purpose: Purpose
    granted: bool
    source: str
    record_time: _timestamp_pb2.Timestamp
    def __init__(self, channel: _Optional[_Union[Channel, str]] = ..., purpose: _Optional[_Union[Purpose, str]] = ..., granted: _Optional[bool] = ..., source: _Optional[str] = ..., record_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Person(_message.Message):
    __slots__ = ("id", "given_name", "family_name", "emails", "phones", "consents", "owner", "team", "territory", "create_time", "update_time", "salutation", "preferred_language", "time_zone", "addresses", "birth_date", "name_day", "anniversaries", "tags", "lifecycle", "origin", "custom_fields", "erased", "erase_time", "merged_into", "etag")
    class CustomFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _custom_fields_pb2.CustomFieldValue
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_custom_fields_pb2.CustomFieldValue, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    GIVEN_NAME_FIELD_NUMBER: _ClassVar[int]
    FAMILY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAILS_FIELD_NUMBER: _ClassVar[int]
    PHONES_FIELD_NUMBER: _ClassVar[int]
    CONSENTS_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SALUTATION_FIELD_NUMBER: _ClassVar[int]
    PREFERRED_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    NAME_DAY_FIELD_NUMBER: _ClassVar[int]
    ANNIVERSARIES_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    LIFECYCLE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    CUSTOM_FIELDS_FIELD_NUMBER: _ClassVar[int]
    ERASED_FIELD_NUMBER: _ClassVar[int]
    ERASE_TIME_FIELD_NUMBER: _ClassVar[int]
    MERGED_INTO_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    given_name: str
    family_name: str
    emails: _containers.RepeatedCompositeFieldContainer[_common_pb2.EmailAddress]
    phones: _containers.RepeatedCompositeFieldContainer[_common_pb2.PhoneNumber]
    consents: _containers.RepeatedCompositeFieldContainer[Consent]
    owner: str
    team: str
    territory: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    salutation: str
    preferred_language: str
    time_zone: str
    addresses: _containers.RepeatedCompositeFieldContainer[_common_pb2.PostalAddress]
    birth_date: str
    name_day: str
    anniversaries: _containers.RepeatedCompositeFieldContainer[Anniversary]
    tags: _containers.RepeatedScalarFieldContainer[str]
    lifecycle: _common_pb2.Lifecycle
    origin: _common_pb2.Origin
    custom_fields: _containers.MessageMap[str, _custom_fields_pb2.CustomFieldValue]
    erased: bool
    erase_time: _timestamp_pb2.Timestamp
    merged_into: str
    etag: str
    def __init__(self, id: _Optional[str] = ..., given_name: _Optional[str] = ..., family_name: _Optional[str] = ..., emails: _Optional[_Iterable[_Union[_common_pb2.EmailAddress, _Mapping]]] = ..., phones: _Optional[_Iterable[_Union[_common_pb2.PhoneNumber, _Mapping]]] = ..., consents: _Optional[_Iterable[_Union[Consent, _Mapping]]] = ..., owner: _Optional[str] = ..., team: _Optional[str] = ..., territory: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., salutation: _Optional[str] = ..., preferred_language: _Optional[str] = ..., time_zone: _Optional[str] = ..., addresses: _Optional[_Iterable[_Union[_common_pb2.PostalAddress, _Mapping]]] = ..., birth_date: _Optional[str] = ..., name_day: _Optional[str] = ..., anniversaries: _Optional[_Iterable[_Union[Anniversary, _Mapping]]] = ..., tags: _Optional[_Iterable[str]] = ..., lifecycle: _Optional[_Union[_common_pb2.Lifecycle, str]] = ..., origin: _Optional[_Union[_common_pb2.Origin, _Mapping]] = ..., custom_fields: _Optional[_Mapping[str, _custom_fields_pb2.CustomFieldValue]] = ..., erased: _Optional[bool] = ..., erase_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., merged_into: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class CreatePersonRequest(_message.Message):
    __slots__ = ("person", "allow_duplicates", "request_id")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    ALLOW_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    person: Person
    allow_duplicates: bool
    request_id: str
    def __init__(self, person: _Optional[_Union[Person, _Mapping]] = ..., allow_duplicates: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetPersonRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListPersonsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListPersonsResponse(_message.Message):
    __slots__ = ("persons", "next_page_token")
    PERSONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    persons: _containers.RepeatedCompositeFieldContainer[Person]
    next_page_token: str
    def __init__(self, persons: _Optional[_Iterable[_Union[Person, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class HistoryEntry(_message.Message):
    __slots__ = ("id", "person_id", "kind", "summary", "source", "occur_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    person_id: str
    kind: str
    summary: str
    source: str
    occur_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., person_id: _Optional[str] = ..., kind: _Optional[str] = ..., summary: _Optional[str] = ..., source: _Optional[str] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListPersonHistoryRequest(_message.Message):
    __slots__ = ("person_id", "page_size", "page_token")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    page_size: int
    page_token: str
    def __init__(self, person_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class SetPersonConsentRequest(_message.Message):
    __slots__ = ("person_id", "consent")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    consent: Consent
    def __init__(self, person_id: _Optional[str] = ..., consent: _Optional[_Union[Consent, _Mapping]] = ...) -> None: ...

class ListPersonHistoryResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[HistoryEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[HistoryEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Anniversary(_message.Message):
    __slots__ = ("label", "date")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    label: str
    date: str
    def __init__(self, label: _Optional[str] = ..., date: _Optional[str] = ...) -> None: ...

class UpdatePersonRequest(_message.Message):
    __slots__ = ("person", "update_mask", "allow_duplicates")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    ALLOW_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    person: Person
    update_mask: _field_mask_pb2.FieldMask
    allow_duplicates: bool
    def __init__(self, person: _Optional[_Union[Person, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., allow_duplicates: _Optional[bool] = ...) -> None: ...

class ErasePersonRequest(_message.Message):
    __slots__ = ("id", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class OwnedProduct(_message.Message):
    __slots__ = ("id", "person_id", "account_id", "product_id", "name", "quantity", "purchased_on", "active", "source", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PURCHASED_ON_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    person_id: str
    account_id: str
    product_id: str
    name: str
    quantity: int
    purchased_on: str
    active: bool
    source: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., person_id: _Optional[str] = ..., account_id: _Optional[str] = ..., product_id: _Optional[str] = ..., name: _Optional[str] = ..., quantity: _Optional[int] = ..., purchased_on: _Optional[str] = ..., active: _Optional[bool] = ..., source: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AddOwnedProductRequest(_message.Message):
    __slots__ = ("owned_product",)
    OWNED_PRODUCT_FIELD_NUMBER: _ClassVar[int]
    owned_product: OwnedProduct
    def __init__(self, owned_product: _Optional[_Union[OwnedProduct, _Mapping]] = ...) -> None: ...

class ListOwnedProductsRequest(_message.Message):
    __slots__ = ("person_id", "account_id", "active_only", "page_size", "page_token")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_ONLY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    account_id: str
    active_only: bool
    page_size: int
    page_token: str
    def __init__(self, person_id: _Optional[str] = ..., account_id: _Optional[str] = ..., active_only: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListOwnedProductsResponse(_message.Message):
    __slots__ = ("owned_products", "next_page_token")
    OWNED_PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    owned_products: _containers.RepeatedCompositeFieldContainer[OwnedProduct]
    next_page_token: str
    def __init__(self, owned_products: _Optional[_Iterable[_Union[OwnedProduct, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateOwnedProductRequest(_message.Message):
    __slots__ = ("owned_product", "update_mask")
    OWNED_PRODUCT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    owned_product: OwnedProduct
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, owned_product: _Optional[_Union[OwnedProduct, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...
