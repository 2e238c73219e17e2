import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EmailKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EMAIL_KIND_UNSPECIFIED: _ClassVar[EmailKind]
    EMAIL_KIND_WORK: _ClassVar[EmailKind]
    EMAIL_KIND_PERSONAL: _ClassVar[EmailKind]
    EMAIL_KIND_OTHER: _ClassVar[EmailKind]

class PhoneKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PHONE_KIND_UNSPECIFIED: _ClassVar[PhoneKind]
    PHONE_KIND_WORK: _ClassVar[PhoneKind]
    PHONE_KIND_MOBILE: _ClassVar[PhoneKind]
    PHONE_KIND_HOME: _ClassVar[PhoneKind]
    PHONE_KIND_FAX: _ClassVar[PhoneKind]
    PHONE_KIND_OTHER: _ClassVar[PhoneKind]

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

class AddressKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ADDRESS_KIND_UNSPECIFIED: _ClassVar[AddressKind]
    ADDRESS_KIND_HOME: _ClassVar[AddressKind]
    ADDRESS_KIND_WORK: _ClassVar[AddressKind]
    ADDRESS_KIND_BILLING: _ClassVar[AddressKind]
    ADDRESS_KIND_SHIPPING: _ClassVar[AddressKind]
    ADDRESS_KIND_OTHER: _ClassVar[AddressKind]
EMAIL_KIND_UNSPECIFIED: EmailKind
EMAIL_KIND_WORK: EmailKind
EMAIL_KIND_PERSONAL: EmailKind
EMAIL_KIND_OTHER: EmailKind
PHONE_KIND_UNSPECIFIED: PhoneKind
PHONE_KIND_WORK: PhoneKind
PHONE_KIND_MOBILE: PhoneKind
PHONE_KIND_HOME: PhoneKind
PHONE_KIND_FAX: PhoneKind
PHONE_KIND_OTHER: PhoneKind
CHANNEL_UNSPECIFIED: Channel
CHANNEL_EMAIL: Channel
CHANNEL_SMS: Channel
CHANNEL_PHONE: Channel
CHANNEL_LETTER: Channel
CHANNEL_FAX: Channel
PURPOSE_UNSPECIFIED: Purpose
PURPOSE_MARKETING: Purpose
PURPOSE_SERVICE: Purpose
ADDRESS_KIND_UNSPECIFIED: AddressKind
ADDRESS_KIND_HOME: AddressKind
ADDRESS_KIND_WORK: AddressKind
ADDRESS_KIND_BILLING: AddressKind
ADDRESS_KIND_SHIPPING: AddressKind
ADDRESS_KIND_OTHER: AddressKind

class EmailAddress(_message.Message):
    __slots__ = ("address", "kind")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    address: str
    kind: EmailKind
    def __init__(self, address: _Optional[str] = ..., kind: _Optional[_Union[EmailKind, str]] = ...) -> None: ...

class PhoneNumber(_message.Message):
    __slots__ = ("number", "kind")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    number: str
    kind: PhoneKind
    def __init__(self, number: _Optional[str] = ..., kind: _Optional[_Union[PhoneKind, str]] = ...) -> None: ...

class PostalAddress(_message.Message):
    __slots__ = ("kind", "lines", "postal_code", "city", "region", "country")
    KIND_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    POSTAL_CODE_FIELD_NUMBER: _ClassVar[int]
    CITY_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    kind: AddressKind
    lines: _containers.RepeatedScalarFieldContainer[str]
    postal_code: str
    city: str
    region: str
    country: str
    def __init__(self, kind: _Optional[_Union[AddressKind, str]] = ..., lines: _Optional[_Iterable[str]] = ..., postal_code: _Optional[str] = ..., city: _Optional[str] = ..., region: _Optional[str] = ..., country: _Optional[str] = ...) -> None: ...

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
    __slots__ = ("id", "given_name", "family_name", "emails", "phones", "consents", "owner", "team", "territory", "create_time", "update_time", "salutation", "preferred_language", "time_zone", "addresses")
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
    id: str
    given_name: str
    family_name: str
    emails: _containers.RepeatedCompositeFieldContainer[EmailAddress]
    phones: _containers.RepeatedCompositeFieldContainer[PhoneNumber]
    consents: _containers.RepeatedCompositeFieldContainer[Consent]
    owner: str
    team: str
    territory: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    salutation: str
    preferred_language: str
    time_zone: str
    addresses: _containers.RepeatedCompositeFieldContainer[PostalAddress]
    def __init__(self, id: _Optional[str] = ..., given_name: _Optional[str] = ..., family_name: _Optional[str] = ..., emails: _Optional[_Iterable[_Union[EmailAddress, _Mapping]]] = ..., phones: _Optional[_Iterable[_Union[PhoneNumber, _Mapping]]] = ..., consents: _Optional[_Iterable[_Union[Consent, _Mapping]]] = ..., owner: _Optional[str] = ..., team: _Optional[str] = ..., territory: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., salutation: _Optional[str] = ..., preferred_language: _Optional[str] = ..., time_zone: _Optional[str] = ..., addresses: _Optional[_Iterable[_Union[PostalAddress, _Mapping]]] = ...) -> None: ...

class CreatePersonRequest(_message.Message):
    __slots__ = ("person",)
    PERSON_FIELD_NUMBER: _ClassVar[int]
    person: Person
    def __init__(self, person: _Optional[_Union[Person, _Mapping]] = ...) -> None: ...

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
