import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from crm.sales.v1 import commerce_pb2 as _commerce_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CloseReasonKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLOSE_REASON_KIND_UNSPECIFIED: _ClassVar[CloseReasonKind]
    CLOSE_REASON_KIND_WON: _ClassVar[CloseReasonKind]
    CLOSE_REASON_KIND_LOST: _ClassVar[CloseReasonKind]

class LeadStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LEAD_STATUS_UNSPECIFIED: _ClassVar[LeadStatus]
    LEAD_STATUS_NEW: _ClassVar[LeadStatus]
    LEAD_STATUS_WORKING: _ClassVar[LeadStatus]
    LEAD_STATUS_QUALIFIED: _ClassVar[LeadStatus]
    LEAD_STATUS_DISQUALIFIED: _ClassVar[LeadStatus]
    LEAD_STATUS_CONVERTED: _ClassVar[LeadStatus]

class LeadRating(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LEAD_RATING_UNSPECIFIED: _ClassVar[LeadRating]
    LEAD_RATING_COLD: _ClassVar[LeadRating]
    LEAD_RATING_WARM: _ClassVar[LeadRating]
    LEAD_RATING_HOT: _ClassVar[LeadRating]

class OpportunityStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OPPORTUNITY_STATUS_UNSPECIFIED: _ClassVar[OpportunityStatus]
    OPPORTUNITY_STATUS_OPEN: _ClassVar[OpportunityStatus]
    OPPORTUNITY_STATUS_WON: _ClassVar[OpportunityStatus]
    OPPORTUNITY_STATUS_LOST: _ClassVar[OpportunityStatus]

class ContactRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_ROLE_UNSPECIFIED: _ClassVar[ContactRole]
    CONTACT_ROLE_DECISION_MAKER: _ClassVar[ContactRole]
    CONTACT_ROLE_INFLUENCER: _ClassVar[ContactRole]
    CONTACT_ROLE_SUPPORTER: _ClassVar[ContactRole]
    CONTACT_ROLE_USER: _ClassVar[ContactRole]

class StageChangeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STAGE_CHANGE_KIND_UNSPECIFIED: _ClassVar[StageChangeKind]
    STAGE_CHANGE_KIND_CREATED: _ClassVar[StageChangeKind]
    STAGE_CHANGE_KIND_FORWARD: _ClassVar[StageChangeKind]
    STAGE_CHANGE_KIND_BACKWARD: _ClassVar[StageChangeKind]
    STAGE_CHANGE_KIND_WON: _ClassVar[StageChangeKind]
    STAGE_CHANGE_KIND_LOST: _ClassVar[StageChangeKind]
    STAGE_CHANGE_KIND_REOPENED: _ClassVar[StageChangeKind]
CLOSE_REASON_KIND_UNSPECIFIED: CloseReasonKind
CLOSE_REASON_KIND_WON: CloseReasonKind
CLOSE_REASON_KIND_LOST: CloseReasonKind
LEAD_STATUS_UNSPECIFIED: LeadStatus
LEAD_STATUS_NEW: LeadStatus
LEAD_STATUS_WORKING: LeadStatus
LEAD_STATUS_QUALIFIED: LeadStatus
LEAD_STATUS_DISQUALIFIED: LeadStatus
LEAD_STATUS_CONVERTED: LeadStatus
LEAD_RATING_UNSPECIFIED: LeadRating
LEAD_RATING_COLD: LeadRating
LEAD_RATING_WARM: LeadRating
LEAD_RATING_HOT: LeadRating
OPPORTUNITY_STATUS_UNSPECIFIED: OpportunityStatus
OPPORTUNITY_STATUS_OPEN: OpportunityStatus
OPPORTUNITY_STATUS_WON: OpportunityStatus
OPPORTUNITY_STATUS_LOST: OpportunityStatus
CONTACT_ROLE_UNSPECIFIED: ContactRole
CONTACT_ROLE_DECISION_MAKER: ContactRole
CONTACT_ROLE_INFLUENCER: ContactRole
CONTACT_ROLE_SUPPORTER: ContactRole
CONTACT_ROLE_USER: ContactRole
STAGE_CHANGE_KIND_UNSPECIFIED: StageChangeKind
STAGE_CHANGE_KIND_CREATED: StageChangeKind
STAGE_CHANGE_KIND_FORWARD: StageChangeKind
STAGE_CHANGE_KIND_BACKWARD: StageChangeKind
STAGE_CHANGE_KIND_WON: StageChangeKind
STAGE_CHANGE_KIND_LOST: StageChangeKind
STAGE_CHANGE_KIND_REOPENED: StageChangeKind

class Money(_message.Message):
    __slots__ = ("amount_minor", "currency")
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    amount_minor: int
    currency: str
    def __init__(self, amount_minor: _Optional[int] = ..., currency: _Optional[str] = ...) -> None: ...

class Stage(_message.Message):
    __slots__ = ("id", "name", "probability", "expected_days", "position")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_DAYS_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    probability: int
    expected_days: int
    position: int
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., probability: _Optional[int] = ..., expected_days: _Optional[int] = ..., position: _Optional[int] = ...) -> None: ...

