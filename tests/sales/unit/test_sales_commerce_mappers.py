"""Commerce requests as commands: dates, optional tax rates, enums and filters, bad fields by their request path."""
from __future__ import annotations

import pytest

from crm.sales.v1 import commerce_pb2 as cpb
from crm_chassis.errors import InvalidArgument
from crm_sales.entrypoints import commerce_mappers as mappers


def fields(call) -> list[str]:
    with pytest.raises(InvalidArgument) as caught:
        call()
    return [v.field for v in caught.value.violations]


def test_quote_terms_keep_an_unset_tax_rate_apart_from_zero():
    q = cpb.Quote(lines=[cpb.QuoteLine(product_id="p", quantity=2), cpb.QuoteLine(product_id="p", quantity=1, tax_rate_bp=0)], valid_until="2026-12-31")
    terms = mappers.terms(q)
    assert [line.tax_rate_bp for line in terms.lines] == [None, 0]
    assert terms.valid_until.isoformat() == "2026-12-31"
    assert fields(lambda: mappers.terms(cpb.Quote(valid_until="31.12.2026"))) == ["valid_until"]
    assert fields(lambda: mappers.terms(cpb.Quote(valid_until="20261231"))) == ["valid_until"]


def test_new_catalogue_entries_are_active_whatever_proto3_defaults_say():
    assert mappers.product(cpb.Product(sku="a", name="b"), creating=True).active
    assert not mappers.product(cpb.Product(id="x", sku="a", name="b")).active
    assert mappers.price_list(cpb.PriceList(name="n", currency="EUR", valid_from="2026-01-01"), creating=True).active
    assert fields(lambda: mappers.price_list(cpb.PriceList(valid_from="2026-02-30", valid_to="x"))) == ["valid_from", "valid_to"]


def test_questions():
    q = mappers.forecast_question(cpb.GetForecastRequest(
        filter=cpb.SalesFilter(team="north"), group_by=[cpb.FORECAST_DIMENSION_TERRITORY, cpb.FORECAST_DIMENSION_OWNER]))
    assert (q.team, q.granularity, q.dimensions, q.history_days, q.as_of) == ("north", "month", ("territory", "owner"), 365, None)
    assert fields(lambda: mappers.forecast_question(cpb.GetForecastRequest(group_by=[99], history_days=4000))) == ["group_by[0]", "history_days"]
    assert fields(lambda: mappers.kpi_question(cpb.GetSalesKpisRequest(period_from="2026-02-01", period_to="2026-01-01"))) == ["period_to"]
    assert fields(lambda: mappers.win_loss_question(cpb.GetWinLossAnalysisRequest(closed_from="soon"))) == ["closed_from"]


def test_enums_out_of_range_are_refused():
    assert fields(lambda: mappers.quote_status(42)) == ["status"]
    assert mappers.quote_status(cpb.QUOTE_STATUS_SENT) == "sent" and mappers.quote_status(0) == ""
    assert fields(lambda: mappers.opportunity_competitor(cpb.OpportunityCompetitor(threat=9))) == ["entry.threat"]
    assert mappers.opportunity_competitor(cpb.OpportunityCompetitor(threat=cpb.THREAT_LEVEL_HIGH)).threat == "high"
