from crm.contacts.v1 import contacts_pb2 as _contacts_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
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
