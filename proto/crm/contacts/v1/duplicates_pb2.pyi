import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from crm.contacts.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DuplicateScanStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DUPLICATE_SCAN_STATUS_UNSPECIFIED: _ClassVar[DuplicateScanStatus]
    DUPLICATE_SCAN_STATUS_PENDING: _ClassVar[DuplicateScanStatus]
    DUPLICATE_SCAN_STATUS_RUNNING: _ClassVar[DuplicateScanStatus]
    DUPLICATE_SCAN_STATUS_DONE: _ClassVar[DuplicateScanStatus]
    DUPLICATE_SCAN_STATUS_FAILED: _ClassVar[DuplicateScanStatus]

class DuplicatePairStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DUPLICATE_PAIR_STATUS_UNSPECIFIED: _ClassVar[DuplicatePairStatus]
    DUPLICATE_PAIR_STATUS_OPEN: _ClassVar[DuplicatePairStatus]
    DUPLICATE_PAIR_STATUS_DISMISSED: _ClassVar[DuplicatePairStatus]
    DUPLICATE_PAIR_STATUS_MERGED: _ClassVar[DuplicatePairStatus]
DUPLICATE_SCAN_STATUS_UNSPECIFIED: DuplicateScanStatus
DUPLICATE_SCAN_STATUS_PENDING: DuplicateScanStatus
DUPLICATE_SCAN_STATUS_RUNNING: DuplicateScanStatus
DUPLICATE_SCAN_STATUS_DONE: DuplicateScanStatus
DUPLICATE_SCAN_STATUS_FAILED: DuplicateScanStatus
DUPLICATE_PAIR_STATUS_UNSPECIFIED: DuplicatePairStatus
DUPLICATE_PAIR_STATUS_OPEN: DuplicatePairStatus
DUPLICATE_PAIR_STATUS_DISMISSED: DuplicatePairStatus
DUPLICATE_PAIR_STATUS_MERGED: DuplicatePairStatus

class DuplicateCandidate(_message.Message):
    __slots__ = ("person_id", "display_name", "score", "reasons")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    display_name: str
    score: float
    reasons: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, person_id: _Optional[str] = ..., display_name: _Optional[str] = ..., score: _Optional[float] = ..., reasons: _Optional[_Iterable[str]] = ...) -> None: ...

class DuplicatesFound(_message.Message):
    __slots__ = ("candidates", "account_candidates")
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[DuplicateCandidate]
    account_candidates: _containers.RepeatedCompositeFieldContainer[AccountDuplicateCandidate]
    def __init__(self, candidates: _Optional[_Iterable[_Union[DuplicateCandidate, _Mapping]]] = ..., account_candidates: _Optional[_Iterable[_Union[AccountDuplicateCandidate, _Mapping]]] = ...) -> None: ...

class PersonProbe(_message.Message):
    __slots__ = ("given_name", "family_name", "emails", "phones", "addresses")
    GIVEN_NAME_FIELD_NUMBER: _ClassVar[int]
    FAMILY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAILS_FIELD_NUMBER: _ClassVar[int]
    PHONES_FIELD_NUMBER: _ClassVar[int]
    ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    given_name: str
    family_name: str
    emails: _containers.RepeatedCompositeFieldContainer[_common_pb2.EmailAddress]
    phones: _containers.RepeatedCompositeFieldContainer[_common_pb2.PhoneNumber]
    addresses: _containers.RepeatedCompositeFieldContainer[_common_pb2.PostalAddress]
    def __init__(self, given_name: _Optional[str] = ..., family_name: _Optional[str] = ..., emails: _Optional[_Iterable[_Union[_common_pb2.EmailAddress, _Mapping]]] = ..., phones: _Optional[_Iterable[_Union[_common_pb2.PhoneNumber, _Mapping]]] = ..., addresses: _Optional[_Iterable[_Union[_common_pb2.PostalAddress, _Mapping]]] = ...) -> None: ...

class FindPersonDuplicatesRequest(_message.Message):
    __slots__ = ("person_id", "person", "min_score", "page_size")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    person: PersonProbe
    min_score: float
    page_size: int
    def __init__(self, person_id: _Optional[str] = ..., person: _Optional[_Union[PersonProbe, _Mapping]] = ..., min_score: _Optional[float] = ..., page_size: _Optional[int] = ...) -> None: ...

class FindPersonDuplicatesResponse(_message.Message):
    __slots__ = ("candidates",)
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[DuplicateCandidate]
    def __init__(self, candidates: _Optional[_Iterable[_Union[DuplicateCandidate, _Mapping]]] = ...) -> None: ...

