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

class SearchEntity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEARCH_ENTITY_UNSPECIFIED: _ClassVar[SearchEntity]
    SEARCH_ENTITY_PERSON: _ClassVar[SearchEntity]
    SEARCH_ENTITY_ACCOUNT: _ClassVar[SearchEntity]
SEARCH_ENTITY_UNSPECIFIED: SearchEntity
SEARCH_ENTITY_PERSON: SearchEntity
SEARCH_ENTITY_ACCOUNT: SearchEntity

class SearchPersonsRequest(_message.Message):
    __slots__ = ("query", "columns", "order_by", "page_size", "page_token", "include_count", "saved_search_id")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SAVED_SEARCH_ID_FIELD_NUMBER: _ClassVar[int]
    query: str
    columns: _containers.RepeatedScalarFieldContainer[str]
    order_by: str
    page_size: int
    page_token: str
    include_count: bool
    saved_search_id: str
    def __init__(self, query: _Optional[str] = ..., columns: _Optional[_Iterable[str]] = ..., order_by: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., include_count: _Optional[bool] = ..., saved_search_id: _Optional[str] = ...) -> None: ...

class SearchAccountsRequest(_message.Message):
    __slots__ = ("query", "columns", "order_by", "page_size", "page_token", "include_count", "saved_search_id")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SAVED_SEARCH_ID_FIELD_NUMBER: _ClassVar[int]
    query: str
    columns: _containers.RepeatedScalarFieldContainer[str]
    order_by: str
    page_size: int
    page_token: str
    include_count: bool
    saved_search_id: str
    def __init__(self, query: _Optional[str] = ..., columns: _Optional[_Iterable[str]] = ..., order_by: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., include_count: _Optional[bool] = ..., saved_search_id: _Optional[str] = ...) -> None: ...

class SearchResultRow(_message.Message):
    __slots__ = ("id", "values")
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    id: str
    values: _containers.ScalarMap[str, str]
    def __init__(self, id: _Optional[str] = ..., values: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SearchResponse(_message.Message):
    __slots__ = ("rows", "next_page_token", "total_count", "columns")
    ROWS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[SearchResultRow]
    next_page_token: str
    total_count: int
    columns: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, rows: _Optional[_Iterable[_Union[SearchResultRow, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_count: _Optional[int] = ..., columns: _Optional[_Iterable[str]] = ...) -> None: ...

class SavedSearch(_message.Message):
    __slots__ = ("id", "entity", "name", "query", "columns", "order_by", "shared", "owner", "team", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    SHARED_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    entity: SearchEntity
    name: str
    query: str
    columns: _containers.RepeatedScalarFieldContainer[str]
    order_by: str
    shared: bool
    owner: str
    team: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., entity: _Optional[_Union[SearchEntity, str]] = ..., name: _Optional[str] = ..., query: _Optional[str] = ..., columns: _Optional[_Iterable[str]] = ..., order_by: _Optional[str] = ..., shared: _Optional[bool] = ..., owner: _Optional[str] = ..., team: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateSavedSearchRequest(_message.Message):
    __slots__ = ("saved_search",)
    SAVED_SEARCH_FIELD_NUMBER: _ClassVar[int]
    saved_search: SavedSearch
    def __init__(self, saved_search: _Optional[_Union[SavedSearch, _Mapping]] = ...) -> None: ...

class GetSavedSearchRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListSavedSearchesRequest(_message.Message):
    __slots__ = ("entity", "page_size", "page_token")
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entity: SearchEntity
    page_size: int
    page_token: str
    def __init__(self, entity: _Optional[_Union[SearchEntity, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSavedSearchesResponse(_message.Message):
    __slots__ = ("saved_searches", "next_page_token")
    SAVED_SEARCHES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    saved_searches: _containers.RepeatedCompositeFieldContainer[SavedSearch]
    next_page_token: str
    def __init__(self, saved_searches: _Optional[_Iterable[_Union[SavedSearch, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateSavedSearchRequest(_message.Message):
    __slots__ = ("saved_search", "update_mask")
    SAVED_SEARCH_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    saved_search: SavedSearch
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, saved_search: _Optional[_Union[SavedSearch, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteSavedSearchRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteSavedSearchResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