class Pipeline(_message.Message):
    __slots__ = ("id", "name", "stages", "is_default", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    IS_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    stages: _containers.RepeatedCompositeFieldContainer[Stage]
    is_default: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., stages: _Optional[_Iterable[_Union[Stage, _Mapping]]] = ..., is_default: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreatePipelineRequest(_message.Message):
    __slots__ = ("pipeline",)
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    pipeline: Pipeline
    def __init__(self, pipeline: _Optional[_Union[Pipeline, _Mapping]] = ...) -> None: ...

class GetPipelineRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListPipelinesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPipelinesResponse(_message.Message):
    __slots__ = ("pipelines",)
    PIPELINES_FIELD_NUMBER: _ClassVar[int]
    pipelines: _containers.RepeatedCompositeFieldContainer[Pipeline]
    def __init__(self, pipelines: _Optional[_Iterable[_Union[Pipeline, _Mapping]]] = ...) -> None: ...

class UpdatePipelineRequest(_message.Message):
    __slots__ = ("pipeline",)
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    pipeline: Pipeline
    def __init__(self, pipeline: _Optional[_Union[Pipeline, _Mapping]] = ...) -> None: ...

class CloseReason(_message.Message):
    __slots__ = ("id", "kind", "code", "label", "active")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: CloseReasonKind
    code: str
    label: str
    active: bool
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[CloseReasonKind, str]] = ..., code: _Optional[str] = ..., label: _Optional[str] = ..., active: _Optional[bool] = ...) -> None: ...

class CreateCloseReasonRequest(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: CloseReason
    def __init__(self, reason: _Optional[_Union[CloseReason, _Mapping]] = ...) -> None: ...

class ListCloseReasonsRequest(_message.Message):
    __slots__ = ("include_inactive",)
    INCLUDE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    include_inactive: bool
    def __init__(self, include_inactive: _Optional[bool] = ...) -> None: ...

class ListCloseReasonsResponse(_message.Message):
    __slots__ = ("reasons",)
    REASONS_FIELD_NUMBER: _ClassVar[int]
    reasons: _containers.RepeatedCompositeFieldContainer[CloseReason]
    def __init__(self, reasons: _Optional[_Iterable[_Union[CloseReason, _Mapping]]] = ...) -> None: ...

class DeactivateCloseReasonRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class AssignmentRule(_message.Message):
    __slots__ = ("id", "name", "priority", "countries", "industries", "owner", "members", "team", "territory")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    COUNTRIES_FIELD_NUMBER: _ClassVar[int]
    INDUSTRIES_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    priority: int
    countries: _containers.RepeatedScalarFieldContainer[str]
    industries: _containers.RepeatedScalarFieldContainer[str]
    owner: str
    members: _containers.RepeatedScalarFieldContainer[str]
    team: str
    territory: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., priority: _Optional[int] = ..., countries: _Optional[_Iterable[str]] = ..., industries: _Optional[_Iterable[str]] = ..., owner: _Optional[str] = ..., members: _Optional[_Iterable[str]] = ..., team: _Optional[str] = ..., territory: _Optional[str] = ...) -> None: ...