class DuplicateScan(_message.Message):
    __slots__ = ("id", "status", "min_score", "requested_by", "request_time", "start_time", "finish_time", "persons_scanned", "pairs_found", "error")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_TIME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_FIELD_NUMBER: _ClassVar[int]
    PERSONS_SCANNED_FIELD_NUMBER: _ClassVar[int]
    PAIRS_FOUND_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    id: str
    status: DuplicateScanStatus
    min_score: float
    requested_by: str
    request_time: _timestamp_pb2.Timestamp
    start_time: _timestamp_pb2.Timestamp
    finish_time: _timestamp_pb2.Timestamp
    persons_scanned: int
    pairs_found: int
    error: str
    def __init__(self, id: _Optional[str] = ..., status: _Optional[_Union[DuplicateScanStatus, str]] = ..., min_score: _Optional[float] = ..., requested_by: _Optional[str] = ..., request_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., persons_scanned: _Optional[int] = ..., pairs_found: _Optional[int] = ..., error: _Optional[str] = ...) -> None: ...

class StartDuplicateScanRequest(_message.Message):
    __slots__ = ("min_score",)
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    min_score: float
    def __init__(self, min_score: _Optional[float] = ...) -> None: ...

class GetDuplicateScanRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DuplicatePair(_message.Message):
    __slots__ = ("id", "first", "second", "score", "reasons", "status", "scan_id", "find_time", "decided_by", "decide_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_FIELD_NUMBER: _ClassVar[int]
    SECOND_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SCAN_ID_FIELD_NUMBER: _ClassVar[int]
    FIND_TIME_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    first: DuplicateCandidate
    second: DuplicateCandidate
    score: float
    reasons: _containers.RepeatedScalarFieldContainer[str]
    status: DuplicatePairStatus
    scan_id: str
    find_time: _timestamp_pb2.Timestamp
    decided_by: str
    decide_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., first: _Optional[_Union[DuplicateCandidate, _Mapping]] = ..., second: _Optional[_Union[DuplicateCandidate, _Mapping]] = ..., score: _Optional[float] = ..., reasons: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[DuplicatePairStatus, str]] = ..., scan_id: _Optional[str] = ..., find_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decided_by: _Optional[str] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListDuplicatePairsRequest(_message.Message):
    __slots__ = ("status", "min_score", "page_size", "page_token")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    status: DuplicatePairStatus
    min_score: float
    page_size: int
    page_token: str
    def __init__(self, status: _Optional[_Union[DuplicatePairStatus, str]] = ..., min_score: _Optional[float] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDuplicatePairsResponse(_message.Message):
    __slots__ = ("pairs", "next_page_token")
    PAIRS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    pairs: _containers.RepeatedCompositeFieldContainer[DuplicatePair]
    next_page_token: str
    def __init__(self, pairs: _Optional[_Iterable[_Union[DuplicatePair, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DismissDuplicatePairRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class MergePersonsRequest(_message.Message):
    __slots__ = ("survivor_id", "merged_ids", "field_choices")
    class FieldChoicesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SURVIVOR_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_IDS_FIELD_NUMBER: _ClassVar[int]
    FIELD_CHOICES_FIELD_NUMBER: _ClassVar[int]
    survivor_id: str
    merged_ids: _containers.RepeatedScalarFieldContainer[str]
    field_choices: _containers.ScalarMap[str, str]
    def __init__(self, survivor_id: _Optional[str] = ..., merged_ids: _Optional[_Iterable[str]] = ..., field_choices: _Optional[_Mapping[str, str]] = ...) -> None: ...

class PersonMerge(_message.Message):
    __slots__ = ("id", "survivor_id", "merged_ids", "merged_by", "merge_time", "undone_by", "undo_time", "undoable")
    ID_FIELD_NUMBER: _ClassVar[int]
    SURVIVOR_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_IDS_FIELD_NUMBER: _ClassVar[int]
    MERGED_BY_FIELD_NUMBER: _ClassVar[int]
    MERGE_TIME_FIELD_NUMBER: _ClassVar[int]
    UNDONE_BY_FIELD_NUMBER: _ClassVar[int]
    UNDO_TIME_FIELD_NUMBER: _ClassVar[int]
    UNDOABLE_FIELD_NUMBER: _ClassVar[int]
    id: str
    survivor_id: str
    merged_ids: _containers.RepeatedScalarFieldContainer[str]
    merged_by: str
    merge_time: _timestamp_pb2.Timestamp
    undone_by: str
    undo_time: _timestamp_pb2.Timestamp
    undoable: bool
    def __init__(self, id: _Optional[str] = ..., survivor_id: _Optional[str] = ..., merged_ids: _Optional[_Iterable[str]] = ..., merged_by: _Optional[str] = ..., merge_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., undone_by: _Optional[str] = ..., undo_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., undoable: _Optional[bool] = ...) -> None: ...

class GetPersonMergeRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class UndoMergeRequest(_message.Message):
    __slots__ = ("merge_id",)
    MERGE_ID_FIELD_NUMBER: _ClassVar[int]
    merge_id: str
    def __init__(self, merge_id: _Optional[str] = ...) -> None: ...

class AccountProbe(_message.Message):
    __slots__ = ("name", "legal_name", "registration_ids", "websites", "phones", "emails")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEGAL_NAME_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_IDS_FIELD_NUMBER: _ClassVar[int]
    WEBSITES_FIELD_NUMBER: _ClassVar[int]
    PHONES_FIELD_NUMBER: _ClassVar[int]
    EMAILS_FIELD_NUMBER: _ClassVar[int]
    name: str
    legal_name: str
    registration_ids: _containers.RepeatedScalarFieldContainer[str]
    websites: _containers.RepeatedScalarFieldContainer[str]
    phones: _containers.RepeatedCompositeFieldContainer[_common_pb2.PhoneNumber]
    emails: _containers.RepeatedCompositeFieldContainer[_common_pb2.EmailAddress]
    def __init__(self, name: _Optional[str] = ..., legal_name: _Optional[str] = ..., registration_ids: _Optional[_Iterable[str]] = ..., websites: _Optional[_Iterable[str]] = ..., phones: _Optional[_Iterable[_Union[_common_pb2.PhoneNumber, _Mapping]]] = ..., emails: _Optional[_Iterable[_Union[_common_pb2.EmailAddress, _Mapping]]] = ...) -> None: ...

class FindAccountDuplicatesRequest(_message.Message):
    __slots__ = ("account_id", "account", "min_score", "page_size")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    account: AccountProbe
    min_score: float
    page_size: int
    def __init__(self, account_id: _Optional[str] = ..., account: _Optional[_Union[AccountProbe, _Mapping]] = ..., min_score: _Optional[float] = ..., page_size: _Optional[int] = ...) -> None: ...

class AccountDuplicateCandidate(_message.Message):
    __slots__ = ("account_id", "name", "score", "reasons")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    name: str
    score: float
    reasons: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, account_id: _Optional[str] = ..., name: _Optional[str] = ..., score: _Optional[float] = ..., reasons: _Optional[_Iterable[str]] = ...) -> None: ...

class FindAccountDuplicatesResponse(_message.Message):
    __slots__ = ("candidates",)
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[AccountDuplicateCandidate]
    def __init__(self, candidates: _Optional[_Iterable[_Union[AccountDuplicateCandidate, _Mapping]]] = ...) -> None: ...

class MergeAccountsRequest(_message.Message):
    __slots__ = ("survivor_id", "merged_ids", "field_choices")
    class FieldChoicesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SURVIVOR_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_IDS_FIELD_NUMBER: _ClassVar[int]
    FIELD_CHOICES_FIELD_NUMBER: _ClassVar[int]
    survivor_id: str
    merged_ids: _containers.RepeatedScalarFieldContainer[str]
    field_choices: _containers.ScalarMap[str, str]
    def __init__(self, survivor_id: _Optional[str] = ..., merged_ids: _Optional[_Iterable[str]] = ..., field_choices: _Optional[_Mapping[str, str]] = ...) -> None: ...

class AccountMerge(_message.Message):
    __slots__ = ("id", "survivor_id", "merged_ids", "merged_by", "merge_time", "undone_by", "undo_time", "undoable")
    ID_FIELD_NUMBER: _ClassVar[int]
    SURVIVOR_ID_FIELD_NUMBER: _ClassVar[int]
    MERGED_IDS_FIELD_NUMBER: _ClassVar[int]
    MERGED_BY_FIELD_NUMBER: _ClassVar[int]
    MERGE_TIME_FIELD_NUMBER: _ClassVar[int]
    UNDONE_BY_FIELD_NUMBER: _ClassVar[int]
    UNDO_TIME_FIELD_NUMBER: _ClassVar[int]
    UNDOABLE_FIELD_NUMBER: _ClassVar[int]
    id: str
    survivor_id: str
    merged_ids: _containers.RepeatedScalarFieldContainer[str]
    merged_by: str
    merge_time: _timestamp_pb2.Timestamp
    undone_by: str
    undo_time: _timestamp_pb2.Timestamp
    undoable: bool
    def __init__(self, id: _Optional[str] = ..., survivor_id: _Optional[str] = ..., merged_ids: _Optional[_Iterable[str]] = ..., merged_by: _Optional[str] = ..., merge_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., undone_by: _Optional[str] = ..., undo_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., undoable: _Optional[bool] = ...) -> None: ...

class GetAccountMergeRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class UndoAccountMergeRequest(_message.Message):
    __slots__ = ("merge_id",)
    MERGE_ID_FIELD_NUMBER: _ClassVar[int]
    merge_id: str
    def __init__(self, merge_id: _Optional[str] = ...) -> None: ...
