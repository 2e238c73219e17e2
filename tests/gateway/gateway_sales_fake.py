"""An in-memory SalesService for the gateway tests.

It answers as the contract says where the gateway cares — bad-field paths under the request's resource
(`opportunity.amount.currency`), NOT_FOUND, FAILED_PRECONDITION for a closed deal or a stale quote version (worded as
the service words it) — and records every request through `_called`. The roles are the service's (docs/sales.md#roles).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from gateway_contacts_fake import _apply_mask, _bad, new_id, now

from crm.sales.v1 import commerce_pb2, sales_pb2, sales_pb2_grpc
from crm_chassis import auth, errors

_ADMIN: list[str] = []  # admin only
_READ = ["sales", "viewer"]
_WRITE = ["sales"]
SALES_ROLES = {
    **dict.fromkeys(
        ["CreatePipeline", "UpdatePipeline", "CreateCloseReason", "DeactivateCloseReason", "CreateAssignmentRule",
         "DeleteAssignmentRule", "CreateProduct", "UpdateProduct", "CreatePriceList", "UpdatePriceList"],
        _ADMIN,
    ),
    **dict.fromkeys(
        ["GetPipeline", "ListPipelines", "ListCloseReasons", "ListAssignmentRules", "GetLead", "ListLeads", "ListNeglectedLeads",
         "GetOpportunity", "ListOpportunities", "ListStageHistory", "GetProduct", "ListProducts", "GetPriceList", "ListPriceLists",
         "GetOrder", "ListOrders", "GetCompetitor", "ListCompetitors", "ListOpportunityCompetitors", "GetWinLossAnalysis",
         "GetForecast", "GetSalesKpis"],
        _READ,
    ),
    **dict.fromkeys(
        ["CreateLead", "UpdateLead", "ImportLeads", "ConvertLead", "CreateOpportunity", "UpdateOpportunity", "MoveOpportunityStage",
         "CloseOpportunity", "ReopenOpportunity", "SetOpportunityContacts", "CreateQuote", "UpdateQuote", "SendQuote", "AcceptQuote",
         "RejectQuote", "CreateCompetitor", "UpdateCompetitor", "SetOpportunityCompetitor", "RemoveOpportunityCompetitor"],
        _WRITE,
    ),
    **dict.fromkeys(["GetQuote", "ListQuotes", "ListQuoteVersions"], ["approver", "sales", "viewer"]),
    "DecideQuoteApproval": ["approver"],
}
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MAX_MINOR = 10**15 - 1
APPROVAL_THRESHOLD_BP = 2000
OPEN, WON, LOST = sales_pb2.OPPORTUNITY_STATUS_OPEN, sales_pb2.OPPORTUNITY_STATUS_WON, sales_pb2.OPPORTUNITY_STATUS_LOST


def _page(items: list, request, field_name: str, response_type):
    start = int(request.page_token or 0)
    size = request.page_size or 50
    more = start + size < len(items)
    return response_type(**{field_name: items[start : start + size]}, next_page_token=str(start + size) if more else "")


def _check_money(money, path: str, bad: errors.Violations) -> None:
    if not _CURRENCY.match(money.currency):
        bad.add(f"{path}.currency", "is not an ISO 4217 currency")
    if not 0 <= money.amount_minor <= _MAX_MINOR:
        bad.add(f"{path}.amount_minor", f"must be between 0 and {_MAX_MINOR}")


@dataclass
class FakeSales(sales_pb2_grpc.SalesServiceServicer):
    pipelines: dict[str, sales_pb2.Pipeline] = field(default_factory=dict)
    reasons: dict[str, sales_pb2.CloseReason] = field(default_factory=dict)
    rules: dict[str, sales_pb2.AssignmentRule] = field(default_factory=dict)
    leads: dict[str, sales_pb2.Lead] = field(default_factory=dict)
    opportunities: dict[str, sales_pb2.Opportunity] = field(default_factory=dict)
    history: dict[str, list[sales_pb2.StageChange]] = field(default_factory=dict)
    products: dict[str, commerce_pb2.Product] = field(default_factory=dict)
    price_lists: dict[str, commerce_pb2.PriceList] = field(default_factory=dict)
    # Every version of each quote, oldest first.
    quotes: dict[str, list[commerce_pb2.Quote]] = field(default_factory=dict)
    orders: dict[str, commerce_pb2.Order] = field(default_factory=dict)
    competitors: dict[str, commerce_pb2.Competitor] = field(default_factory=dict)
    deal_competitors: dict[tuple[str, str], commerce_pb2.OpportunityCompetitor] = field(default_factory=dict)
    requests: list = field(default_factory=list)
    fail_with: Exception | None = None
    rendezvous: threading.Barrier | None = None

    def _called(self, request) -> None:
        self.requests.append(request)
        if self.rendezvous is not None:
            self.rendezvous.wait()
        if self.fail_with is not None:
            raise self.fail_with

    @staticmethod
    def _get(records: dict, record_id, kind: str):
        if record_id not in records:
            raise errors.NotFound(f"{kind} {record_id} not found")
        return records[record_id]

    # -- set-up ---------------------------------------------------------------------------------------------------

    def add_pipeline(self, *stages: tuple[str, int]) -> sales_pb2.Pipeline:
        pipeline = sales_pb2.Pipeline(id=new_id(), name="New business", is_default=not self.pipelines, create_time=now(), update_time=now())
        for position, (name, probability) in enumerate(stages, 1):
            pipeline.stages.add(id=new_id(), name=name, probability=probability, expected_days=14, position=position)
        self.pipelines[pipeline.id] = pipeline
        return pipeline

    def add_reason(self, kind: int, code: str) -> sales_pb2.CloseReason:
        reason = sales_pb2.CloseReason(id=new_id(), kind=kind, code=code, label=code.title(), active=True)
        self.reasons[reason.id] = reason
        return reason

    def add_price_list(self, currency: str = "EUR", **prices: int) -> commerce_pb2.PriceList:
        """A price list with one active product per keyword: `add_price_list(support=10000)`."""
        price_list = commerce_pb2.PriceList(id=new_id(), name=f"{currency} list", currency=currency, valid_from="2026-01-01", active=True)
        for name, price in prices.items():
            product = commerce_pb2.Product(id=new_id(), sku=name.upper(), name=name, tax_rate_bp=1900, active=True)
            self.products[product.id] = product
            price_list.entries.add(product_id=product.id, unit_price_minor=price)
        self.price_lists[price_list.id] = price_list
        return price_list

    # -- pipelines, reasons, rules --------------------------------------------------------------------------------

    def CreatePipeline(self, request, context):
        self._called(request)
        bad = errors.Violations()
        if not request.pipeline.name:
            bad.add("pipeline.name", "must not be empty")
        for i, stage in enumerate(request.pipeline.stages):
            if not 0 <= stage.probability <= 100:
                bad.add(f"pipeline.stages[{i}].probability", "must be between 0 and 100")
        bad.raise_if_any()
        pipeline = sales_pb2.Pipeline()
        pipeline.CopyFrom(request.pipeline)
        pipeline.id = new_id()
        for position, stage in enumerate(pipeline.stages, 1):
            stage.id, stage.position = new_id(), position
        self.pipelines[pipeline.id] = pipeline
        return pipeline

    def GetPipeline(self, request, context):
        self._called(request)
        return self._get(self.pipelines, request.id, "pipeline")

    def ListPipelines(self, request, context):
        self._called(request)
        return sales_pb2.ListPipelinesResponse(pipelines=list(self.pipelines.values()))

    def UpdatePipeline(self, request, context):
        self._called(request)
        stored = self._get(self.pipelines, request.pipeline.id, "pipeline")
        stored.name = request.pipeline.name
        del stored.stages[:]
        stored.stages.extend(request.pipeline.stages)
        return stored

    def CreateCloseReason(self, request, context):
        self._called(request)
        if any(r.kind == request.reason.kind and r.code == request.reason.code for r in self.reasons.values()):
            raise errors.AlreadyExists(f"close reason {request.reason.code} exists")
        reason = sales_pb2.CloseReason()
        reason.CopyFrom(request.reason)
        reason.id, reason.active = new_id(), True
        self.reasons[reason.id] = reason
        return reason

    def ListCloseReasons(self, request, context):
        self._called(request)
        return sales_pb2.ListCloseReasonsResponse(reasons=[r for r in self.reasons.values() if r.active or request.include_inactive])

    def DeactivateCloseReason(self, request, context):
        self._called(request)
        reason = self._get(self.reasons, request.id, "close reason")
        reason.active = False
        return reason

    def CreateAssignmentRule(self, request, context):
        self._called(request)
        rule = sales_pb2.AssignmentRule()
        rule.CopyFrom(request.rule)
        rule.id = new_id()
        self.rules[rule.id] = rule
        return rule

    def ListAssignmentRules(self, request, context):
        self._called(request)
        return sales_pb2.ListAssignmentRulesResponse(rules=sorted(self.rules.values(), key=lambda r: r.priority))

    def DeleteAssignmentRule(self, request, context):
        self._called(request)
        self._get(self.rules, request.id, "assignment rule")
        del self.rules[request.id]
        return sales_pb2.DeleteAssignmentRuleResponse()

    # -- leads ----------------------------------------------------------------------------------------------------

    @staticmethod
    def _check_lead(lead, prefix: str, paths, bad: errors.Violations) -> None:
        if "email" in paths and lead.email and "@" not in lead.email:
            bad.add(f"{prefix}email", "is not an email address")
        if "country" in paths and lead.country and not re.match(r"^[A-Z]{2}$", lead.country):
            bad.add(f"{prefix}country", "is not an ISO 3166-1 alpha-2 code")
        if "status" in paths and lead.status == sales_pb2.LEAD_STATUS_CONVERTED:
            bad.add(f"{prefix}status", "is set by ConvertLead only")

    def CreateLead(self, request, context):
        self._called(request)
        bad = errors.Violations()
        if not (request.lead.family_name or request.lead.company or request.lead.email):
            bad.add("lead.family_name", "a lead needs a name, a company or an email address")
        self._check_lead(request.lead, "lead.", {"email", "country", "status"}, bad)
        bad.raise_if_any()
        lead = sales_pb2.Lead()
        lead.CopyFrom(request.lead)
        lead.id = new_id()
        lead.status = lead.status or sales_pb2.LEAD_STATUS_NEW
        lead.owner = lead.owner or auth.current_principal().subject
        for stamp in (lead.create_time, lead.update_time, lead.last_activity_time):
            stamp.CopyFrom(now())
        self.leads[lead.id] = lead
        return lead

    def GetLead(self, request, context):
        self._called(request)
        return self._get(self.leads, request.id, "lead")

    def ListLeads(self, request, context):
        self._called(request)
        leads = [
            lead
            for lead in self.leads.values()
            if (not request.status or lead.status == request.status) and (not request.owner or lead.owner == request.owner)
        ]
        return _page(leads, request, "leads", sales_pb2.ListLeadsResponse)

    def UpdateLead(self, request, context):
        self._called(request)
        stored = self._get(self.leads, request.lead.id, "lead")
        if stored.status == sales_pb2.LEAD_STATUS_CONVERTED:
            raise errors.FailedPrecondition(f"lead {stored.id} was converted and cannot change")
        bad = errors.Violations()
        self._check_lead(request.lead, "lead.", set(request.update_mask.paths), bad)
        bad.raise_if_any()
        _apply_mask(stored, request.lead, request.update_mask.paths)
        stored.update_time.CopyFrom(now())
        return stored

    def ImportLeads(self, request, context):
        self._called(request)
        rows = request.csv.decode().splitlines()
        header = rows[0].split(",")
        bad = errors.Violations()
        made = []
        for number, row in enumerate(rows[1:], 1):
            lead = sales_pb2.Lead(**dict(zip(header, row.split(","), strict=True)), source=request.source or "import")
            self._check_lead(lead, f"csv.rows[{number}].", {"email", "country"}, bad)
            made.append(lead)
        bad.raise_if_any()
        for lead in made:
            lead.id, lead.status = new_id(), sales_pb2.LEAD_STATUS_NEW
            self.leads[lead.id] = lead
        return sales_pb2.ImportLeadsResponse(imported=len(made), lead_ids=[lead.id for lead in made])

    def ListNeglectedLeads(self, request, context):
        self._called(request)
        return _page(list(self.leads.values()), request, "leads", sales_pb2.ListLeadsResponse)

    def ConvertLead(self, request, context):
        self._called(request)
        lead = self._get(self.leads, request.lead_id, "lead")
        if lead.status == sales_pb2.LEAD_STATUS_DISQUALIFIED:
            raise errors.FailedPrecondition(f"lead {lead.id} is disqualified")
        if lead.status != sales_pb2.LEAD_STATUS_CONVERTED:
            lead.person_id = request.person_id or new_id()
            lead.account_id = request.account_id or (new_id() if request.create_account else "")
            if not request.without_opportunity:
                wanted = sales_pb2.Opportunity()
                wanted.CopyFrom(request.opportunity)
                wanted.name = wanted.name or lead.company or lead.family_name
                wanted.account_id, wanted.lead_id = lead.account_id, lead.id
                wanted.contacts.add(person_id=lead.person_id, role=sales_pb2.CONTACT_ROLE_DECISION_MAKER)
                lead.opportunity_id = self._open(wanted, "opportunity.").id
            lead.status = sales_pb2.LEAD_STATUS_CONVERTED
        response = sales_pb2.ConvertLeadResponse(lead=lead, person_id=lead.person_id, account_id=lead.account_id)
        if lead.opportunity_id:
            response.opportunity.CopyFrom(self.opportunities[lead.opportunity_id])
        return response

    # -- opportunities --------------------------------------------------------------------------------------------

    def _stage(self, opportunity, stage_id: str, path: str):
        pipeline = self.pipelines[opportunity.pipeline_id]
        for stage in pipeline.stages:
            if stage.id == stage_id:
                return stage
        raise _bad(path, f"is not a stage of pipeline {pipeline.name}")

    def _record(self, opportunity, kind: int, from_stage: str = "") -> None:
        changes = self.history.setdefault(opportunity.id, [])
        if changes:
            changes[-1].leave_time.CopyFrom(now())
        changes.append(
            sales_pb2.StageChange(
                id=new_id(), opportunity_id=opportunity.id, pipeline_id=opportunity.pipeline_id, stage_id=opportunity.stage_id,
                from_stage_id=from_stage, status=opportunity.status, kind=kind, amount=opportunity.amount,
                probability=opportunity.probability, enter_time=now(), changed_by=auth.current_principal().subject,
            )
        )

    def _open(self, wanted, prefix: str) -> sales_pb2.Opportunity:
        bad = errors.Violations()
        if not wanted.name:
            bad.add(f"{prefix}name", "must not be empty")
        if wanted.HasField("amount"):
            _check_money(wanted.amount, f"{prefix}amount", bad)
        if wanted.expected_close_date and not re.match(r"^\d{4}-\d{2}-\d{2}$", wanted.expected_close_date):
            bad.add(f"{prefix}expected_close_date", "is not a date (YYYY-MM-DD)")
        for i, product in enumerate(wanted.products):
            if product.quantity <= 0:
                bad.add(f"{prefix}products[{i}].quantity", "must be positive")
        bad.raise_if_any()
        opportunity = sales_pb2.Opportunity()
        opportunity.CopyFrom(wanted)
        opportunity.id = new_id()
        opportunity.status = OPEN
        if not opportunity.pipeline_id:
            opportunity.pipeline_id = next(p.id for p in self.pipelines.values() if p.is_default)
        elif opportunity.pipeline_id not in self.pipelines:
            raise errors.NotFound(f"pipeline {opportunity.pipeline_id} not found")
        stage = self._stage(opportunity, opportunity.stage_id, f"{prefix}stage_id") if opportunity.stage_id else (
            self.pipelines[opportunity.pipeline_id].stages[0]
        )
        opportunity.stage_id, opportunity.probability = stage.id, stage.probability
        opportunity.owner = opportunity.owner or auth.current_principal().subject
        for stamp in (opportunity.stage_enter_time, opportunity.create_time, opportunity.update_time):
            stamp.CopyFrom(now())
        self.opportunities[opportunity.id] = opportunity
        self._record(opportunity, sales_pb2.STAGE_CHANGE_KIND_CREATED)
        return opportunity

    def _opportunity(self, opportunity_id: str, *, open_only: bool = False) -> sales_pb2.Opportunity:
        opportunity = self._get(self.opportunities, opportunity_id, "opportunity")
        if open_only and opportunity.status != OPEN:
            raise errors.FailedPrecondition(f"opportunity {opportunity_id} is closed")
        return opportunity

    def CreateOpportunity(self, request, context):
        self._called(request)
        return self._open(request.opportunity, "opportunity.")

    def GetOpportunity(self, request, context):
        self._called(request)
        return self._opportunity(request.id)

    def ListOpportunities(self, request, context):
        self._called(request)
        matches = [
            o
            for o in self.opportunities.values()
            if (not request.status or o.status == request.status)
            and all(not getattr(request, f) or getattr(o, f) == getattr(request, f) for f in ("owner", "pipeline_id", "stage_id", "account_id"))
        ]
        return _page(matches, request, "opportunities", sales_pb2.ListOpportunitiesResponse)

    def UpdateOpportunity(self, request, context):
        self._called(request)
        stored = self._opportunity(request.opportunity.id, open_only=True)
        bad = errors.Violations()
        if "amount" in request.update_mask.paths and request.opportunity.HasField("amount"):
            _check_money(request.opportunity.amount, "opportunity.amount", bad)
        if "name" in request.update_mask.paths and not request.opportunity.name:
            bad.add("opportunity.name", "must not be empty")
        bad.raise_if_any()
        _apply_mask(stored, request.opportunity, request.update_mask.paths)
        stored.update_time.CopyFrom(now())
        return stored

    def MoveOpportunityStage(self, request, context):
        self._called(request)
        opportunity = self._opportunity(request.id, open_only=True)
        stage = self._stage(opportunity, request.stage_id, "stage_id")
        before = self._stage(opportunity, opportunity.stage_id, "stage_id")
        opportunity.stage_id, opportunity.probability = stage.id, stage.probability
        kind = sales_pb2.STAGE_CHANGE_KIND_FORWARD if stage.position > before.position else sales_pb2.STAGE_CHANGE_KIND_BACKWARD
        self._record(opportunity, kind, before.id)
        return opportunity

    def CloseOpportunity(self, request, context):
        self._called(request)
        opportunity = self._opportunity(request.id, open_only=True)
        bad = errors.Violations()
        reason = self.reasons.get(request.reason_id)
        wanted_kind = {WON: sales_pb2.CLOSE_REASON_KIND_WON, LOST: sales_pb2.CLOSE_REASON_KIND_LOST}.get(request.outcome)
        if wanted_kind is None:
            bad.add("outcome", "must be WON or LOST")
        elif reason is None or reason.kind != wanted_kind or not reason.active:
            bad.add("reason_id", "is not an active reason of this outcome")
        if request.HasField("competitor_price"):
            _check_money(request.competitor_price, "competitor_price", bad)
        bad.raise_if_any()
        opportunity.status, opportunity.close_reason_id, opportunity.close_note = request.outcome, request.reason_id, request.note
        opportunity.probability = 100 if request.outcome == WON else 0
        opportunity.lost_to_competitor_id = request.lost_to_competitor_id
        if request.HasField("competitor_price"):
            opportunity.competitor_price.CopyFrom(request.competitor_price)
        opportunity.close_time.CopyFrom(now())
        self._record(opportunity, sales_pb2.STAGE_CHANGE_KIND_WON if request.outcome == WON else sales_pb2.STAGE_CHANGE_KIND_LOST)
        return opportunity

    def ReopenOpportunity(self, request, context):
        self._called(request)
        opportunity = self._opportunity(request.id)
        if opportunity.status == OPEN:
            raise errors.FailedPrecondition(f"opportunity {request.id} is open")
        stage = self._stage(opportunity, request.stage_id or opportunity.stage_id, "stage_id")
        opportunity.status, opportunity.stage_id, opportunity.probability = OPEN, stage.id, stage.probability
        opportunity.ClearField("close_time")
        self._record(opportunity, sales_pb2.STAGE_CHANGE_KIND_REOPENED)
        return opportunity

    def SetOpportunityContacts(self, request, context):
        self._called(request)
        opportunity = self._opportunity(request.id)
        bad = errors.Violations()
        for i, contact in enumerate(request.contacts):
            if not contact.person_id:
                bad.add(f"contacts[{i}].person_id", "must not be empty")
        bad.raise_if_any()
        del opportunity.contacts[:]
        opportunity.contacts.extend(request.contacts)
        return opportunity

    def ListStageHistory(self, request, context):
        self._called(request)
        self._opportunity(request.opportunity_id)
        return sales_pb2.ListStageHistoryResponse(changes=self.history.get(request.opportunity_id, []))

    # -- products and price lists ---------------------------------------------------------------------------------

    def CreateProduct(self, request, context):
        self._called(request)
        if any(p.sku == request.product.sku for p in self.products.values()):
            raise errors.AlreadyExists(f"a product with SKU {request.product.sku} exists")
        if not 0 <= request.product.tax_rate_bp <= 10000:
            raise _bad("product.tax_rate_bp", "must be between 0 and 10000")
        product = commerce_pb2.Product()
        product.CopyFrom(request.product)
        product.id, product.active = new_id(), True
        self.products[product.id] = product
        return product

    def GetProduct(self, request, context):
        self._called(request)
        return self._get(self.products, request.id, "product")

    def ListProducts(self, request, context):
        self._called(request)
        products = [p for p in self.products.values() if p.active or request.include_inactive]
        return _page(products, request, "products", commerce_pb2.ListProductsResponse)

    def UpdateProduct(self, request, context):
        self._called(request)
        stored = self._get(self.products, request.product.id, "product")
        for name in ("name", "description", "tax_rate_bp", "active"):
            setattr(stored, name, getattr(request.product, name))
        return stored

    def CreatePriceList(self, request, context):
        self._called(request)
        bad = errors.Violations()
        if not _CURRENCY.match(request.price_list.currency):
            bad.add("price_list.currency", "is not an ISO 4217 currency")
        for i, entry in enumerate(request.price_list.entries):
            if entry.product_id not in self.products:
                bad.add(f"price_list.entries[{i}].product_id", "is not a product")
        bad.raise_if_any()
        price_list = commerce_pb2.PriceList()
        price_list.CopyFrom(request.price_list)
        price_list.id, price_list.active = new_id(), True
        self.price_lists[price_list.id] = price_list
        return price_list

    def GetPriceList(self, request, context):
        self._called(request)
        return self._get(self.price_lists, request.id, "price list")

    def ListPriceLists(self, request, context):
        self._called(request)
        lists = [p for p in self.price_lists.values() if not request.currency or p.currency == request.currency]
        return commerce_pb2.ListPriceListsResponse(price_lists=lists)

    def UpdatePriceList(self, request, context):
        self._called(request)
        stored = self._get(self.price_lists, request.price_list.id, "price list")
        for name in ("name", "valid_from", "valid_to", "active"):
            setattr(stored, name, getattr(request.price_list, name))
        del stored.entries[:]
        stored.entries.extend(request.price_list.entries)
        return stored

    # -- quotes and orders ----------------------------------------------------------------------------------------

    def _price(self, quote: commerce_pb2.Quote, prefix: str) -> None:
        """Lines priced from the quote's price list; totals in integer minor units (tax rounded half-up per line)."""
        prices = {e.product_id: e.unit_price_minor for e in self.price_lists[quote.price_list_id].entries}
        bad = errors.Violations()
        for i, line in enumerate(quote.lines):
            if line.product_id not in prices:
                bad.add(f"{prefix}lines[{i}].product_id", "is not on the quote's price list")
            if line.quantity <= 0:
                bad.add(f"{prefix}lines[{i}].quantity", "must be positive")
        if not 0 <= quote.discount_bp <= 10000:
            bad.add(f"{prefix}discount_bp", "must be between 0 and 10000")
        bad.raise_if_any()
        totals = commerce_pb2.QuoteTotals()
        for line in quote.lines:
            product = self.products[line.product_id]
            line.sku, line.name, line.unit_price_minor = product.sku, product.name, prices[line.product_id]
            line.list_minor = line.unit_price_minor * line.quantity
            after_line = line.list_minor * (10000 - line.discount_bp) // 10000 - line.discount_minor
            line.net_minor = after_line * (10000 - quote.discount_bp) // 10000
            line.discount_total_minor = line.list_minor - line.net_minor
            rate = line.tax_rate_bp if line.HasField("tax_rate_bp") else product.tax_rate_bp
            line.tax_minor = (line.net_minor * rate + 5000) // 10000
            line.gross_minor = line.net_minor + line.tax_minor
            totals.list_minor += line.list_minor
            totals.discount_minor += line.discount_total_minor
            totals.net_minor += line.net_minor
            totals.tax_minor += line.tax_minor
            totals.gross_minor += line.gross_minor
        totals.discount_bp = (totals.discount_minor * 10000 + totals.list_minor // 2) // totals.list_minor if totals.list_minor else 0
        quote.totals.CopyFrom(totals)
        quote.approval = commerce_pb2.APPROVAL_STATUS_PENDING if totals.discount_bp > APPROVAL_THRESHOLD_BP else (
            commerce_pb2.APPROVAL_STATUS_NOT_REQUIRED
        )

    def _quote(self, quote_id: str, version: int = 0) -> commerce_pb2.Quote:
        versions = self._get(self.quotes, quote_id, "quote")
        if version:
            if version > len(versions):
                raise errors.NotFound(f"quote {quote_id} not found at version {version}")
            return versions[version - 1]
        return versions[-1]

    def _current(self, quote_id: str, expected: int) -> commerce_pb2.Quote:
        quote = self._quote(quote_id)
        if expected and expected != quote.version:
            raise errors.FailedPrecondition(f"quote {quote_id} is at version {quote.version}, not {expected}", reason=errors.STALE_VERSION)
        return quote

    def CreateQuote(self, request, context):
        self._called(request)
        opportunity = self._opportunity(request.quote.opportunity_id)
        price_list = self._get(self.price_lists, request.quote.price_list_id, "price list")
        quote = commerce_pb2.Quote()
        quote.CopyFrom(request.quote)
        quote.id, quote.version, quote.status = new_id(), 1, commerce_pb2.QUOTE_STATUS_DRAFT
        quote.account_id, quote.currency, quote.owner = opportunity.account_id, price_list.currency, auth.current_principal().subject
        self._price(quote, "quote.")
        self.quotes[quote.id] = [quote]
        return quote

    def GetQuote(self, request, context):
        self._called(request)
        return self._quote(request.id, request.version)

    def ListQuotes(self, request, context):
        self._called(request)
        quotes = [
            versions[-1]
            for versions in self.quotes.values()
            if (not request.opportunity_id or versions[-1].opportunity_id == request.opportunity_id)
            and (not request.status or versions[-1].status == request.status)
        ]
        return _page(quotes, request, "quotes", commerce_pb2.ListQuotesResponse)

    def UpdateQuote(self, request, context):
        self._called(request)
        current = self._current(request.quote.id, request.expected_version)
        if current.status == commerce_pb2.QUOTE_STATUS_ACCEPTED:
            raise errors.FailedPrecondition(f"quote {current.id} was accepted and cannot change")
        revised = commerce_pb2.Quote()
        revised.CopyFrom(current)
        for name in ("discount_bp", "valid_until", "note"):
            setattr(revised, name, getattr(request.quote, name))
        del revised.lines[:]
        revised.lines.extend(request.quote.lines)
        self._price(revised, "quote.")
        if current.status == commerce_pb2.QUOTE_STATUS_DRAFT:
            self.quotes[current.id][-1] = revised
        else:
            revised.version, revised.status = current.version + 1, commerce_pb2.QUOTE_STATUS_DRAFT
            self.quotes[current.id].append(revised)
        return revised

    def ListQuoteVersions(self, request, context):
        self._called(request)
        return commerce_pb2.ListQuoteVersionsResponse(versions=self._get(self.quotes, request.quote_id, "quote"))

    def DecideQuoteApproval(self, request, context):
        self._called(request)
        quote = self._current(request.quote_id, request.version)
        if quote.approval != commerce_pb2.APPROVAL_STATUS_PENDING:
            raise errors.FailedPrecondition(f"quote {quote.id} version {quote.version} is not waiting for approval")
        if not request.approve and not request.comment:
            raise _bad("comment", "is required when saying no")
        quote.approval = commerce_pb2.APPROVAL_STATUS_APPROVED if request.approve else commerce_pb2.APPROVAL_STATUS_REJECTED
        quote.approved_by, quote.approval_comment = auth.current_principal().subject, request.comment
        return quote

    def SendQuote(self, request, context):
        self._called(request)
        quote = self._current(request.quote_id, request.version)
        if quote.approval in (commerce_pb2.APPROVAL_STATUS_PENDING, commerce_pb2.APPROVAL_STATUS_REJECTED):
            raise errors.FailedPrecondition(f"quote {quote.id} needs an approver's yes before it is sent")
        if quote.status != commerce_pb2.QUOTE_STATUS_DRAFT:
            raise errors.FailedPrecondition(f"quote {quote.id} is not a draft")
        quote.status = commerce_pb2.QUOTE_STATUS_SENT
        return quote

    def AcceptQuote(self, request, context):
        self._called(request)
        quote = self._current(request.quote_id, request.version)
        if quote.status == commerce_pb2.QUOTE_STATUS_ACCEPTED:
            return commerce_pb2.AcceptQuoteResponse(quote=quote, order=self.orders[quote.order_id])
        if quote.status != commerce_pb2.QUOTE_STATUS_SENT:
            raise errors.FailedPrecondition(f"quote {quote.id} was not sent")
        order = commerce_pb2.Order(
            id=new_id(), quote_id=quote.id, quote_version=quote.version, opportunity_id=quote.opportunity_id,
            account_id=quote.account_id, price_list_id=quote.price_list_id, currency=quote.currency,
            purchase_order_number=request.purchase_order_number, lines=quote.lines, totals=quote.totals, owner=quote.owner,
            placed_by=auth.current_principal().subject, place_time=now(),
        )
        self.orders[order.id] = order
        quote.status, quote.order_id = commerce_pb2.QUOTE_STATUS_ACCEPTED, order.id
        return commerce_pb2.AcceptQuoteResponse(quote=quote, order=order)

    def RejectQuote(self, request, context):
        self._called(request)
        quote = self._current(request.quote_id, request.version)
        if quote.status != commerce_pb2.QUOTE_STATUS_SENT:
            raise errors.FailedPrecondition(f"quote {quote.id} was not sent")
        quote.status, quote.reject_reason = commerce_pb2.QUOTE_STATUS_REJECTED, request.reason
        return quote

    def GetOrder(self, request, context):
        self._called(request)
        return self._get(self.orders, request.id, "order")

    def ListOrders(self, request, context):
        self._called(request)
        orders = [o for o in self.orders.values() if not request.opportunity_id or o.opportunity_id == request.opportunity_id]
        return _page(orders, request, "orders", commerce_pb2.ListOrdersResponse)

    # -- competitors ----------------------------------------------------------------------------------------------

    def CreateCompetitor(self, request, context):
        self._called(request)
        if not request.competitor.name:
            raise _bad("competitor.name", "must not be empty")
        competitor = commerce_pb2.Competitor()
        competitor.CopyFrom(request.competitor)
        competitor.id = new_id()
        self.competitors[competitor.id] = competitor
        return competitor

    def GetCompetitor(self, request, context):
        self._called(request)
        return self._get(self.competitors, request.id, "competitor")

    def ListCompetitors(self, request, context):
        self._called(request)
        return commerce_pb2.ListCompetitorsResponse(competitors=list(self.competitors.values()))

    def UpdateCompetitor(self, request, context):
        self._called(request)
        self._get(self.competitors, request.competitor.id, "competitor")
        self.competitors[request.competitor.id] = request.competitor
        return request.competitor

    def SetOpportunityCompetitor(self, request, context):
        self._called(request)
        self._opportunity(request.entry.opportunity_id)
        competitor = self._get(self.competitors, request.entry.competitor_id, "competitor")
        entry = commerce_pb2.OpportunityCompetitor()
        entry.CopyFrom(request.entry)
        entry.competitor_name = competitor.name
        entry.threat = entry.threat or commerce_pb2.THREAT_LEVEL_MEDIUM
        self.deal_competitors[(entry.opportunity_id, entry.competitor_id)] = entry
        return entry

    def RemoveOpportunityCompetitor(self, request, context):
        self._called(request)
        self._get(self.deal_competitors, (request.opportunity_id, request.competitor_id), "opportunity competitor")
        del self.deal_competitors[(request.opportunity_id, request.competitor_id)]
        return commerce_pb2.RemoveOpportunityCompetitorResponse()

    def ListOpportunityCompetitors(self, request, context):
        self._called(request)
        entries = [e for (opportunity_id, _), e in self.deal_competitors.items() if opportunity_id == request.opportunity_id]
        return commerce_pb2.ListOpportunityCompetitorsResponse(entries=entries)

    def GetWinLossAnalysis(self, request, context):
        self._called(request)
        return commerce_pb2.GetWinLossAnalysisResponse(
            competitors=[
                commerce_pb2.CompetitorWinLoss(competitor_id=c.id, competitor_name=c.name, opportunities=2, won=1, lost=1, lost_to_them=1,
                                               win_rate_bp=5000, won_amounts=[commerce_pb2.AmountByCurrency(currency="EUR", amount_minor=100)])
                for c in self.competitors.values()
            ]
        )

    # -- figures --------------------------------------------------------------------------------------------------

    def GetForecast(self, request, context):
        self._called(request)
        if request.granularity not in ("", "month", "quarter", "year"):
            raise _bad("granularity", "must be month, quarter or year")
        rows = [
            commerce_pb2.ForecastRow(period="2026-12", owner="sam" if request.group_by else "", currency="EUR", count=2,
                                     amount_minor=300000, weighted_minor=120000, historical_minor=90000)
        ]
        response = commerce_pb2.GetForecastResponse(rows=rows, fallback_stage_ids=["s1"])
        response.stage_rates.add(stage_id="s2", won=3, closed=4, rate_bp=7500)
        if request.HasField("as_of"):
            response.as_of.CopyFrom(request.as_of)
        return response

    def GetSalesKpis(self, request, context):
        self._called(request)
        response = commerce_pb2.GetSalesKpisResponse(open_count=3, won_count=2, lost_count=1, win_rate_bp=6667, average_cycle_days=12.5)
        response.open_amounts.add(currency="EUR", amount_minor=500000)
        response.stalls.add(stage_id="s1", stage_name="Qualify", expected_days=14, open_count=2, average_open_days=20.5, over_expected=1)
        return response
