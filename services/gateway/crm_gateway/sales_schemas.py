"""The JSON documents of sales: leads, pipelines, opportunities, the catalogue, quotes, orders, forecast and KPIs.

Field names are the contract's (crm.sales.v1), so that bad-field paths of the sales service read as JSON paths.
Money is `{amount_minor, currency}` (schemas.Money) or, inside a price list, quote or order, `*_minor` integers of
its one currency; rates are basis points (`*_bp`: 1950 = 19.5 %); days are YYYY-MM-DD.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from crm_gateway.schemas import Money, _Input

_NEXT = "Pass as page_token for the next page; empty on the last page."
_DAY = "YYYY-MM-DD."

LeadStatusIn = Literal["new", "working", "qualified", "disqualified"]
LeadStatus = Literal["unspecified", "new", "working", "qualified", "disqualified", "converted"]
LeadRatingIn = Literal["cold", "warm", "hot"]
LeadRating = Literal["unspecified", "cold", "warm", "hot"]
OpportunityStatusIn = Literal["open", "won", "lost"]
OpportunityStatus = Literal["unspecified", "open", "won", "lost"]
Outcome = Literal["won", "lost"]
ContactRoleIn = Literal["decision_maker", "influencer", "supporter", "user"]
ContactRole = Literal["unspecified", "decision_maker", "influencer", "supporter", "user"]
CloseReasonKindIn = Literal["won", "lost"]
CloseReasonKind = Literal["unspecified", "won", "lost"]
StageChangeKind = Literal["unspecified", "created", "forward", "backward", "won", "lost", "reopened"]
QuoteStatusIn = Literal["draft", "sent", "accepted", "rejected"]
QuoteStatus = Literal["unspecified", "draft", "sent", "accepted", "rejected"]
ApprovalStatus = Literal["unspecified", "not_required", "pending", "approved", "rejected"]
ThreatIn = Literal["low", "medium", "high"]
Threat = Literal["unspecified", "low", "medium", "high"]
Dimension = Literal["owner", "team", "territory"]


# -- leads ----------------------------------------------------------------------------------------------------------


class LeadCreate(_Input):
    """Owner, team and territory: as given, else by the assignment rules, else the creator's."""

    given_name: str = Field("", examples=["Ana"])
    family_name: str = Field("", examples=["Pop"])
    company: str = Field("", examples=["Acme SRL"])
    title: str = Field("", examples=["CTO"])
    email: str = Field("", examples=["ana@acme.example"])
    phone: str = Field("", description="E.164.", examples=["+40721000000"])
    country: str = Field("", description="ISO 3166-1 alpha-2.", examples=["RO"])
    industry: str = Field("", examples=["software"])
    source: str = Field("", description='"web", "import", "marketing", "referral", ...', examples=["web"])
    status: LeadStatusIn | None = Field(None, description="new when absent.")
    rating: LeadRatingIn | None = None
    notes: str = ""
    owner: str = ""
    team: str = ""
    territory: str = ""
    campaign_id: str = ""


class LeadPatch(_Input):
    """The fields to change: every key present is changed (`null` clears it), every other one is kept."""

    given_name: str | None = None
    family_name: str | None = None
    company: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    country: str | None = None
    industry: str | None = None
    source: str | None = None
    status: LeadStatusIn | None = None
    rating: LeadRatingIn | None = None
    notes: str | None = None
    owner: str | None = None
    team: str | None = None
    territory: str | None = None
    disqualify_reason: str | None = None

    model_config = {"json_schema_extra": {"examples": [{"status": "qualified", "rating": "hot"}]}}


class Lead(BaseModel):
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
    create_time: datetime | None
    update_time: datetime | None
    last_activity_time: datetime | None
    person_id: str = Field(description="Set once converted.")
    account_id: str = Field(description="Set once converted (when an account was made or named).")
    opportunity_id: str = Field(description="Set once converted (unless without an opportunity).")
    disqualify_reason: str


