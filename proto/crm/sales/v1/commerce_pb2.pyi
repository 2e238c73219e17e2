import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QuoteStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUOTE_STATUS_UNSPECIFIED: _ClassVar[QuoteStatus]
    QUOTE_STATUS_DRAFT: _ClassVar[QuoteStatus]
    QUOTE_STATUS_SENT: _ClassVar[QuoteStatus]
    QUOTE_STATUS_ACCEPTED: _ClassVar[QuoteStatus]
    QUOTE_STATUS_REJECTED: _ClassVar[QuoteStatus]

class ApprovalStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPROVAL_STATUS_UNSPECIFIED: _ClassVar[ApprovalStatus]
    APPROVAL_STATUS_NOT_REQUIRED: _ClassVar[ApprovalStatus]
    APPROVAL_STATUS_PENDING: _ClassVar[ApprovalStatus]
    APPROVAL_STATUS_APPROVED: _ClassVar[ApprovalStatus]
    APPROVAL_STATUS_REJECTED: _ClassVar[ApprovalStatus]

class ThreatLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    THREAT_LEVEL_UNSPECIFIED: _ClassVar[ThreatLevel]
    THREAT_LEVEL_LOW: _ClassVar[ThreatLevel]
    THREAT_LEVEL_MEDIUM: _ClassVar[ThreatLevel]
    THREAT_LEVEL_HIGH: _ClassVar[ThreatLevel]

class ForecastDimension(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FORECAST_DIMENSION_UNSPECIFIED: _ClassVar[ForecastDimension]
    FORECAST_DIMENSION_OWNER: _ClassVar[ForecastDimension]
    FORECAST_DIMENSION_TEAM: _ClassVar[ForecastDimension]
    FORECAST_DIMENSION_TERRITORY: _ClassVar[ForecastDimension]
QUOTE_STATUS_UNSPECIFIED: QuoteStatus
QUOTE_STATUS_DRAFT: QuoteStatus
QUOTE_STATUS_SENT: QuoteStatus
QUOTE_STATUS_ACCEPTED: QuoteStatus
QUOTE_STATUS_REJECTED: QuoteStatus
APPROVAL_STATUS_UNSPECIFIED: ApprovalStatus
APPROVAL_STATUS_NOT_REQUIRED: ApprovalStatus
APPROVAL_STATUS_PENDING: ApprovalStatus
APPROVAL_STATUS_APPROVED: ApprovalStatus
APPROVAL_STATUS_REJECTED: ApprovalStatus
THREAT_LEVEL_UNSPECIFIED: ThreatLevel
THREAT_LEVEL_LOW: ThreatLevel
THREAT_LEVEL_MEDIUM: ThreatLevel
THREAT_LEVEL_HIGH: ThreatLevel
FORECAST_DIMENSION_UNSPECIFIED: ForecastDimension
FORECAST_DIMENSION_OWNER: ForecastDimension
FORECAST_DIMENSION_TEAM: ForecastDimension
FORECAST_DIMENSION_TERRITORY: ForecastDimension

class Product(_message.Message):
    __slots__ = ("id", "sku", "name", "description", "tax_rate_bp", "active", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    SKU_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TAX_RATE_BP_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    sku: str
    name: str
    description: str
    tax_rate_bp: int
    active: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., sku: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., tax_rate_bp: _Optional[int] = ..., active: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateProductRequest(_message.Message):
    __slots__ = ("product",)
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: Product
    def __init__(self, product: _Optional[_Union[Product, _Mapping]] = ...) -> None: ...

class GetProductRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListProductsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "include_inactive")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    include_inactive: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., include_inactive: _Optional[bool] = ...) -> None: ...

