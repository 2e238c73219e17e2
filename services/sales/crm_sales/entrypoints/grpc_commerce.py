"""The commerce RPCs of crm.sales.v1.SalesService: products, price lists, quotes, orders, competitors, forecast, KPIs."""
from __future__ import annotations

from crm.sales.v1 import commerce_pb2 as cpb
from crm_chassis.access import Viewer
from crm_chassis.auth import current_principal
from crm_chassis.errors import InvalidArgument
from crm_sales.adapters import commerce_messages as messages
from crm_sales.bootstrap import Sales
from crm_sales.domain import commerce_commands as commands
from crm_sales.domain.quotes import APPROVER_ROLE
from crm_sales.entrypoints import commerce_mappers as mappers
from crm_sales.entrypoints.roles import ADMINS, READERS, WRITERS
from crm_sales.service_layer import commerce as handlers

APPROVERS = (APPROVER_ROLE,)


def _viewer() -> Viewer:
    return Viewer.of(current_principal())


class CommerceRpcs:
    ROLES: dict[str, tuple[str, ...]] = {
        "CreateProduct": ADMINS,
        "GetProduct": READERS,
        "ListProducts": READERS,
        "UpdateProduct": ADMINS,
        "CreatePriceList": ADMINS,
        "GetPriceList": READERS,
        "ListPriceLists": READERS,
        "UpdatePriceList": ADMINS,
        "CreateQuote": WRITERS,
        "GetQuote": READERS + APPROVERS,
        "ListQuotes": READERS + APPROVERS,
        "UpdateQuote": WRITERS,
        "ListQuoteVersions": READERS + APPROVERS,
        "DecideQuoteApproval": APPROVERS,
        "SendQuote": WRITERS,
        "AcceptQuote": WRITERS,
        "RejectQuote": WRITERS,
        "GetOrder": READERS,
        "ListOrders": READERS,
        "CreateCompetitor": WRITERS,
        "GetCompetitor": READERS,
        "ListCompetitors": READERS,
        "UpdateCompetitor": WRITERS,
        "SetOpportunityCompetitor": WRITERS,
        "RemoveOpportunityCompetitor": WRITERS,
        "ListOpportunityCompetitors": READERS,
        "GetWinLossAnalysis": READERS,
        "GetForecast": READERS,
        "GetSalesKpis": READERS,
    }
    app: Sales

    @property
    def _threshold(self) -> int:
        return self.app.settings.quote_approval_threshold_bp

    # --- products and price lists ---

    def CreateProduct(self, request: cpb.CreateProductRequest, context) -> cpb.Product:
        try:
            return messages.product(handlers.create_product(mappers.product(request.product, creating=True), self.app.uow()))
        except InvalidArgument as exc:
            raise mappers.under("product", exc) from None

    def UpdateProduct(self, request: cpb.UpdateProductRequest, context) -> cpb.Product:
        try:
            return messages.product(handlers.update_product(mappers.product(request.product), self.app.uow()))
        except InvalidArgument as exc:
            raise mappers.under("product", exc) from None

    def GetProduct(self, request: cpb.GetProductRequest, context) -> cpb.Product:
        return messages.product(handlers.get_product(request.id, self.app.uow()))

    def ListProducts(self, request: cpb.ListProductsRequest, context) -> cpb.ListProductsResponse:
        products, token = handlers.list_products(self.app.uow(), request.page_size, request.page_token, request.include_inactive)
        return cpb.ListProductsResponse(products=[messages.product(p) for p in products], next_page_token=token)

    def CreatePriceList(self, request: cpb.CreatePriceListRequest, context) -> cpb.PriceList:
        try:
            return messages.price_list(handlers.create_price_list(mappers.price_list(request.price_list, creating=True), self.app.uow()))
        except InvalidArgument as exc:
            raise mappers.under("price_list", exc) from None

    def UpdatePriceList(self, request: cpb.UpdatePriceListRequest, context) -> cpb.PriceList:
        try:
            return messages.price_list(handlers.update_price_list(mappers.price_list(request.price_list), self.app.uow()))
        except InvalidArgument as exc:
            raise mappers.under("price_list", exc) from None

    def GetPriceList(self, request: cpb.GetPriceListRequest, context) -> cpb.PriceList:
        return messages.price_list(handlers.get_price_list(request.id, self.app.uow()))

    def ListPriceLists(self, request: cpb.ListPriceListsRequest, context) -> cpb.ListPriceListsResponse:
        lists = handlers.list_price_lists(self.app.uow(), request.currency, mappers.valid_on(request.valid_on))
        return cpb.ListPriceListsResponse(price_lists=[messages.price_list(pl) for pl in lists])

    # --- quotes and orders ---

    def CreateQuote(self, request: cpb.CreateQuoteRequest, context) -> cpb.Quote:
        q = request.quote
        try:
            cmd = commands.CreateQuote(q.opportunity_id, q.price_list_id, mappers.terms(q))
            return messages.quote(handlers.create_quote(cmd, self.app.uow(), _viewer(), self._threshold))
        except InvalidArgument as exc:
            raise mappers.under("quote", exc) from None

    def UpdateQuote(self, request: cpb.UpdateQuoteRequest, context) -> cpb.Quote:
        try:
            cmd = commands.UpdateQuote(request.quote.id, mappers.terms(request.quote), request.expected_version)
            return messages.quote(handlers.update_quote(cmd, self.app.uow(), _viewer(), self._threshold))
        except InvalidArgument as exc:
            raise mappers.under("quote", exc) from None

    def GetQuote(self, request: cpb.GetQuoteRequest, context) -> cpb.Quote:
        return messages.quote(handlers.get_quote(request.id, request.version, self.app.uow(), _viewer()))

    def ListQuotes(self, request: cpb.ListQuotesRequest, context) -> cpb.ListQuotesResponse:
        quotes, token = handlers.list_quotes(
            self.app.uow(), _viewer(), request.opportunity_id, mappers.quote_status(request.status), request.page_size, request.page_token
        )
        return cpb.ListQuotesResponse(quotes=[messages.quote(q) for q in quotes], next_page_token=token)

    def ListQuoteVersions(self, request: cpb.ListQuoteVersionsRequest, context) -> cpb.ListQuoteVersionsResponse:
        versions = handlers.list_quote_versions(request.quote_id, self.app.uow(), _viewer())
        return cpb.ListQuoteVersionsResponse(versions=[messages.quote(q) for q in versions])

    def DecideQuoteApproval(self, request: cpb.DecideQuoteApprovalRequest, context) -> cpb.Quote:
        cmd = commands.QuoteDecision(request.quote_id, request.version, request.approve, request.comment)
        return messages.quote(handlers.decide_quote_approval(cmd, self.app.uow(), _viewer()))

    def SendQuote(self, request: cpb.SendQuoteRequest, context) -> cpb.Quote:
        return messages.quote(handlers.send_quote(commands.QuoteDecision(request.quote_id, request.version), self.app.uow(), _viewer()))

    def AcceptQuote(self, request: cpb.AcceptQuoteRequest, context) -> cpb.AcceptQuoteResponse:
        cmd = commands.QuoteDecision(request.quote_id, request.version, text=request.purchase_order_number)
        quote, order = handlers.accept_quote(cmd, self.app.uow(), _viewer())
        return cpb.AcceptQuoteResponse(quote=messages.quote(quote), order=messages.order(order))

    def RejectQuote(self, request: cpb.RejectQuoteRequest, context) -> cpb.Quote:
        cmd = commands.QuoteDecision(request.quote_id, request.version, text=request.reason)
        return messages.quote(handlers.reject_quote(cmd, self.app.uow(), _viewer()))

    def GetOrder(self, request: cpb.GetOrderRequest, context) -> cpb.Order:
        return messages.order(handlers.get_order(request.id, self.app.uow(), _viewer()))

    def ListOrders(self, request: cpb.ListOrdersRequest, context) -> cpb.ListOrdersResponse:
        orders, token = handlers.list_orders(
            self.app.uow(), _viewer(), request.opportunity_id, request.account_id, request.page_size, request.page_token
        )
        return cpb.ListOrdersResponse(orders=[messages.order(o) for o in orders], next_page_token=token)

    # --- competitors ---

    def CreateCompetitor(self, request: cpb.CreateCompetitorRequest, context) -> cpb.Competitor:
        try:
            return messages.competitor(handlers.create_competitor(mappers.competitor(request.competitor), self.app.uow()))
        except InvalidArgument as exc:
            raise mappers.under("competitor", exc) from None

    def UpdateCompetitor(self, request: cpb.UpdateCompetitorRequest, context) -> cpb.Competitor:
        try:
            return messages.competitor(handlers.update_competitor(mappers.competitor(request.competitor), self.app.uow()))
        except InvalidArgument as exc:
            raise mappers.under("competitor", exc) from None

    def GetCompetitor(self, request: cpb.GetCompetitorRequest, context) -> cpb.Competitor:
        return messages.competitor(handlers.get_competitor(request.id, self.app.uow()))

    def ListCompetitors(self, request: cpb.ListCompetitorsRequest, context) -> cpb.ListCompetitorsResponse:
        return cpb.ListCompetitorsResponse(competitors=[messages.competitor(c) for c in handlers.list_competitors(self.app.uow())])

    def SetOpportunityCompetitor(self, request: cpb.SetOpportunityCompetitorRequest, context) -> cpb.OpportunityCompetitor:
        try:
            entry, name = handlers.set_opportunity_competitor(mappers.opportunity_competitor(request.entry), self.app.uow(), _viewer())
        except InvalidArgument as exc:
            raise InvalidArgument([v if v.field.startswith("entry.") else type(v)(f"entry.{v.field}", v.description) for v in exc.violations]) from None
        return messages.opportunity_competitor(entry, name)

    def RemoveOpportunityCompetitor(self, request: cpb.RemoveOpportunityCompetitorRequest, context) -> cpb.RemoveOpportunityCompetitorResponse:
        handlers.remove_opportunity_competitor(request.opportunity_id, request.competitor_id, self.app.uow(), _viewer())
        return cpb.RemoveOpportunityCompetitorResponse()

    def ListOpportunityCompetitors(self, request: cpb.ListOpportunityCompetitorsRequest, context) -> cpb.ListOpportunityCompetitorsResponse:
        entries = handlers.list_opportunity_competitors(request.opportunity_id, self.app.uow(), _viewer())
        return cpb.ListOpportunityCompetitorsResponse(entries=[messages.opportunity_competitor(e, name) for e, name in entries])

    def GetWinLossAnalysis(self, request: cpb.GetWinLossAnalysisRequest, context) -> cpb.GetWinLossAnalysisResponse:
        records = handlers.get_win_loss(mappers.win_loss_question(request), self.app.uow(), _viewer())
        return cpb.GetWinLossAnalysisResponse(competitors=[messages.win_loss(r, name) for r, name in records])

    # --- forecast and KPIs ---

    def GetForecast(self, request: cpb.GetForecastRequest, context) -> cpb.GetForecastResponse:
        question = mappers.forecast_question(request)
        result, when = handlers.get_forecast(question, self.app.uow(), _viewer())
        rows = []
        for row in result.rows:
            named = dict(zip(question.dimensions, row.key, strict=True))
            rows.append(cpb.ForecastRow(
                period=row.period, owner=named.get("owner", ""), team=named.get("team", ""), territory=named.get("territory", ""),
                currency=row.currency, count=row.count, amount_minor=row.amount_minor, weighted_minor=row.weighted_minor,
                historical_minor=row.historical_minor,
            ))
        return cpb.GetForecastResponse(
            rows=rows,
            stage_rates=[
                cpb.StageConversionRate(stage_id=s, won=r.won, closed=r.closed, rate_bp=r.rate_bp) for s, r in sorted(result.rates.items())
            ],
            fallback_stage_ids=result.fallback_stages,
            as_of=messages.timestamp(when),
        )

    def GetSalesKpis(self, request: cpb.GetSalesKpisRequest, context) -> cpb.GetSalesKpisResponse:
        k = handlers.get_kpis(mappers.kpi_question(request), self.app.uow(), _viewer())
        return cpb.GetSalesKpisResponse(
            open_count=k.open_count, open_amounts=messages.amounts(k.open_amounts), won_count=k.won_count, lost_count=k.lost_count,
            won_amounts=messages.amounts(k.won_amounts), lost_amounts=messages.amounts(k.lost_amounts), win_rate_bp=k.win_rate_bp,
            average_deal_size=messages.amounts(k.average_deal_size), average_cycle_days=k.average_cycle_days,
            stage_conversion=[
                cpb.StageConversion(
                    stage_id=m.stage_id, stage_name=row[2], position=row[3], forward=m.forward, backward=m.backward, won=m.won, lost=m.lost,
                    conversion_bp=m.conversion_bp,
                )
                for row, m in k.stage_conversion
            ],
            stalls=[
                cpb.StageStall(
                    stage_id=s.stage_id, stage_name=row[2], expected_days=s.expected_days, open_count=s.open_count,
                    average_open_days=s.average_open_days, over_expected=s.over_expected, average_completed_days=s.average_completed_days,
                )
                for row, s in k.stalls
            ],
        )