class LeadList(BaseModel):
    leads: list[Lead]
    next_page_token: str = Field(description=_NEXT)


class LeadImportResult(BaseModel):
    imported: int
    lead_ids: list[str]


class AssignmentRuleCreate(_Input):
    name: str = Field(examples=["DACH software"])
    priority: int = Field(0, description="Lower first.")
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2; empty: any.", examples=[["DE", "AT"]])
    industries: list[str] = Field(default_factory=list, description="Empty: any.")
    owner: str = Field("", description="Assignee when no members are given.")
    members: list[str] = Field(default_factory=list, description="Round-robin over these users.")
    team: str = ""
    territory: str = ""


class AssignmentRule(BaseModel):
    id: str
    name: str
    priority: int
    countries: list[str]
    industries: list[str]
    owner: str
    members: list[str]
    team: str
    territory: str


class AssignmentRuleList(BaseModel):
    rules: list[AssignmentRule] = Field(description="By priority.")


# -- pipelines and close reasons ------------------------------------------------------------------------------------


class StageIn(_Input):
    id: str = Field("", description="Empty for a new stage; an existing stage's id keeps its history.")
    name: str = Field(examples=["Proposal"])
    probability: int = Field(0, description="Win probability in percent, 0..100.", examples=[60])
    expected_days: int = Field(0, description="Expected time in the stage, 0..3650 days.", examples=[14])


class Stage(BaseModel):
    id: str
    name: str
    probability: int
    expected_days: int
    position: int = Field(description="1-based order in the pipeline.")


class PipelineIn(_Input):
    name: str = Field(examples=["New business"])
    stages: list[StageIn] = Field(description="In order.")
    is_default: bool = Field(False, description="Opportunities without a pipeline go into the default one.")


class Pipeline(BaseModel):
    id: str
    name: str
    stages: list[Stage]
    is_default: bool
    create_time: datetime | None
    update_time: datetime | None


class PipelineList(BaseModel):
    pipelines: list[Pipeline]


class CloseReasonCreate(_Input):
    kind: CloseReasonKindIn = Field(examples=["lost"])
    code: str = Field(description="Stable short code, unique per kind.", examples=["price"])
    label: str = Field(examples=["Too expensive"])


class CloseReason(BaseModel):
    id: str
    kind: CloseReasonKind
    code: str
    label: str
    active: bool


class CloseReasonList(BaseModel):
    reasons: list[CloseReason]


# -- opportunities --------------------------------------------------------------------------------------------------


class OpportunityContactIn(_Input):
    person_id: str
    role: ContactRoleIn = Field(examples=["decision_maker"])


class OpportunityContact(BaseModel):
    person_id: str
    role: ContactRole


class OpportunityProductIn(_Input):
    product_id: str
    name: str = ""
    quantity: int = Field(1, examples=[3])
    unit_price: Money | None = None


class OpportunityProduct(BaseModel):
    product_id: str
    name: str
    quantity: int
    unit_price: Money | None


class OpportunityCreate(_Input):
    name: str = Field(examples=["Acme rollout"])
    account_id: str = ""
    lead_id: str = ""
    pipeline_id: str = Field("", description="Empty: the default pipeline.")
    stage_id: str = Field("", description="Empty: the pipeline's first stage.")
    amount: Money | None = None
    expected_close_date: str = Field("", description=_DAY, examples=["2026-12-31"])
    owner: str = ""
    team: str = ""
    territory: str = ""
    next_step: str = ""
    products: list[OpportunityProductIn] = Field(default_factory=list)
    contacts: list[OpportunityContactIn] = Field(default_factory=list)


class OpportunityPatch(_Input):
    """The fields to change (keys present). Stage, status and contacts change through their own routes."""

    name: str | None = None
    account_id: str | None = None
    amount: Money | None = None
    expected_close_date: str | None = None
    owner: str | None = None
    team: str | None = None
    territory: str | None = None
    next_step: str | None = None
    products: list[OpportunityProductIn] | None = Field(None, description="Replaces every product.")

    model_config = {"json_schema_extra": {"examples": [{"amount": {"amount_minor": 1200000, "currency": "EUR"}, "next_step": "demo"}]}}


