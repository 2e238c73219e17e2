from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
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

class AddressKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ADDRESS_KIND_UNSPECIFIED: _ClassVar[AddressKind]
    ADDRESS_KIND_HOME: _ClassVar[AddressKind]
    ADDRESS_KIND_WORK: _ClassVar[AddressKind]
    ADDRESS_KIND_BILLING: _ClassVar[AddressKind]
    ADDRESS_KIND_SHIPPING: _ClassVar[AddressKind]
    ADDRESS_KIND_OTHER: _ClassVar[AddressKind]

class Lifecycle(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LIFECYCLE_UNSPECIFIED: _ClassVar[Lifecycle]
    LIFECYCLE_PROSPECT: _ClassVar[Lifecycle]
    LIFECYCLE_CUSTOMER: _ClassVar[Lifecycle]
    LIFECYCLE_FORMER: _ClassVar[Lifecycle]

class OriginKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORIGIN_KIND_UNSPECIFIED: _ClassVar[OriginKind]
    ORIGIN_KIND_ADVERT: _ClassVar[OriginKind]
    ORIGIN_KIND_PARTNER: _ClassVar[OriginKind]
    ORIGIN_KIND_WEBSITE: _ClassVar[OriginKind]
    ORIGIN_KIND_FAIR: _ClassVar[OriginKind]
    ORIGIN_KIND_CAMPAIGN: _ClassVar[OriginKind]
    ORIGIN_KIND_REFERRAL: _ClassVar[OriginKind]
    ORIGIN_KIND_EVENT: _ClassVar[OriginKind]
    ORIGIN_KIND_IMPORT: _ClassVar[OriginKind]
    ORIGIN_KIND_OTHER: _ClassVar[OriginKind]
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
ADDRESS_KIND_UNSPECIFIED: AddressKind
ADDRESS_KIND_HOME: AddressKind
ADDRESS_KIND_WORK: AddressKind
ADDRESS_KIND_BILLING: AddressKind
ADDRESS_KIND_SHIPPING: AddressKind
ADDRESS_KIND_OTHER: AddressKind
LIFECYCLE_UNSPECIFIED: Lifecycle
LIFECYCLE_PROSPECT: Lifecycle
LIFECYCLE_CUSTOMER: Lifecycle
LIFECYCLE_FORMER: Lifecycle
ORIGIN_KIND_UNSPECIFIED: OriginKind
ORIGIN_KIND_ADVERT: OriginKind
ORIGIN_KIND_PARTNER: OriginKind
ORIGIN_KIND_WEBSITE: OriginKind
ORIGIN_KIND_FAIR: OriginKind
ORIGIN_KIND_CAMPAIGN: OriginKind
ORIGIN_KIND_REFERRAL: OriginKind
ORIGIN_KIND_EVENT: OriginKind
ORIGIN_KIND_IMPORT: OriginKind
ORIGIN_KIND_OTHER: OriginKind

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

class Origin(_message.Message):
    __slots__ = ("kind", "detail", "campaign_id")
    KIND_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    kind: OriginKind
    detail: str
    campaign_id: str
    def __init__(self, kind: _Optional[_Union[OriginKind, str]] = ..., detail: _Optional[str] = ..., campaign_id: _Optional[str] = ...) -> None: ...
