"""Commerce over gRPC on both backends: roles, every bad field in a BadRequest with its request path, NOT_FOUND for
records the caller may not see, and a quote from creation to order."""
from __future__ import annotations

import grpc
from commerce_support import T0, opportunity, pipeline
from sales_support import ALICE

from crm.sales.v1 import commerce_pb2 as cpb
from tests.grpc_testing import bad_fields, failure


def test_quote_to_order_over_grpc(app, stub, as_user):
    alice, admin, boss = as_user(), as_user("root", ("admin",)), as_user("boss", ("approver",), team="north")
    pid, stages = pipeline(app.engine, [("qualify", 20, 10)])
    deal = opportunity(app.engine, pid, [(stages["qualify"], "created", T0)], owner=ALICE)

    denied = failure(stub.CreateProduct, cpb.CreateProductRequest(product=cpb.Product(sku="W", name="Widget")), alice)
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED  # the catalogue is the admins'
    widget = stub.CreateProduct(cpb.CreateProductRequest(product=cpb.Product(sku="W", name="Widget", tax_rate_bp=1900)), metadata=admin)
    bad_product = cpb.Product(sku="", name="", tax_rate_bp=-1)
    assert list(bad_fields(failure(stub.CreateProduct, cpb.CreateProductRequest(product=bad_product), admin))) == [
        "product.sku", "product.name", "product.tax_rate_bp"]
    bad_list = cpb.PriceList(name="x", currency="EURO", valid_from="2026-13-01", entries=[cpb.PriceListEntry(product_id="ghost", unit_price_minor=-1)])
    assert list(bad_fields(failure(stub.CreatePriceList, cpb.CreatePriceListRequest(price_list=bad_list), admin))) == ["price_list.valid_from"]
    bad_list.valid_from = "2026-01-01"
    assert list(bad_fields(failure(stub.CreatePriceList, cpb.CreatePriceListRequest(price_list=bad_list), admin))) == [
        "price_list.currency", "price_list.entries[0].product_id", "price_list.entries[0].unit_price_minor"]
    price_list = stub.CreatePriceList(cpb.CreatePriceListRequest(price_list=cpb.PriceList(
        name="Std", currency="EUR", valid_from="2020-01-01", entries=[cpb.PriceListEntry(product_id=widget.id, unit_price_minor=1999)])), metadata=admin)

    over = cpb.Quote(opportunity_id=deal, price_list_id=price_list.id, lines=[cpb.QuoteLine(product_id=widget.id, quantity=10**15)])
    assert list(bad_fields(failure(stub.CreateQuote, cpb.CreateQuoteRequest(quote=over), alice))) == ["quote.lines[0].quantity"]
    lines = [cpb.QuoteLine(product_id=widget.id, quantity=3, discount_bp=3000)]
    quote = stub.CreateQuote(cpb.CreateQuoteRequest(quote=cpb.Quote(opportunity_id=deal, price_list_id=price_list.id, lines=lines)), metadata=alice)
    # 59.97 − 30 % (17.991 → 17.99) = 41.98, tax 19 % = 7.9762 → 7.98
    assert (quote.totals.net_minor, quote.totals.tax_minor, quote.totals.gross_minor, quote.totals.discount_bp) == (4198, 798, 4996, 3000)
    assert quote.approval == cpb.APPROVAL_STATUS_PENDING and quote.lines[0].HasField("tax_rate_bp")

    stranger = as_user("bob", ("sales",), team="south", territory="de")
    assert failure(stub.GetQuote, cpb.GetQuoteRequest(id=quote.id), stranger).code() == grpc.StatusCode.NOT_FOUND
    assert failure(stub.SendQuote, cpb.SendQuoteRequest(quote_id=quote.id), alice).code() == grpc.StatusCode.FAILED_PRECONDITION
    approve = cpb.DecideQuoteApprovalRequest(quote_id=quote.id, version=1, approve=True, comment="fine")
    assert failure(stub.DecideQuoteApproval, approve, alice).code() == grpc.StatusCode.PERMISSION_DENIED  # not an approver
    assert stub.DecideQuoteApproval(approve, metadata=boss).approval == cpb.APPROVAL_STATUS_APPROVED
    assert stub.SendQuote(cpb.SendQuoteRequest(quote_id=quote.id, version=1), metadata=alice).status == cpb.QUOTE_STATUS_SENT
    accepted = stub.AcceptQuote(cpb.AcceptQuoteRequest(quote_id=quote.id, version=1, purchase_order_number="PO-9"), metadata=alice)
    assert accepted.quote.status == cpb.QUOTE_STATUS_ACCEPTED and accepted.quote.order_id == accepted.order.id
    assert (accepted.order.totals.gross_minor, accepted.order.purchase_order_number) == (4996, "PO-9")
    change = cpb.UpdateQuoteRequest(quote=cpb.Quote(id=quote.id, lines=lines))
    assert failure(stub.UpdateQuote, change, alice).code() == grpc.StatusCode.FAILED_PRECONDITION
    assert [o.id for o in stub.ListOrders(cpb.ListOrdersRequest(opportunity_id=deal), metadata=alice).orders] == [accepted.order.id]
    assert list(stub.ListOrders(cpb.ListOrdersRequest(), metadata=stranger).orders) == []
    versions = stub.ListQuoteVersions(cpb.ListQuoteVersionsRequest(quote_id=quote.id), metadata=boss).versions
    assert [v.status for v in versions] == [cpb.QUOTE_STATUS_ACCEPTED]


