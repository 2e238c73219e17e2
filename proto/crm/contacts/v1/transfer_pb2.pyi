import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ImportFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPORT_FORMAT_UNSPECIFIED: _ClassVar[ImportFormat]
    IMPORT_FORMAT_CSV: _ClassVar[ImportFormat]
    IMPORT_FORMAT_VCARD: _ClassVar[ImportFormat]

class ExportFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXPORT_FORMAT_UNSPECIFIED: _ClassVar[ExportFormat]
    EXPORT_FORMAT_CSV: _ClassVar[ExportFormat]
    EXPORT_FORMAT_VCARD_3: _ClassVar[ExportFormat]
    EXPORT_FORMAT_VCARD_4: _ClassVar[ExportFormat]

class ImportStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPORT_STATUS_UNSPECIFIED: _ClassVar[ImportStatus]
    IMPORT_STATUS_UPLOADING: _ClassVar[ImportStatus]
    IMPORT_STATUS_QUEUED: _ClassVar[ImportStatus]
    IMPORT_STATUS_RUNNING: _ClassVar[ImportStatus]
    IMPORT_STATUS_DONE: _ClassVar[ImportStatus]
    IMPORT_STATUS_FAILED: _ClassVar[ImportStatus]

class ImportRowOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPORT_ROW_OUTCOME_UNSPECIFIED: _ClassVar[ImportRowOutcome]
    IMPORT_ROW_OUTCOME_REJECTED: _ClassVar[ImportRowOutcome]
    IMPORT_ROW_OUTCOME_DUPLICATE: _ClassVar[ImportRowOutcome]
    IMPORT_ROW_OUTCOME_DUPLICATE_ALLOWED: _ClassVar[ImportRowOutcome]
IMPORT_FORMAT_UNSPECIFIED: ImportFormat
IMPORT_FORMAT_CSV: ImportFormat
IMPORT_FORMAT_VCARD: ImportFormat
EXPORT_FORMAT_UNSPECIFIED: ExportFormat
EXPORT_FORMAT_CSV: ExportFormat
EXPORT_FORMAT_VCARD_3: ExportFormat
EXPORT_FORMAT_VCARD_4: ExportFormat
IMPORT_STATUS_UNSPECIFIED: ImportStatus
IMPORT_STATUS_UPLOADING: ImportStatus
IMPORT_STATUS_QUEUED: ImportStatus
IMPORT_STATUS_RUNNING: ImportStatus
IMPORT_STATUS_DONE: ImportStatus
IMPORT_STATUS_FAILED: ImportStatus
IMPORT_ROW_OUTCOME_UNSPECIFIED: ImportRowOutcome
IMPORT_ROW_OUTCOME_REJECTED: ImportRowOutcome
IMPORT_ROW_OUTCOME_DUPLICATE: ImportRowOutcome
IMPORT_ROW_OUTCOME_DUPLICATE_ALLOWED: ImportRowOutcome

class ColumnMapping(_message.Message):
    __slots__ = ("column", "field")
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    column: str
    field: str
    def __init__(self, column: _Optional[str] = ..., field: _Optional[str] = ...) -> None: ...

class ImportOptions(_message.Message):
    __slots__ = ("phone_region", "date_format", "separator", "encoding", "delimiter")
    PHONE_REGION_FIELD_NUMBER: _ClassVar[int]
    DATE_FORMAT_FIELD_NUMBER: _ClassVar[int]
    SEPARATOR_FIELD_NUMBER: _ClassVar[int]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    DELIMITER_FIELD_NUMBER: _ClassVar[int]
    phone_region: str
    date_format: str
    separator: str
    encoding: str
    delimiter: str
    def __init__(self, phone_region: _Optional[str] = ..., date_format: _Optional[str] = ..., separator: _Optional[str] = ..., encoding: _Optional[str] = ..., delimiter: _Optional[str] = ...) -> None: ...