class Opportunity(BaseModel):
    id: str
    name: str
    account_id: str
    lead_id: str
    pipeline_id: str
    stage_id: str
    status: OpportunityStatus
    amount: Money | None
    expected_close_date: str
    owner: str
    team: str
    territory: str
    next_step: str
    products: list[OpportunityProduct]
    contacts: list[OpportunityContact]
    probability: int = Field(description="Of the current stage in percent (0 lost, 100 won).")
    stage_enter_time: datetime | None
    close_reason_id: str
    close_note: str
    lost_to_competitor_id: str
    competitor_price: Money | None
    close_time: datetime | None
    create_time: datetime | None
    update_time: datetime | None


class OpportunityList(BaseModel):
    opportunities: list[Opportunity]
    next_page_token: str = Field(description=_NEXT)


class ContactOnDeal(BaseModel):
    person_id: str
    role: ContactRole
    display_name: str | None = Field(description="From contacts; null when it could not be fetched.")


class OpportunityView(BaseModel):
    """An opportunity with its account's name and its contacts' names, composed from sales and contacts."""

    opportunity: Opportunity
    account_name: str | None = Field(description="From contacts; null without an account or when it could not be fetched.")
    contacts: list[ContactOnDeal]
    partial: list[Literal["account", "contacts"]] = Field(
        default_factory=list, description="The parts that could not be fetched from contacts and are null; empty when complete."
    )


class StageMove(_Input):
    stage_id: str = Field(description="Any stage of the opportunity's pipeline, forwards or backwards.")


class Closing(_Input):
    outcome: Outcome = Field(examples=["lost"])
    reason_id: str = Field(description="A close reason of the matching kind.")
    note: str = ""
    lost_to_competitor_id: str = Field("", description="Lost only.")
    competitor_price: Money | None = Field(None, description="Lost only: the competitor's price.")


class Reopening(_Input):
    stage_id: str = Field("", description="Empty: the stage it was closed from.")


class DealContacts(_Input):
    contacts: list[OpportunityContactIn] = Field(description="Replaces every contact on the deal.")


class StageChange(BaseModel):
    id: str
    opportunity_id: str
    pipeline_id: str
    stage_id: str
    from_stage_id: str
    status: OpportunityStatus
    kind: StageChangeKind
    amount: Money | None
    probability: int
    enter_time: datetime | None
    leave_time: datetime | None = Field(description="null while still there.")
    changed_by: str


class StageHistory(BaseModel):
    changes: list[StageChange] = Field(description="Oldest first.")


class Conversion(_Input):
    create_account: bool = Field(False, description="Create an account for the lead's company.")
    account_id: str = Field("", description="Use this existing account instead.")
    person_id: str = Field("", description="Use this existing person instead of creating one.")
    opportunity: OpportunityCreate | None = Field(None, description="The opportunity to create (name, amount, ...).")
    without_opportunity: bool = False


class ConversionResult(BaseModel):
    lead: Lead
    person_id: str
    account_id: str
    opportunity: Opportunity | None


# -- competitors ----------------------------------------------------------------------------------------------------


class CompetitorPrice(_Input):
    currency: str
    amount_minor: int
    valid_from: str = ""
    valid_to: str = ""


class CompetitorProduct(_Input):
    name: str
    prices: list[CompetitorPrice] = Field(default_factory=list)


class CompetitorIn(_Input):
    name: str = Field(examples=["Initech"])
    website: str = ""
    strengths: str = ""
    weaknesses: str = ""
    products: list[CompetitorProduct] = Field(default_factory=list)


class Competitor(BaseModel):
    id: str
    name: str
    website: str
    strengths: str
    weaknesses: str
    products: list[CompetitorProduct]
    create_time: datetime | None
    update_time: datetime | None