class CreateAssignmentRuleRequest(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: AssignmentRule
    def __init__(self, rule: _Optional[_Union[AssignmentRule, _Mapping]] = ...) -> None: ...

class ListAssignmentRulesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAssignmentRulesResponse(_message.Message):
    __slots__ = ("rules",)
    RULES_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[AssignmentRule]
    def __init__(self, rules: _Optional[_Iterable[_Union[AssignmentRule, _Mapping]]] = ...) -> None: ...

class DeleteAssignmentRuleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteAssignmentRuleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Lead(_message.Message):
    __slots__ = ("id", "given_name", "family_name", "company", "title", "email", "phone", "country", "industry", "source", "status", "rating", "notes", "owner", "team", "territory", "campaign_id", "create_time", "update_time", "last_activity_time", "person_id", "account_id", "opportunity_id", "disqualify_reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    GIVEN_NAME_FIELD_NUMBER: _ClassVar[int]
    FAMILY_NAME_FIELD_NUMBER: _ClassVar[int]
    COMPANY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVITY_TIME_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    DISQUALIFY_REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    given_name: str
    family_name: str
    company: str
    title: str
    email: str
    phone: str
    country: str
    industry: str
    source: str
    status: LeadStatus
    rating: LeadRating
    notes: str
    owner: str
    team: str
    territory: str
    campaign_id: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    last_activity_time: _timestamp_pb2.Timestamp
    person_id: str
    account_id: str
    opportunity_id: str
    disqualify_reason: str
    def __init__(self, id: _Optional[str] = ..., given_name: _Optional[str] = ..., family_name: _Optional[str] = ..., company: _Optional[str] = ..., title: _Optional[str] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., country: _Optional[str] = ..., industry: _Optional[str] = ..., source: _Optional[str] = ..., status: _Optional[_Union[LeadStatus, str]] = ..., rating: _Optional[_Union[LeadRating, str]] = ..., notes: _Optional[str] = ..., owner: _Optional[str] = ..., team: _Optional[str] = ..., territory: _Optional[str] = ..., campaign_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_activity_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., person_id: _Optional[str] = ..., account_id: _Optional[str] = ..., opportunity_id: _Optional[str] = ..., disqualify_reason: _Optional[str] = ...) -> None: ...

class CreateLeadRequest(_message.Message):
    __slots__ = ("lead",)
    LEAD_FIELD_NUMBER: _ClassVar[int]
    lead: Lead
    def __init__(self, lead: _Optional[_Union[Lead, _Mapping]] = ...) -> None: ...

class GetLeadRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListLeadsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "status", "owner")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    status: LeadStatus
    owner: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[LeadStatus, str]] = ..., owner: _Optional[str] = ...) -> None: ...