class ListProductsResponse(_message.Message):
    __slots__ = ("products", "next_page_token")
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    products: _containers.RepeatedCompositeFieldContainer[Product]
    next_page_token: str
    def __init__(self, products: _Optional[_Iterable[_Union[Product, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateProductRequest(_message.Message):
    __slots__ = ("product",)
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: Product
    def __init__(self, product: _Optional[_Union[Product, _Mapping]] = ...) -> None: ...

class PriceListEntry(_message.Message):
    __slots__ = ("product_id", "unit_price_minor")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_MINOR_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    unit_price_minor: int
    def __init__(self, product_id: _Optional[str] = ..., unit_price_minor: _Optional[int] = ...) -> None: ...

class PriceList(_message.Message):
    __slots__ = ("id", "name", "currency", "valid_from", "valid_to", "entries", "active", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_TO_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    currency: str
    valid_from: str
    valid_to: str
    entries: _containers.RepeatedCompositeFieldContainer[PriceListEntry]
    active: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., currency: _Optional[str] = ..., valid_from: _Optional[str] = ..., valid_to: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[PriceListEntry, _Mapping]]] = ..., active: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreatePriceListRequest(_message.Message):
    __slots__ = ("price_list",)
    PRICE_LIST_FIELD_NUMBER: _ClassVar[int]
    price_list: PriceList
    def __init__(self, price_list: _Optional[_Union[PriceList, _Mapping]] = ...) -> None: ...

class GetPriceListRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListPriceListsRequest(_message.Message):
    __slots__ = ("currency", "valid_on")
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    VALID_ON_FIELD_NUMBER: _ClassVar[int]
    currency: str
    valid_on: str
    def __init__(self, currency: _Optional[str] = ..., valid_on: _Optional[str] = ...) -> None: ...

class ListPriceListsResponse(_message.Message):
    __slots__ = ("price_lists",)
    PRICE_LISTS_FIELD_NUMBER: _ClassVar[int]
    price_lists: _containers.RepeatedCompositeFieldContainer[PriceList]
    def __init__(self, price_lists: _Optional[_Iterable[_Union[PriceList, _Mapping]]] = ...) -> None: ...

class UpdatePriceListRequest(_message.Message):
    __slots__ = ("price_list",)
    PRICE_LIST_FIELD_NUMBER: _ClassVar[int]
    price_list: PriceList
    def __init__(self, price_list: _Optional[_Union[PriceList, _Mapping]] = ...) -> None: ...

class QuoteLine(_message.Message):
    __slots__ = ("product_id", "quantity", "discount_bp", "discount_minor", "tax_rate_bp", "sku", "name", "unit_price_minor", "list_minor", "discount_total_minor", "net_minor", "tax_minor", "gross_minor")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_BP_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    TAX_RATE_BP_FIELD_NUMBER: _ClassVar[int]
    SKU_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_MINOR_FIELD_NUMBER: _ClassVar[int]
    LIST_MINOR_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_TOTAL_MINOR_FIELD_NUMBER: _ClassVar[int]
    NET_MINOR_FIELD_NUMBER: _ClassVar[int]
    TAX_MINOR_FIELD_NUMBER: _ClassVar[int]
    GROSS_MINOR_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    quantity: int
    discount_bp: int
    discount_minor: int
    tax_rate_bp: int
    sku: str
    name: str
    unit_price_minor: int
    list_minor: int
    discount_total_minor: int
    net_minor: int
    tax_minor: int
    gross_minor: int
    def __init__(self, product_id: _Optional[str] = ..., quantity: _Optional[int] = ..., discount_bp: _Optional[int] = ..., discount_minor: _Optional[int] = ..., tax_rate_bp: _Optional[int] = ..., sku: _Optional[str] = ..., name: _Optional[str] = ..., unit_price_minor: _Optional[int] = ..., list_minor: _Optional[int] = ..., discount_total_minor: _Optional[int] = ..., net_minor: _Optional[int] = ..., tax_minor: _Optional[int] = ..., gross_minor: _Optional[int] = ...) -> None: ...

class TaxLine(_message.Message):
    __slots__ = ("rate_bp", "taxable_minor", "tax_minor")
    RATE_BP_FIELD_NUMBER: _ClassVar[int]
    TAXABLE_MINOR_FIELD_NUMBER: _ClassVar[int]
    TAX_MINOR_FIELD_NUMBER: _ClassVar[int]
    rate_bp: int
    taxable_minor: int
    tax_minor: int
    def __init__(self, rate_bp: _Optional[int] = ..., taxable_minor: _Optional[int] = ..., tax_minor: _Optional[int] = ...) -> None: ...

class QuoteTotals(_message.Message):
    __slots__ = ("list_minor", "discount_minor", "net_minor", "tax_minor", "gross_minor", "taxes", "discount_bp")
    LIST_MINOR_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    NET_MINOR_FIELD_NUMBER: _ClassVar[int]
    TAX_MINOR_FIELD_NUMBER: _ClassVar[int]
    GROSS_MINOR_FIELD_NUMBER: _ClassVar[int]
    TAXES_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_BP_FIELD_NUMBER: _ClassVar[int]
    list_minor: int
    discount_minor: int
    net_minor: int
    tax_minor: int
    gross_minor: int
    taxes: _containers.RepeatedCompositeFieldContainer[TaxLine]
    discount_bp: int
    def __init__(self, list_minor: _Optional[int] = ..., discount_minor: _Optional[int] = ..., net_minor: _Optional[int] = ..., tax_minor: _Optional[int] = ..., gross_minor: _Optional[int] = ..., taxes: _Optional[_Iterable[_Union[TaxLine, _Mapping]]] = ..., discount_bp: _Optional[int] = ...) -> None: ...

class Quote(_message.Message):
    __slots__ = ("id", "opportunity_id", "account_id", "price_list_id", "currency", "version", "status", "approval", "discount_bp", "valid_until", "note", "lines", "totals", "owner", "team", "territory", "approved_by", "approval_comment", "reject_reason", "order_id", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_LIST_ID_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_FIELD_NUMBER: _ClassVar[int]
    DISCOUNT_BP_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    APPROVED_BY_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_COMMENT_FIELD_NUMBER: _ClassVar[int]
    REJECT_REASON_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    opportunity_id: str
    account_id: str
    price_list_id: str
    currency: str
    version: int
    status: QuoteStatus
    approval: ApprovalStatus
    discount_bp: int
    valid_until: str
    note: str
    lines: _containers.RepeatedCompositeFieldContainer[QuoteLine]
    totals: QuoteTotals
    owner: str
    team: str
    territory: str
    approved_by: str
    approval_comment: str
    reject_reason: str
    order_id: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., opportunity_id: _Optional[str] = ..., account_id: _Optional[str] = ..., price_list_id: _Optional[str] = ..., currency: _Optional[str] = ..., version: _Optional[int] = ..., status: _Optional[_Union[QuoteStatus, str]] = ..., approval: _Optional[_Union[ApprovalStatus, str]] = ..., discount_bp: _Optional[int] = ..., valid_until: _Optional[str] = ..., note: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[QuoteLine, _Mapping]]] = ..., totals: _Optional[_Union[QuoteTotals, _Mapping]] = ..., owner: _Optional[str] = ..., team: _Optional[str] = ..., territory: _Optional[str] = ..., approved_by: _Optional[str] = ..., approval_comment: _Optional[str] = ..., reject_reason: _Optional[str] = ..., order_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateQuoteRequest(_message.Message):
    __slots__ = ("quote",)
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    quote: Quote
    def __init__(self, quote: _Optional[_Union[Quote, _Mapping]] = ...) -> None: ...

class GetQuoteRequest(_message.Message):
    __slots__ = ("id", "version")
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    id: str
    version: int
    def __init__(self, id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class ListQuotesRequest(_message.Message):
    __slots__ = ("opportunity_id", "status", "page_size", "page_token")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    status: QuoteStatus
    page_size: int
    page_token: str
    def __init__(self, opportunity_id: _Optional[str] = ..., status: _Optional[_Union[QuoteStatus, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListQuotesResponse(_message.Message):
    __slots__ = ("quotes", "next_page_token")
    QUOTES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    quotes: _containers.RepeatedCompositeFieldContainer[Quote]
    next_page_token: str
    def __init__(self, quotes: _Optional[_Iterable[_Union[Quote, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateQuoteRequest(_message.Message):
    __slots__ = ("quote", "expected_version")
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    quote: Quote
    expected_version: int
    def __init__(self, quote: _Optional[_Union[Quote, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class ListQuoteVersionsRequest(_message.Message):
    __slots__ = ("quote_id",)
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    quote_id: str
    def __init__(self, quote_id: _Optional[str] = ...) -> None: ...

class ListQuoteVersionsResponse(_message.Message):
    __slots__ = ("versions",)
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[Quote]
    def __init__(self, versions: _Optional[_Iterable[_Union[Quote, _Mapping]]] = ...) -> None: ...

class DecideQuoteApprovalRequest(_message.Message):
    __slots__ = ("quote_id", "version", "approve", "comment")
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    APPROVE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    quote_id: str
    version: int
    approve: bool
    comment: str
    def __init__(self, quote_id: _Optional[str] = ..., version: _Optional[int] = ..., approve: _Optional[bool] = ..., comment: _Optional[str] = ...) -> None: ...

class SendQuoteRequest(_message.Message):
    __slots__ = ("quote_id", "version")
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    quote_id: str
    version: int
    def __init__(self, quote_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class AcceptQuoteRequest(_message.Message):
    __slots__ = ("quote_id", "version", "purchase_order_number")
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDER_NUMBER_FIELD_NUMBER: _ClassVar[int]
    quote_id: str
    version: int
    purchase_order_number: str
    def __init__(self, quote_id: _Optional[str] = ..., version: _Optional[int] = ..., purchase_order_number: _Optional[str] = ...) -> None: ...

class AcceptQuoteResponse(_message.Message):
    __slots__ = ("quote", "order")
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    quote: Quote
    order: Order
    def __init__(self, quote: _Optional[_Union[Quote, _Mapping]] = ..., order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class RejectQuoteRequest(_message.Message):
    __slots__ = ("quote_id", "version", "reason")
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    quote_id: str
    version: int
    reason: str
    def __init__(self, quote_id: _Optional[str] = ..., version: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class Order(_message.Message):
    __slots__ = ("id", "quote_id", "quote_version", "opportunity_id", "account_id", "price_list_id", "currency", "purchase_order_number", "lines", "totals", "owner", "team", "territory", "placed_by", "place_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    QUOTE_VERSION_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_LIST_ID_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    PURCHASE_ORDER_NUMBER_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    PLACED_BY_FIELD_NUMBER: _ClassVar[int]
    PLACE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    quote_id: str
    quote_version: int
    opportunity_id: str
    account_id: str
    price_list_id: str
    currency: str
    purchase_order_number: str
    lines: _containers.RepeatedCompositeFieldContainer[QuoteLine]
    totals: QuoteTotals
    owner: str
    team: str
    territory: str
    placed_by: str
    place_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., quote_id: _Optional[str] = ..., quote_version: _Optional[int] = ..., opportunity_id: _Optional[str] = ..., account_id: _Optional[str] = ..., price_list_id: _Optional[str] = ..., currency: _Optional[str] = ..., purchase_order_number: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[QuoteLine, _Mapping]]] = ..., totals: _Optional[_Union[QuoteTotals, _Mapping]] = ..., owner: _Optional[str] = ..., team: _Optional[str] = ..., territory: _Optional[str] = ..., placed_by: _Optional[str] = ..., place_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListOrdersRequest(_message.Message):
    __slots__ = ("opportunity_id", "account_id", "page_size", "page_token")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    account_id: str
    page_size: int
    page_token: str
    def __init__(self, opportunity_id: _Optional[str] = ..., account_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListOrdersResponse(_message.Message):
    __slots__ = ("orders", "next_page_token")
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    next_page_token: str
    def __init__(self, orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CompetitorPrice(_message.Message):
    __slots__ = ("currency", "amount_minor", "valid_from", "valid_to")
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_TO_FIELD_NUMBER: _ClassVar[int]
    currency: str
    amount_minor: int
    valid_from: str
    valid_to: str
    def __init__(self, currency: _Optional[str] = ..., amount_minor: _Optional[int] = ..., valid_from: _Optional[str] = ..., valid_to: _Optional[str] = ...) -> None: ...

class CompetitorProduct(_message.Message):
    __slots__ = ("name", "prices")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PRICES_FIELD_NUMBER: _ClassVar[int]
    name: str
    prices: _containers.RepeatedCompositeFieldContainer[CompetitorPrice]
    def __init__(self, name: _Optional[str] = ..., prices: _Optional[_Iterable[_Union[CompetitorPrice, _Mapping]]] = ...) -> None: ...

class Competitor(_message.Message):
    __slots__ = ("id", "name", "website", "strengths", "weaknesses", "products", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    WEBSITE_FIELD_NUMBER: _ClassVar[int]
    STRENGTHS_FIELD_NUMBER: _ClassVar[int]
    WEAKNESSES_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    website: str
    strengths: str
    weaknesses: str
    products: _containers.RepeatedCompositeFieldContainer[CompetitorProduct]
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., website: _Optional[str] = ..., strengths: _Optional[str] = ..., weaknesses: _Optional[str] = ..., products: _Optional[_Iterable[_Union[CompetitorProduct, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateCompetitorRequest(_message.Message):
    __slots__ = ("competitor",)
    COMPETITOR_FIELD_NUMBER: _ClassVar[int]
    competitor: Competitor
    def __init__(self, competitor: _Optional[_Union[Competitor, _Mapping]] = ...) -> None: ...

class GetCompetitorRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListCompetitorsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListCompetitorsResponse(_message.Message):
    __slots__ = ("competitors",)
    COMPETITORS_FIELD_NUMBER: _ClassVar[int]
    competitors: _containers.RepeatedCompositeFieldContainer[Competitor]
    def __init__(self, competitors: _Optional[_Iterable[_Union[Competitor, _Mapping]]] = ...) -> None: ...

class UpdateCompetitorRequest(_message.Message):
    __slots__ = ("competitor",)
    COMPETITOR_FIELD_NUMBER: _ClassVar[int]
    competitor: Competitor
    def __init__(self, competitor: _Optional[_Union[Competitor, _Mapping]] = ...) -> None: ...

class OpportunityCompetitor(_message.Message):
    __slots__ = ("opportunity_id", "competitor_id", "competitor_name", "strengths", "weaknesses", "threat", "create_time", "update_time")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    COMPETITOR_ID_FIELD_NUMBER: _ClassVar[int]
    COMPETITOR_NAME_FIELD_NUMBER: _ClassVar[int]
    STRENGTHS_FIELD_NUMBER: _ClassVar[int]
    WEAKNESSES_FIELD_NUMBER: _ClassVar[int]
    THREAT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    competitor_id: str
    competitor_name: str
    strengths: str
    weaknesses: str
    threat: ThreatLevel
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, opportunity_id: _Optional[str] = ..., competitor_id: _Optional[str] = ..., competitor_name: _Optional[str] = ..., strengths: _Optional[str] = ..., weaknesses: _Optional[str] = ..., threat: _Optional[_Union[ThreatLevel, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SetOpportunityCompetitorRequest(_message.Message):
    __slots__ = ("entry",)
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    entry: OpportunityCompetitor
    def __init__(self, entry: _Optional[_Union[OpportunityCompetitor, _Mapping]] = ...) -> None: ...

class RemoveOpportunityCompetitorRequest(_message.Message):
    __slots__ = ("opportunity_id", "competitor_id")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    COMPETITOR_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    competitor_id: str
    def __init__(self, opportunity_id: _Optional[str] = ..., competitor_id: _Optional[str] = ...) -> None: ...

class RemoveOpportunityCompetitorResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListOpportunityCompetitorsRequest(_message.Message):
    __slots__ = ("opportunity_id",)
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    def __init__(self, opportunity_id: _Optional[str] = ...) -> None: ...

class ListOpportunityCompetitorsResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[OpportunityCompetitor]
    def __init__(self, entries: _Optional[_Iterable[_Union[OpportunityCompetitor, _Mapping]]] = ...) -> None: ...

class AmountByCurrency(_message.Message):
    __slots__ = ("currency", "amount_minor")
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    currency: str
    amount_minor: int
    def __init__(self, currency: _Optional[str] = ..., amount_minor: _Optional[int] = ...) -> None: ...

class SalesFilter(_message.Message):
    __slots__ = ("owner", "team", "territory", "pipeline_id")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_ID_FIELD_NUMBER: _ClassVar[int]
    owner: str
    team: str
    territory: str
    pipeline_id: str
    def __init__(self, owner: _Optional[str] = ..., team: _Optional[str] = ..., territory: _Optional[str] = ..., pipeline_id: _Optional[str] = ...) -> None: ...

class GetWinLossAnalysisRequest(_message.Message):
    __slots__ = ("filter", "closed_from", "closed_to")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FROM_FIELD_NUMBER: _ClassVar[int]
    CLOSED_TO_FIELD_NUMBER: _ClassVar[int]
    filter: SalesFilter
    closed_from: str
    closed_to: str
    def __init__(self, filter: _Optional[_Union[SalesFilter, _Mapping]] = ..., closed_from: _Optional[str] = ..., closed_to: _Optional[str] = ...) -> None: ...

class CompetitorWinLoss(_message.Message):
    __slots__ = ("competitor_id", "competitor_name", "opportunities", "open", "won", "lost", "lost_to_them", "win_rate_bp", "won_amounts", "lost_to_them_amounts", "their_average_price")
    COMPETITOR_ID_FIELD_NUMBER: _ClassVar[int]
    COMPETITOR_NAME_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITIES_FIELD_NUMBER: _ClassVar[int]
    OPEN_FIELD_NUMBER: _ClassVar[int]
    WON_FIELD_NUMBER: _ClassVar[int]
    LOST_FIELD_NUMBER: _ClassVar[int]
    LOST_TO_THEM_FIELD_NUMBER: _ClassVar[int]
    WIN_RATE_BP_FIELD_NUMBER: _ClassVar[int]
    WON_AMOUNTS_FIELD_NUMBER: _ClassVar[int]
    LOST_TO_THEM_AMOUNTS_FIELD_NUMBER: _ClassVar[int]
    THEIR_AVERAGE_PRICE_FIELD_NUMBER: _ClassVar[int]
    competitor_id: str
    competitor_name: str
    opportunities: int
    open: int
    won: int
    lost: int
    lost_to_them: int
    win_rate_bp: int
    won_amounts: _containers.RepeatedCompositeFieldContainer[AmountByCurrency]
    lost_to_them_amounts: _containers.RepeatedCompositeFieldContainer[AmountByCurrency]
    their_average_price: _containers.RepeatedCompositeFieldContainer[AmountByCurrency]
    def __init__(self, competitor_id: _Optional[str] = ..., competitor_name: _Optional[str] = ..., opportunities: _Optional[int] = ..., open: _Optional[int] = ..., won: _Optional[int] = ..., lost: _Optional[int] = ..., lost_to_them: _Optional[int] = ..., win_rate_bp: _Optional[int] = ..., won_amounts: _Optional[_Iterable[_Union[AmountByCurrency, _Mapping]]] = ..., lost_to_them_amounts: _Optional[_Iterable[_Union[AmountByCurrency, _Mapping]]] = ..., their_average_price: _Optional[_Iterable[_Union[AmountByCurrency, _Mapping]]] = ...) -> None: ...

class GetWinLossAnalysisResponse(_message.Message):
    __slots__ = ("competitors",)
    COMPETITORS_FIELD_NUMBER: _ClassVar[int]
    competitors: _containers.RepeatedCompositeFieldContainer[CompetitorWinLoss]
    def __init__(self, competitors: _Optional[_Iterable[_Union[CompetitorWinLoss, _Mapping]]] = ...) -> None: ...

class GetForecastRequest(_message.Message):
    __slots__ = ("filter", "granularity", "group_by", "close_from", "close_to", "as_of", "history_days")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FROM_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TO_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    HISTORY_DAYS_FIELD_NUMBER: _ClassVar[int]
    filter: SalesFilter
    granularity: str
    group_by: _containers.RepeatedScalarFieldContainer[ForecastDimension]
    close_from: str
    close_to: str
    as_of: _timestamp_pb2.Timestamp
    history_days: int
    def __init__(self, filter: _Optional[_Union[SalesFilter, _Mapping]] = ..., granularity: _Optional[str] = ..., group_by: _Optional[_Iterable[_Union[ForecastDimension, str]]] = ..., close_from: _Optional[str] = ..., close_to: _Optional[str] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., history_days: _Optional[int] = ...) -> None: ...

class ForecastRow(_message.Message):
    __slots__ = ("period", "owner", "team", "territory", "currency", "count", "amount_minor", "weighted_minor", "historical_minor")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    TERRITORY_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    WEIGHTED_MINOR_FIELD_NUMBER: _ClassVar[int]
    HISTORICAL_MINOR_FIELD_NUMBER: _ClassVar[int]
    period: str
    owner: str
    team: str
    territory: str
    currency: str
    count: int
    amount_minor: int
    weighted_minor: int
    historical_minor: int
    def __init__(self, period: _Optional[str] = ..., owner: _Optional[str] = ..., team: _Optional[str] = ..., territory: _Optional[str] = ..., currency: _Optional[str] = ..., count: _Optional[int] = ..., amount_minor: _Optional[int] = ..., weighted_minor: _Optional[int] = ..., historical_minor: _Optional[int] = ...) -> None: ...

class StageConversionRate(_message.Message):
    __slots__ = ("stage_id", "won", "closed", "rate_bp")
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    WON_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    RATE_BP_FIELD_NUMBER: _ClassVar[int]
    stage_id: str
    won: int
    closed: int
    rate_bp: int
    def __init__(self, stage_id: _Optional[str] = ..., won: _Optional[int] = ..., closed: _Optional[int] = ..., rate_bp: _Optional[int] = ...) -> None: ...

class GetForecastResponse(_message.Message):
    __slots__ = ("rows", "stage_rates", "fallback_stage_ids", "as_of")
    ROWS_FIELD_NUMBER: _ClassVar[int]
    STAGE_RATES_FIELD_NUMBER: _ClassVar[int]
    FALLBACK_STAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[ForecastRow]
    stage_rates: _containers.RepeatedCompositeFieldContainer[StageConversionRate]
    fallback_stage_ids: _containers.RepeatedScalarFieldContainer[str]
    as_of: _timestamp_pb2.Timestamp
    def __init__(self, rows: _Optional[_Iterable[_Union[ForecastRow, _Mapping]]] = ..., stage_rates: _Optional[_Iterable[_Union[StageConversionRate, _Mapping]]] = ..., fallback_stage_ids: _Optional[_Iterable[str]] = ..., as_of: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetSalesKpisRequest(_message.Message):
    __slots__ = ("filter", "period_from", "period_to")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FROM_FIELD_NUMBER: _ClassVar[int]
    PERIOD_TO_FIELD_NUMBER: _ClassVar[int]
    filter: SalesFilter
    period_from: str
    period_to: str
    def __init__(self, filter: _Optional[_Union[SalesFilter, _Mapping]] = ..., period_from: _Optional[str] = ..., period_to: _Optional[str] = ...) -> None: ...

class StageConversion(_message.Message):
    __slots__ = ("stage_id", "stage_name", "position", "forward", "backward", "won", "lost", "conversion_bp")
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    FORWARD_FIELD_NUMBER: _ClassVar[int]
    BACKWARD_FIELD_NUMBER: _ClassVar[int]
    WON_FIELD_NUMBER: _ClassVar[int]
    LOST_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_BP_FIELD_NUMBER: _ClassVar[int]
    stage_id: str
    stage_name: str
    position: int
    forward: int
    backward: int
    won: int
    lost: int
    conversion_bp: int
    def __init__(self, stage_id: _Optional[str] = ..., stage_name: _Optional[str] = ..., position: _Optional[int] = ..., forward: _Optional[int] = ..., backward: _Optional[int] = ..., won: _Optional[int] = ..., lost: _Optional[int] = ..., conversion_bp: _Optional[int] = ...) -> None: ...

class StageStall(_message.Message):
    __slots__ = ("stage_id", "stage_name", "expected_days", "open_count", "average_open_days", "over_expected", "average_completed_days")
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_NAME_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_DAYS_FIELD_NUMBER: _ClassVar[int]
    OPEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_OPEN_DAYS_FIELD_NUMBER: _ClassVar[int]
    OVER_EXPECTED_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_COMPLETED_DAYS_FIELD_NUMBER: _ClassVar[int]
    stage_id: str
    stage_name: str
    expected_days: int
    open_count: int
    average_open_days: float
    over_expected: int
    average_completed_days: float
    def __init__(self, stage_id: _Optional[str] = ..., stage_name: _Optional[str] = ..., expected_days: _Optional[int] = ..., open_count: _Optional[int] = ..., average_open_days: _Optional[float] = ..., over_expected: _Optional[int] = ..., average_completed_days: _Optional[float] = ...) -> None: ...

class GetSalesKpisResponse(_message.Message):
    __slots__ = ("open_count", "open_amounts", "won_count", "lost_count", "won_amounts", "lost_amounts", "win_rate_bp", "average_deal_size", "average_cycle_days", "stage_conversion", "stalls")
    OPEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    OPEN_AMOUNTS_FIELD_NUMBER: _ClassVar[int]
    WON_COUNT_FIELD_NUMBER: _ClassVar[int]
    LOST_COUNT_FIELD_NUMBER: _ClassVar[int]
    WON_AMOUNTS_FIELD_NUMBER: _ClassVar[int]
    LOST_AMOUNTS_FIELD_NUMBER: _ClassVar[int]
    WIN_RATE_BP_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_DEAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_CYCLE_DAYS_FIELD_NUMBER: _ClassVar[int]
    STAGE_CONVERSION_FIELD_NUMBER: _ClassVar[int]
    STALLS_FIELD_NUMBER: _ClassVar[int]
    open_count: int
    open_amounts: _containers.RepeatedCompositeFieldContainer[AmountByCurrency]
    won_count: int
    lost_count: int
    won_amounts: _containers.RepeatedCompositeFieldContainer[AmountByCurrency]
    lost_amounts: _containers.RepeatedCompositeFieldContainer[AmountByCurrency]
    win_rate_bp: int
    average_deal_size: _containers.RepeatedCompositeFieldContainer[AmountByCurrency]
    average_cycle_days: float
    stage_conversion: _containers.RepeatedCompositeFieldContainer[StageConversion]
    stalls: _containers.RepeatedCompositeFieldContainer[StageStall]
    def __init__(self, open_count: _Optional[int] = ..., open_amounts: _Optional[_Iterable[_Union[AmountByCurrency, _Mapping]]] = ..., won_count: _Optional[int] = ..., lost_count: _Optional[int] = ..., won_amounts: _Optional[_Iterable[_Union[AmountByCurrency, _Mapping]]] = ..., lost_amounts: _Optional[_Iterable[_Union[AmountByCurrency, _Mapping]]] = ..., win_rate_bp: _Optional[int] = ..., average_deal_size: _Optional[_Iterable[_Union[AmountByCurrency, _Mapping]]] = ..., average_cycle_days: _Optional[float] = ..., stage_conversion: _Optional[_Iterable[_Union[StageConversion, _Mapping]]] = ..., stalls: _Optional[_Iterable[_Union[StageStall, _Mapping]]] = ...) -> None: ...