class CompetitorList(BaseModel):
    competitors: list[Competitor]


class DealCompetitorIn(_Input):
    strengths: str = ""
    weaknesses: str = ""
    threat: ThreatIn | None = Field(None, description="medium when absent.")


class DealCompetitor(BaseModel):
    opportunity_id: str
    competitor_id: str
    competitor_name: str
    strengths: str
    weaknesses: str
    threat: Threat
    create_time: datetime | None
    update_time: datetime | None


class DealCompetitorList(BaseModel):
    entries: list[DealCompetitor]


# -- products and price lists ---------------------------------------------------------------------------------------


class ProductCreate(_Input):
    sku: str = Field(description="Unique; never changes.", examples=["SKU-1042"])
    name: str = Field(examples=["Premium support"])
    description: str = ""
    tax_rate_bp: int = Field(0, description="Default tax of a quote line, 0..10000.", examples=[1900])


class ProductReplace(_Input):
    """Replaces name, description, tax rate and `active` (the SKU never changes)."""

    name: str
    description: str = ""
    tax_rate_bp: int = 0
    active: bool = True


class Product(BaseModel):
    id: str
    sku: str
    name: str
    description: str
    tax_rate_bp: int
    active: bool
    create_time: datetime | None
    update_time: datetime | None


class ProductList(BaseModel):
    products: list[Product]
    next_page_token: str = Field(description=_NEXT)


class PriceListEntry(_Input):
    product_id: str
    unit_price_minor: int = Field(examples=[12500])


class PriceListCreate(_Input):
    name: str = Field(examples=["EUR 2027"])
    currency: str = Field(description="ISO 4217; never changes.", examples=["EUR"])
    valid_from: str = Field("", description=_DAY)
    valid_to: str = Field("", description=_DAY + " Empty: open-ended.")
    entries: list[PriceListEntry] = Field(default_factory=list)


class PriceListReplace(_Input):
    """Replaces name, period, entries and `active` (the currency never changes)."""

    name: str
    valid_from: str = ""
    valid_to: str = ""
    entries: list[PriceListEntry] = Field(default_factory=list)
    active: bool = True


class PriceList(BaseModel):
    id: str
    name: str
    currency: str
    valid_from: str
    valid_to: str
    entries: list[PriceListEntry]
    active: bool
    create_time: datetime | None
    update_time: datetime | None


class PriceListList(BaseModel):
    price_lists: list[PriceList]


# -- quotes and orders ----------------------------------------------------------------------------------------------


class QuoteLineIn(_Input):
    product_id: str
    quantity: int = Field(examples=[3])
    discount_bp: int = Field(0, description="The line's discount rate.")
    discount_minor: int = Field(0, description="A fixed discount on the line instead of a rate.")
    tax_rate_bp: int | None = Field(None, description="Absent: the product's.")


class QuoteLine(BaseModel):
    product_id: str
    quantity: int
    discount_bp: int
    discount_minor: int
    tax_rate_bp: int | None
    sku: str
    name: str
    unit_price_minor: int
    list_minor: int
    discount_total_minor: int
    net_minor: int
    tax_minor: int
    gross_minor: int


class TaxLine(BaseModel):
    rate_bp: int
    taxable_minor: int
    tax_minor: int


class QuoteTotals(BaseModel):
    list_minor: int
    discount_minor: int
    net_minor: int
    tax_minor: int
    gross_minor: int
    taxes: list[TaxLine]
    discount_bp: int = Field(description="discount / list: what the approval threshold is compared with.")


class QuoteCreate(_Input):
    opportunity_id: str
    price_list_id: str = Field(description="Every product on the quote must be on it; never changes.")
    lines: list[QuoteLineIn]
    discount_bp: int = Field(0, description="On the whole quote, after each line's own discount.")
    valid_until: str = Field("", description=_DAY)
    note: str = ""


class QuoteReplace(_Input):
    """Replaces lines, discount, validity and note: a draft in place, a sent or rejected quote as a new version."""

    lines: list[QuoteLineIn]
    discount_bp: int = 0
    valid_until: str = ""
    note: str = ""


