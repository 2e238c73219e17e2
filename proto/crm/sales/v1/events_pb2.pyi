from crm.sales.v1 import sales_pb2 as _sales_pb2
from crm.sales.v1 import commerce_pb2 as _commerce_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PipelineCreated(_message.Message):
    __slots__ = ("pipeline",)
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    pipeline: _sales_pb2.Pipeline
    def __init__(self, pipeline: _Optional[_Union[_sales_pb2.Pipeline, _Mapping]] = ...) -> None: ...

class PipelineUpdated(_message.Message):
    __slots__ = ("pipeline",)
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    pipeline: _sales_pb2.Pipeline
    def __init__(self, pipeline: _Optional[_Union[_sales_pb2.Pipeline, _Mapping]] = ...) -> None: ...

class CloseReasonCreated(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: _sales_pb2.CloseReason
    def __init__(self, reason: _Optional[_Union[_sales_pb2.CloseReason, _Mapping]] = ...) -> None: ...

class CloseReasonDeactivated(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: _sales_pb2.CloseReason
    def __init__(self, reason: _Optional[_Union[_sales_pb2.CloseReason, _Mapping]] = ...) -> None: ...

class AssignmentRuleCreated(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: _sales_pb2.AssignmentRule
    def __init__(self, rule: _Optional[_Union[_sales_pb2.AssignmentRule, _Mapping]] = ...) -> None: ...

class AssignmentRuleDeleted(_message.Message):
    __slots__ = ("rule_id",)
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    def __init__(self, rule_id: _Optional[str] = ...) -> None: ...

class LeadCreated(_message.Message):
    __slots__ = ("lead",)
    LEAD_FIELD_NUMBER: _ClassVar[int]
    lead: _sales_pb2.Lead
    def __init__(self, lead: _Optional[_Union[_sales_pb2.Lead, _Mapping]] = ...) -> None: ...

class LeadUpdated(_message.Message):
    __slots__ = ("lead",)
    LEAD_FIELD_NUMBER: _ClassVar[int]
    lead: _sales_pb2.Lead
    def __init__(self, lead: _Optional[_Union[_sales_pb2.Lead, _Mapping]] = ...) -> None: ...

class LeadConverted(_message.Message):
    __slots__ = ("lead", "person_id", "account_id", "opportunity_id")
    LEAD_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    lead: _sales_pb2.Lead
    person_id: str
    account_id: str
    opportunity_id: str
    def __init__(self, lead: _Optional[_Union[_sales_pb2.Lead, _Mapping]] = ..., person_id: _Optional[str] = ..., account_id: _Optional[str] = ..., opportunity_id: _Optional[str] = ...) -> None: ...

class OpportunityCreated(_message.Message):
    __slots__ = ("opportunity",)
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    opportunity: _sales_pb2.Opportunity
    def __init__(self, opportunity: _Optional[_Union[_sales_pb2.Opportunity, _Mapping]] = ...) -> None: ...

class OpportunityUpdated(_message.Message):
    __slots__ = ("opportunity",)
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    opportunity: _sales_pb2.Opportunity
    def __init__(self, opportunity: _Optional[_Union[_sales_pb2.Opportunity, _Mapping]] = ...) -> None: ...

class OpportunityStageChanged(_message.Message):
    __slots__ = ("opportunity", "change")
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    opportunity: _sales_pb2.Opportunity
    change: _sales_pb2.StageChange
    def __init__(self, opportunity: _Optional[_Union[_sales_pb2.Opportunity, _Mapping]] = ..., change: _Optional[_Union[_sales_pb2.StageChange, _Mapping]] = ...) -> None: ...

class OpportunityWon(_message.Message):
    __slots__ = ("opportunity", "reason_code")
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    opportunity: _sales_pb2.Opportunity
    reason_code: str
    def __init__(self, opportunity: _Optional[_Union[_sales_pb2.Opportunity, _Mapping]] = ..., reason_code: _Optional[str] = ...) -> None: ...

class OpportunityLost(_message.Message):
    __slots__ = ("opportunity", "reason_code")
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    opportunity: _sales_pb2.Opportunity
    reason_code: str
    def __init__(self, opportunity: _Optional[_Union[_sales_pb2.Opportunity, _Mapping]] = ..., reason_code: _Optional[str] = ...) -> None: ...

class OpportunityReopened(_message.Message):
    __slots__ = ("opportunity",)
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    opportunity: _sales_pb2.Opportunity
    def __init__(self, opportunity: _Optional[_Union[_sales_pb2.Opportunity, _Mapping]] = ...) -> None: ...

class ProductCreated(_message.Message):
    __slots__ = ("product",)
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: _commerce_pb2.Product
    def __init__(self, product: _Optional[_Union[_commerce_pb2.Product, _Mapping]] = ...) -> None: ...

class ProductUpdated(_message.Message):
    __slots__ = ("product",)
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: _commerce_pb2.Product
    def __init__(self, product: _Optional[_Union[_commerce_pb2.Product, _Mapping]] = ...) -> None: ...

class PriceListCreated(_message.Message):
    __slots__ = ("price_list",)
    PRICE_LIST_FIELD_NUMBER: _ClassVar[int]
    price_list: _commerce_pb2.PriceList
    def __init__(self, price_list: _Optional[_Union[_commerce_pb2.PriceList, _Mapping]] = ...) -> None: ...

class PriceListUpdated(_message.Message):
    __slots__ = ("price_list",)
    PRICE_LIST_FIELD_NUMBER: _ClassVar[int]
    price_list: _commerce_pb2.PriceList
    def __init__(self, price_list: _Optional[_Union[_commerce_pb2.PriceList, _Mapping]] = ...) -> None: ...

class QuoteCreated(_message.Message):
    __slots__ = ("quote",)
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    quote: _commerce_pb2.Quote
    def __init__(self, quote: _Optional[_Union[_commerce_pb2.Quote, _Mapping]] = ...) -> None: ...

class QuoteUpdated(_message.Message):
    __slots__ = ("quote",)
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    quote: _commerce_pb2.Quote
    def __init__(self, quote: _Optional[_Union[_commerce_pb2.Quote, _Mapping]] = ...) -> None: ...

class QuoteRevised(_message.Message):
    __slots__ = ("quote",)
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    quote: _commerce_pb2.Quote
    def __init__(self, quote: _Optional[_Union[_commerce_pb2.Quote, _Mapping]] = ...) -> None: ...

class QuoteApproved(_message.Message):
    __slots__ = ("quote",)
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    quote: _commerce_pb2.Quote
    def __init__(self, quote: _Optional[_Union[_commerce_pb2.Quote, _Mapping]] = ...) -> None: ...

class QuoteApprovalRejected(_message.Message):
    __slots__ = ("quote",)
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    quote: _commerce_pb2.Quote
    def __init__(self, quote: _Optional[_Union[_commerce_pb2.Quote, _Mapping]] = ...) -> None: ...

class QuoteSent(_message.Message):
    __slots__ = ("quote",)
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    quote: _commerce_pb2.Quote
    def __init__(self, quote: _Optional[_Union[_commerce_pb2.Quote, _Mapping]] = ...) -> None: ...

class QuoteAccepted(_message.Message):
    __slots__ = ("quote", "order_id")
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    quote: _commerce_pb2.Quote
    order_id: str
    def __init__(self, quote: _Optional[_Union[_commerce_pb2.Quote, _Mapping]] = ..., order_id: _Optional[str] = ...) -> None: ...

class QuoteRejected(_message.Message):
    __slots__ = ("quote",)
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    quote: _commerce_pb2.Quote
    def __init__(self, quote: _Optional[_Union[_commerce_pb2.Quote, _Mapping]] = ...) -> None: ...

class OrderPlaced(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: _commerce_pb2.Order
    def __init__(self, order: _Optional[_Union[_commerce_pb2.Order, _Mapping]] = ...) -> None: ...

class CompetitorCreated(_message.Message):
    __slots__ = ("competitor",)
    COMPETITOR_FIELD_NUMBER: _ClassVar[int]
    competitor: _commerce_pb2.Competitor
    def __init__(self, competitor: _Optional[_Union[_commerce_pb2.Competitor, _Mapping]] = ...) -> None: ...

class CompetitorUpdated(_message.Message):
    __slots__ = ("competitor",)
    COMPETITOR_FIELD_NUMBER: _ClassVar[int]
    competitor: _commerce_pb2.Competitor
    def __init__(self, competitor: _Optional[_Union[_commerce_pb2.Competitor, _Mapping]] = ...) -> None: ...

class OpportunityCompetitorSet(_message.Message):
    __slots__ = ("entry",)
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    entry: _commerce_pb2.OpportunityCompetitor
    def __init__(self, entry: _Optional[_Union[_commerce_pb2.OpportunityCompetitor, _Mapping]] = ...) -> None: ...

class OpportunityCompetitorRemoved(_message.Message):
    __slots__ = ("opportunity_id", "competitor_id")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    COMPETITOR_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    competitor_id: str
    def __init__(self, opportunity_id: _Optional[str] = ..., competitor_id: _Optional[str] = ...) -> None: ...