class ImportMapping(_message.Message):
    __slots__ = ("name", "format", "columns", "options", "create_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    format: ImportFormat
    columns: _containers.RepeatedCompositeFieldContainer[ColumnMapping]
    options: ImportOptions
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., format: _Optional[_Union[ImportFormat, str]] = ..., columns: _Optional[_Iterable[_Union[ColumnMapping, _Mapping]]] = ..., options: _Optional[_Union[ImportOptions, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateImportMappingRequest(_message.Message):
    __slots__ = ("mapping",)
    MAPPING_FIELD_NUMBER: _ClassVar[int]
    mapping: ImportMapping
    def __init__(self, mapping: _Optional[_Union[ImportMapping, _Mapping]] = ...) -> None: ...

class GetImportMappingRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListImportMappingsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListImportMappingsResponse(_message.Message):
    __slots__ = ("mappings", "next_page_token")
    MAPPINGS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    mappings: _containers.RepeatedCompositeFieldContainer[ImportMapping]
    next_page_token: str
    def __init__(self, mappings: _Optional[_Iterable[_Union[ImportMapping, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteImportMappingRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteImportMappingResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ImportJob(_message.Message):
    __slots__ = ("id", "status", "format", "dry_run", "allow_duplicates", "mapping_name", "file_name", "file_size", "encoding", "rows_total", "rows_done", "rows_accepted", "rows_rejected", "rows_duplicate", "progress", "error", "owner", "create_time", "update_time", "finish_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    ALLOW_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    MAPPING_NAME_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    FILE_SIZE_FIELD_NUMBER: _ClassVar[int]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    ROWS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    ROWS_DONE_FIELD_NUMBER: _ClassVar[int]
    ROWS_ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    ROWS_REJECTED_FIELD_NUMBER: _ClassVar[int]
    ROWS_DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    status: ImportStatus
    format: ImportFormat
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
    progress: float
    error: str
    owner: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    finish_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., status: _Optional[_Union[ImportStatus, str]] = ..., format: _Optional[_Union[ImportFormat, str]] = ..., dry_run: _Optional[bool] = ..., allow_duplicates: _Optional[bool] = ..., mapping_name: _Optional[str] = ..., file_name: _Optional[str] = ..., file_size: _Optional[int] = ..., encoding: _Optional[str] = ..., rows_total: _Optional[int] = ..., rows_done: _Optional[int] = ..., rows_accepted: _Optional[int] = ..., rows_rejected: _Optional[int] = ..., rows_duplicate: _Optional[int] = ..., progress: _Optional[float] = ..., error: _Optional[str] = ..., owner: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StartImportRequest(_message.Message):
    __slots__ = ("format", "file", "file_name", "columns", "options", "mapping_name", "dry_run", "allow_duplicates", "chunked")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    MAPPING_NAME_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    ALLOW_DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    CHUNKED_FIELD_NUMBER: _ClassVar[int]
    format: ImportFormat
    file: bytes
    file_name: str
    columns: _containers.RepeatedCompositeFieldContainer[ColumnMapping]
    options: ImportOptions
    mapping_name: str
    dry_run: bool
    allow_duplicates: bool
    chunked: bool
    def __init__(self, format: _Optional[_Union[ImportFormat, str]] = ..., file: _Optional[bytes] = ..., file_name: _Optional[str] = ..., columns: _Optional[_Iterable[_Union[ColumnMapping, _Mapping]]] = ..., options: _Optional[_Union[ImportOptions, _Mapping]] = ..., mapping_name: _Optional[str] = ..., dry_run: _Optional[bool] = ..., allow_duplicates: _Optional[bool] = ..., chunked: _Optional[bool] = ...) -> None: ...

class UploadImportChunkRequest(_message.Message):
    __slots__ = ("job_id", "data", "last")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    LAST_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    data: bytes
    last: bool
    def __init__(self, job_id: _Optional[str] = ..., data: _Optional[bytes] = ..., last: _Optional[bool] = ...) -> None: ...

class GetImportJobRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListImportJobsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListImportJobsResponse(_message.Message):
    __slots__ = ("jobs", "next_page_token")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[ImportJob]
    next_page_token: str
    def __init__(self, jobs: _Optional[_Iterable[_Union[ImportJob, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ResumeImportRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ImportRowError(_message.Message):
    __slots__ = ("column", "field", "message")
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    column: str
    field: str
    message: str
    def __init__(self, column: _Optional[str] = ..., field: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class ImportDuplicateCandidate(_message.Message):
    __slots__ = ("person_id", "row", "score", "reasons", "display_name")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ROW_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    row: int
    score: float
    reasons: _containers.RepeatedScalarFieldContainer[str]
    display_name: str
    def __init__(self, person_id: _Optional[str] = ..., row: _Optional[int] = ..., score: _Optional[float] = ..., reasons: _Optional[_Iterable[str]] = ..., display_name: _Optional[str] = ...) -> None: ...

class ImportReject(_message.Message):
    __slots__ = ("row_number", "outcome", "raw", "errors", "candidates", "person_id")
    ROW_NUMBER_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    RAW_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    row_number: int
    outcome: ImportRowOutcome
    raw: str
    errors: _containers.RepeatedCompositeFieldContainer[ImportRowError]
    candidates: _containers.RepeatedCompositeFieldContainer[ImportDuplicateCandidate]
    person_id: str
    def __init__(self, row_number: _Optional[int] = ..., outcome: _Optional[_Union[ImportRowOutcome, str]] = ..., raw: _Optional[str] = ..., errors: _Optional[_Iterable[_Union[ImportRowError, _Mapping]]] = ..., candidates: _Optional[_Iterable[_Union[ImportDuplicateCandidate, _Mapping]]] = ..., person_id: _Optional[str] = ...) -> None: ...

class ListImportRejectsRequest(_message.Message):
    __slots__ = ("job_id", "outcome", "page_size", "page_token")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    outcome: ImportRowOutcome
    page_size: int
    page_token: str
    def __init__(self, job_id: _Optional[str] = ..., outcome: _Optional[_Union[ImportRowOutcome, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListImportRejectsResponse(_message.Message):
    __slots__ = ("rows", "next_page_token")
    ROWS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[ImportReject]
    next_page_token: str
    def __init__(self, rows: _Optional[_Iterable[_Union[ImportReject, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ExportPersonsRequest(_message.Message):
    __slots__ = ("format", "columns", "query", "page_size", "page_token")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    format: ExportFormat
    columns: _containers.RepeatedScalarFieldContainer[str]
    query: str
    page_size: int
    page_token: str
    def __init__(self, format: _Optional[_Union[ExportFormat, str]] = ..., columns: _Optional[_Iterable[str]] = ..., query: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ExportPersonsResponse(_message.Message):
    __slots__ = ("data", "count", "next_page_token", "content_type")
    DATA_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    count: int
    next_page_token: str
    content_type: str
    def __init__(self, data: _Optional[bytes] = ..., count: _Optional[int] = ..., next_page_token: _Optional[str] = ..., content_type: _Optional[str] = ...) -> None: ...
