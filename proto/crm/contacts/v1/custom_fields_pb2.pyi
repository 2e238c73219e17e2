import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CustomFieldEntity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CUSTOM_FIELD_ENTITY_UNSPECIFIED: _ClassVar[CustomFieldEntity]
    CUSTOM_FIELD_ENTITY_PERSON: _ClassVar[CustomFieldEntity]
    CUSTOM_FIELD_ENTITY_ACCOUNT: _ClassVar[CustomFieldEntity]

class CustomFieldType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CUSTOM_FIELD_TYPE_UNSPECIFIED: _ClassVar[CustomFieldType]
    CUSTOM_FIELD_TYPE_TEXT: _ClassVar[CustomFieldType]
    CUSTOM_FIELD_TYPE_NUMBER: _ClassVar[CustomFieldType]
    CUSTOM_FIELD_TYPE_MONEY: _ClassVar[CustomFieldType]
    CUSTOM_FIELD_TYPE_DATE: _ClassVar[CustomFieldType]
    CUSTOM_FIELD_TYPE_BOOL: _ClassVar[CustomFieldType]
    CUSTOM_FIELD_TYPE_CHOICE: _ClassVar[CustomFieldType]
    CUSTOM_FIELD_TYPE_MULTI_CHOICE: _ClassVar[CustomFieldType]
CUSTOM_FIELD_ENTITY_UNSPECIFIED: CustomFieldEntity
CUSTOM_FIELD_ENTITY_PERSON: CustomFieldEntity
CUSTOM_FIELD_ENTITY_ACCOUNT: CustomFieldEntity
CUSTOM_FIELD_TYPE_UNSPECIFIED: CustomFieldType
CUSTOM_FIELD_TYPE_TEXT: CustomFieldType
CUSTOM_FIELD_TYPE_NUMBER: CustomFieldType
CUSTOM_FIELD_TYPE_MONEY: CustomFieldType
CUSTOM_FIELD_TYPE_DATE: CustomFieldType
CUSTOM_FIELD_TYPE_BOOL: CustomFieldType
CUSTOM_FIELD_TYPE_CHOICE: CustomFieldType
CUSTOM_FIELD_TYPE_MULTI_CHOICE: CustomFieldType

class Money(_message.Message):
    __slots__ = ("amount_minor", "currency")
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    amount_minor: int
    currency: str
    def __init__(self, amount_minor: _Optional[int] = ..., currency: _Optional[str] = ...) -> None: ...

class ChoiceList(_message.Message):
    __slots__ = ("choices",)
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    choices: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, choices: _Optional[_Iterable[str]] = ...) -> None: ...

class CustomFieldValue(_message.Message):
    __slots__ = ("text", "number", "money", "date", "bool_value", "choice", "choices")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    MONEY_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    BOOL_VALUE_FIELD_NUMBER: _ClassVar[int]
    CHOICE_FIELD_NUMBER: _ClassVar[int]
    CHOICES_FIELD_NUMBER: _ClassVar[int]
    text: str
    number: str
    money: Money
    date: str
    bool_value: bool
    choice: str
    choices: ChoiceList
    def __init__(self, text: _Optional[str] = ..., number: _Optional[str] = ..., money: _Optional[_Union[Money, _Mapping]] = ..., date: _Optional[str] = ..., bool_value: _Optional[bool] = ..., choice: _Optional[str] = ..., choices: _Optional[_Union[ChoiceList, _Mapping]] = ...) -> None: ...

class CustomFieldOption(_message.Message):
    __slots__ = ("key", "label")
    KEY_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    key: str
    label: str
    def __init__(self, key: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...

class CustomFieldValidation(_message.Message):
    __slots__ = ("max_length", "pattern", "min", "max", "decimal_places", "currency", "min_date", "max_date")
    MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    DECIMAL_PLACES_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    MIN_DATE_FIELD_NUMBER: _ClassVar[int]
    MAX_DATE_FIELD_NUMBER: _ClassVar[int]
    max_length: int
    pattern: str
    min: str
    max: str
    decimal_places: int
    currency: str
    min_date: str
    max_date: str
    def __init__(self, max_length: _Optional[int] = ..., pattern: _Optional[str] = ..., min: _Optional[str] = ..., max: _Optional[str] = ..., decimal_places: _Optional[int] = ..., currency: _Optional[str] = ..., min_date: _Optional[str] = ..., max_date: _Optional[str] = ...) -> None: ...

class CustomField(_message.Message):
    __slots__ = ("id", "entity", "key", "label", "type", "required", "options", "validation", "create_time", "update_time", "retire_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    VALIDATION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    RETIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    entity: CustomFieldEntity
    key: str
    label: str
    type: CustomFieldType
    required: bool
    options: _containers.RepeatedCompositeFieldContainer[CustomFieldOption]
    validation: CustomFieldValidation
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    retire_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., entity: _Optional[_Union[CustomFieldEntity, str]] = ..., key: _Optional[str] = ..., label: _Optional[str] = ..., type: _Optional[_Union[CustomFieldType, str]] = ..., required: _Optional[bool] = ..., options: _Optional[_Iterable[_Union[CustomFieldOption, _Mapping]]] = ..., validation: _Optional[_Union[CustomFieldValidation, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., retire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateCustomFieldRequest(_message.Message):
    __slots__ = ("custom_field",)
    CUSTOM_FIELD_FIELD_NUMBER: _ClassVar[int]
    custom_field: CustomField
    def __init__(self, custom_field: _Optional[_Union[CustomField, _Mapping]] = ...) -> None: ...

class GetCustomFieldRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListCustomFieldsRequest(_message.Message):
    __slots__ = ("entity", "include_retired", "page_size", "page_token")
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_RETIRED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entity: CustomFieldEntity
    include_retired: bool
    page_size: int
    page_token: str
    def __init__(self, entity: _Optional[_Union[CustomFieldEntity, str]] = ..., include_retired: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCustomFieldsResponse(_message.Message):
    __slots__ = ("custom_fields", "next_page_token")
    CUSTOM_FIELDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    custom_fields: _containers.RepeatedCompositeFieldContainer[CustomField]
    next_page_token: str
    def __init__(self, custom_fields: _Optional[_Iterable[_Union[CustomField, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateCustomFieldRequest(_message.Message):
    __slots__ = ("custom_field", "update_mask")
    CUSTOM_FIELD_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    custom_field: CustomField
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, custom_field: _Optional[_Union[CustomField, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteCustomFieldRequest(_message.Message):
    __slots__ = ("id", "purge")
    ID_FIELD_NUMBER: _ClassVar[int]
    PURGE_FIELD_NUMBER: _ClassVar[int]
    id: str
    purge: bool
    def __init__(self, id: _Optional[str] = ..., purge: _Optional[bool] = ...) -> None: ...