class Quote(BaseModel):
    id: str
    opportunity_id: str
    account_id: str
    price_list_id: str
    currency: str
    version: int
    etag: str = Field(description="The version as an entity tag, for If-Match.")
    status: QuoteStatus
    approval: ApprovalStatus
    discount_bp: int
    valid_until: str
    note: str
    lines: list[QuoteLine]
    totals: QuoteTotals | None
    owner: str
    team: str
    territory: str
    approved_by: str
    approval_comment: str
    reject_reason: str
    order_id: str = Field(description="Set once accepted.")
    create_time: datetime | None
    update_time: datetime | None


class QuoteList(BaseModel):
    quotes: list[Quote]
    next_page_token: str = Field(description=_NEXT)


class QuoteVersions(BaseModel):
    versions: list[Quote] = Field(description="Oldest first.")


class QuoteStep(_Input):
    """The version acted on (0 or absent: the current one; `If-Match` may name it instead)."""

    version: int = 0


class ApprovalDecision(QuoteStep):
    comment: str = Field("", description="Required to disapprove.")


class Acceptance(QuoteStep):
    purchase_order_number: str = ""


class Rejection(QuoteStep):
    reason: str = ""


class Order(BaseModel):
    id: str
    quote_id: str
    quote_version: int
    opportunity_id: str
    account_id: str
    price_list_id: str
    currency: str
    purchase_order_number: str
    lines: list[QuoteLine]
    totals: QuoteTotals | None
    owner: str
    team: str
    territory: str
    placed_by: str
    place_time: datetime | None


class AcceptedQuote(BaseModel):
    quote: Quote
    order: Order


class OrderList(BaseModel):
    orders: list[Order]
    next_page_token: str = Field(description=_NEXT)


# -- forecast, KPIs, win/loss ---------------------------------------------------------------------------------------


class AmountByCurrency(BaseModel):
    currency: str
    amount_minor: int


class ForecastRow(BaseModel):
    period: str = Field(description='"2026-11", "2026-Q4", "2026" or "unscheduled".')
    owner: str
    team: str
    territory: str
    currency: str
    count: int
    amount_minor: int
    weighted_minor: int = Field(description="Amount × the stage's configured probability.")
    historical_minor: int = Field(description="Amount × the stage's historical conversion.")


class StageConversionRate(BaseModel):
    stage_id: str
    won: int
    closed: int
    rate_bp: int


class Forecast(BaseModel):
    rows: list[ForecastRow]
    stage_rates: list[StageConversionRate]
    fallback_stage_ids: list[str] = Field(description="Stages without closed history: their configured probability stands in.")
    as_of: datetime | None


class StageConversion(BaseModel):
    stage_id: str
    stage_name: str
    position: int
    forward: int
    backward: int
    won: int
    lost: int
    conversion_bp: int


class StageStall(BaseModel):
    stage_id: str
    stage_name: str
    expected_days: int
    open_count: int
    average_open_days: float
    over_expected: int
    average_completed_days: float


class SalesKpis(BaseModel):
    open_count: int
    open_amounts: list[AmountByCurrency]
    won_count: int
    lost_count: int
    won_amounts: list[AmountByCurrency]
    lost_amounts: list[AmountByCurrency]
    win_rate_bp: int
    average_deal_size: list[AmountByCurrency]
    average_cycle_days: float
    stage_conversion: list[StageConversion]
    stalls: list[StageStall]


class CompetitorWinLoss(BaseModel):
    competitor_id: str
    competitor_name: str
    opportunities: int
    open: int
    won: int
    lost: int
    lost_to_them: int
    win_rate_bp: int
    won_amounts: list[AmountByCurrency]
    lost_to_them_amounts: list[AmountByCurrency]
    their_average_price: list[AmountByCurrency]


class WinLoss(BaseModel):
    competitors: list[CompetitorWinLoss]