class ListLeadsResponse(_message.Message):
    __slots__ = ("leads", "next_page_token")
    LEADS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    leads: _containers.RepeatedCompositeFieldContainer[Lead]
    next_page_token: str
    def __init__(self, leads: _Optional[_Iterable[_Union[Lead, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateLeadRequest(_message.Message):
    __slots__ = ("lead", "update_mask")
    LEAD_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    lead: Lead
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, lead: _Optional[_Union[Lead, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class ImportLeadsRequest(_message.Message):
    __slots__ = ("csv", "source")
    CSV_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    csv: bytes
    source: str
    def __init__(self, csv: _Optional[bytes] = ..., source: _Optional[str] = ...) -> None: ...

class ImportLeadsResponse(_message.Message):
    __slots__ = ("imported", "lead_ids")
    IMPORTED_FIELD_NUMBER: _ClassVar[int]
    LEAD_IDS_FIELD_NUMBER: _ClassVar[int]
    imported: int
    lead_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, imported: _Optional[int] = ..., lead_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ListNeglectedLeadsRequest(_message.Message):
    __slots__ = ("days", "page_size", "page_token")
    DAYS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    days: int
    page_size: int
    page_token: str
    def __init__(self, days: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ConvertLeadRequest(_message.Message):
    __slots__ = ("lead_id", "create_account", "account_id", "person_id", "opportunity", "without_opportunity")
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    WITHOUT_OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    lead_id: str
    create_account: bool
    account_id: str
    person_id: str
    opportunity: Opportunity
    without_opportunity: bool
    def __init__(self, lead_id: _Optional[str] = ..., create_account: _Optional[bool] = ..., account_id: _Optional[str] = ..., person_id: _Optional[str] = ..., opportunity: _Optional[_Union[Opportunity, _Mapping]] = ..., without_opportunity: _Optional[bool] = ...) -> None: ...

class ConvertLeadResponse(_message.Message):
    __slots__ = ("lead", "person_id", "account_id", "opportunity")
    LEAD_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    lead: Lead
    person_id: str
    account_id: str
    opportunity: Opportunity
    def __init__(self, lead: _Optional[_Union[Lead, _Mapping]] = ..., person_id: _Optional[str] = ..., account_id: _Optional[str] = ..., opportunity: _Optional[_Union[Opportunity, _Mapping]] = ...) -> None: ...

class OpportunityContact(_message.Message):
    __slots__ = ("person_id", "role")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    role: ContactRole
    def __init__(self, person_id: _Optional[str] = ..., role: _Optional[_Union[ContactRole, str]] = ...) -> None: ...

class OpportunityProduct(_message.Message):
    __slots__ = ("product_id", "name", "quantity", "unit_price")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    name: str
    quantity: int
    unit_price: Money
    def __init__(self, product_id: _Optional[str] = ..., name: _Optional[str] = ..., quantity: _Optional[int] = ..., unit_price: _Optional[_Union[Money, _Mapping]] = ...) -> None: ...

class Opportunity(_message.Message):
    __slots__ = ("id", "name", "account_id", "lead_id", "pipeline_id", "stage_id", "status", "amount", "expected_close_date", "owner", "team", "territory", "next_step", "products", "contacts", "probability", "stage_enter_time", "close_reason_id", "close_note", "lost_to_competitor_id", "competitor_price", "close_time", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_ID_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_CLOSE_DATE_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    STAGE_ENTER_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_REASON_ID_FIELD_NUMBER: _ClassVar[int]
    CLOSE_NOTE_FIELD_NUMBER: _ClassVar[int]
    LOST_TO_COMPETITOR_ID_FIELD_NUMBER: _ClassVar[int]
    COMPETITOR_PRICE_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    account_id: str
    lead_id: str
    pipeline_id: str
    stage_id: str
    status: OpportunityStatus
    amount: Money
    expected_close_date: str
    owner: str
    team: str
    territory: str
    next_step: str
    products: _containers.RepeatedCompositeFieldContainer[OpportunityProduct]
    contacts: _containers.RepeatedCompositeFieldContainer[OpportunityContact]
    probability: int
    stage_enter_time: _timestamp_pb2.Timestamp
    close_reason_id: str
    close_note: str
    lost_to_competitor_id: str
    competitor_price: Money
    close_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., account_id: _Optional[str] = ..., lead_id: _Optional[str] = ..., pipeline_id: _Optional[str] = ..., stage_id: _Optional[str] = ..., status: _Optional[_Union[OpportunityStatus, str]] = ..., amount: _Optional[_Union[Money, _Mapping]] = ..., expected_close_date: _Optional[str] = ..., owner: _Optional[str] = ..., team: _Optional[str] = ..., territory: _Optional[str] = ..., next_step: _Optional[str] = ..., products: _Optional[_Iterable[_Union[OpportunityProduct, _Mapping]]] = ..., contacts: _Optional[_Iterable[_Union[OpportunityContact, _Mapping]]] = ..., probability: _Optional[int] = ..., stage_enter_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_reason_id: _Optional[str] = ..., close_note: _Optional[str] = ..., lost_to_competitor_id: _Optional[str] = ..., competitor_price: _Optional[_Union[Money, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateOpportunityRequest(_message.Message):
    __slots__ = ("opportunity",)
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    opportunity: Opportunity
    def __init__(self, opportunity: _Optional[_Union[Opportunity, _Mapping]] = ...) -> None: ...

class GetOpportunityRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListOpportunitiesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "status", "owner", "pipeline_id", "stage_id", "account_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    status: OpportunityStatus
    owner: str
    pipeline_id: str
    stage_id: str
    account_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[OpportunityStatus, str]] = ..., owner: _Optional[str] = ..., pipeline_id: _Optional[str] = ..., stage_id: _Optional[str] = ..., account_id: _Optional[str] = ...) -> None: ...

class ListOpportunitiesResponse(_message.Message):
    __slots__ = ("opportunities", "next_page_token")
    OPPORTUNITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    opportunities: _containers.RepeatedCompositeFieldContainer[Opportunity]
    next_page_token: str
    def __init__(self, opportunities: _Optional[_Iterable[_Union[Opportunity, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateOpportunityRequest(_message.Message):
    __slots__ = ("opportunity", "update_mask")
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    opportunity: Opportunity
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, opportunity: _Optional[_Union[Opportunity, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class MoveOpportunityStageRequest(_message.Message):
    __slots__ = ("id", "stage_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    stage_id: str
    def __init__(self, id: _Optional[str] = ..., stage_id: _Optional[str] = ...) -> None: ...

class CloseOpportunityRequest(_message.Message):
    __slots__ = ("id", "outcome", "reason_id", "note", "lost_to_competitor_id", "competitor_price")
    ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REASON_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    LOST_TO_COMPETITOR_ID_FIELD_NUMBER: _ClassVar[int]
    COMPETITOR_PRICE_FIELD_NUMBER: _ClassVar[int]
    id: str
    outcome: OpportunityStatus
    reason_id: str
    note: str
    lost_to_competitor_id: str
    competitor_price: Money
    def __init__(self, id: _Optional[str] = ..., outcome: _Optional[_Union[OpportunityStatus, str]] = ..., reason_id: _Optional[str] = ..., note: _Optional[str] = ..., lost_to_competitor_id: _Optional[str] = ..., competitor_price: _Optional[_Union[Money, _Mapping]] = ...) -> None: ...

class ReopenOpportunityRequest(_message.Message):
    __slots__ = ("id", "stage_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    stage_id: str
    def __init__(self, id: _Optional[str] = ..., stage_id: _Optional[str] = ...) -> None: ...

class SetOpportunityContactsRequest(_message.Message):
    __slots__ = ("id", "contacts")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    contacts: _containers.RepeatedCompositeFieldContainer[OpportunityContact]
    def __init__(self, id: _Optional[str] = ..., contacts: _Optional[_Iterable[_Union[OpportunityContact, _Mapping]]] = ...) -> None: ...

class StageChange(_message.Message):
    __slots__ = ("id", "opportunity_id", "pipeline_id", "stage_id", "from_stage_id", "status", "kind", "amount", "probability", "enter_time", "leave_time", "changed_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PROBABILITY_FIELD_NUMBER: _ClassVar[int]
    ENTER_TIME_FIELD_NUMBER: _ClassVar[int]
    LEAVE_TIME_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    opportunity_id: str
    pipeline_id: str
    stage_id: str
    from_stage_id: str
    status: OpportunityStatus
    kind: StageChangeKind
    amount: Money
    probability: int
    enter_time: _timestamp_pb2.Timestamp
    leave_time: _timestamp_pb2.Timestamp
    changed_by: str
    def __init__(self, id: _Optional[str] = ..., opportunity_id: _Optional[str] = ..., pipeline_id: _Optional[str] = ..., stage_id: _Optional[str] = ..., from_stage_id: _Optional[str] = ..., status: _Optional[_Union[OpportunityStatus, str]] = ..., kind: _Optional[_Union[StageChangeKind, str]] = ..., amount: _Optional[_Union[Money, _Mapping]] = ..., probability: _Optional[int] = ..., enter_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., leave_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., changed_by: _Optional[str] = ...) -> None: ...

class ListStageHistoryRequest(_message.Message):
    __slots__ = ("opportunity_id",)
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    def __init__(self, opportunity_id: _Optional[str] = ...) -> None: ...

class ListStageHistoryResponse(_message.Message):
    __slots__ = ("changes",)
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[StageChange]
    def __init__(self, changes: _Optional[_Iterable[_Union[StageChange, _Mapping]]] = ...) -> None: ...