def test_forecast_kpis_and_win_loss_over_grpc(app, stub, as_user):
    alice = as_user()
    pid, stages = pipeline(app.engine, [("qualify", 20, 10)])
    from datetime import date

    opportunity(app.engine, pid, [(stages["qualify"], "created", T0)], amount=1001, probability=20, close=date(2026, 12, 1), owner=ALICE)
    forecast = stub.GetForecast(cpb.GetForecastRequest(granularity="quarter", group_by=[cpb.FORECAST_DIMENSION_OWNER]), metadata=alice)
    [row] = forecast.rows
    assert (row.period, row.owner, row.currency, row.amount_minor, row.weighted_minor) == ("2026-Q4", "alice", "EUR", 1001, 200)  # 200.2
    assert list(forecast.fallback_stage_ids) == [stages["qualify"]]
    bad = cpb.GetForecastRequest(granularity="week", group_by=[cpb.FORECAST_DIMENSION_OWNER, cpb.FORECAST_DIMENSION_OWNER], close_from="2026-12-01",
                                 close_to="2026-11-01", history_days=-1)
    assert list(bad_fields(failure(stub.GetForecast, bad, alice))) == ["granularity", "group_by[1]", "close_to", "history_days"]
    kpis = stub.GetSalesKpis(cpb.GetSalesKpisRequest(period_from="2026-01-01"), metadata=alice)
    assert kpis.open_count == 1 and [(a.currency, a.amount_minor) for a in kpis.open_amounts] == [("EUR", 1001)]
    assert [s.stage_name for s in kpis.stalls] == ["qualify"] and kpis.stalls[0].over_expected == 1
    acme = stub.CreateCompetitor(cpb.CreateCompetitorRequest(competitor=cpb.Competitor(name="Acme")), metadata=alice)
    assert list(bad_fields(failure(stub.CreateCompetitor, cpb.CreateCompetitorRequest(competitor=cpb.Competitor(
        name="", products=[cpb.CompetitorProduct(name="R", prices=[cpb.CompetitorPrice(currency="ZZZ", amount_minor=1)])])), alice))) == [
        "competitor.name", "competitor.products[0].prices[0].currency"]
    assert stub.GetWinLossAnalysis(cpb.GetWinLossAnalysisRequest(), metadata=alice).competitors == []
    assert stub.ListCompetitors(cpb.ListCompetitorsRequest(), metadata=alice).competitors[0].id == acme.id
