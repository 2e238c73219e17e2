"""Commerce on a real database of each backend: catalogue, quotes through versions and approval to the order and
its OrderPlaced event, nothing half-written on bad input, record-level access, competitors and win/loss."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from commerce_support import T0, catalog, opportunity, outbox, pipeline
from sales_support import ADMIN, ALICE, BOB, CAROL, counts

from crm_chassis.access import Viewer
from crm_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from crm_sales.adapters import orm
from crm_sales.domain import commerce_commands as commands
from crm_sales.domain.competitors import CompetitorPrice, CompetitorProduct
from crm_sales.domain.quotes import LineInput, QuoteTerms
from crm_sales.service_layer import commerce

THRESHOLD = 2000
BOSS = Viewer("boss", team="north")


def fields(exc) -> list[str]:
    return [v.field for v in exc.violations]


@pytest.fixture
def deal(app):
    pid, stages = pipeline(app.engine, [("qualify", 20, 10), ("propose", 60, 10)])
    return opportunity(app.engine, pid, [(stages["qualify"], "created", T0)], owner=ALICE, account_id="acc-9")


def test_quote_versions_approval_and_order(app, deal):
    widget, book, _, price_list = catalog(app)
    terms = QuoteTerms([LineInput(widget.id, 3, discount_bp=1000), LineInput(book.id, 1, discount_bp=1000)])
    quote = commerce.create_quote(commands.CreateQuote(deal, price_list.id, terms), app.uow(), ALICE, THRESHOLD)
    assert (quote.account_id, quote.currency, quote.version, quote.owner, quote.team) == ("acc-9", "EUR", 1, "alice", "north")
    assert (quote.totals.net_minor, quote.totals.tax_minor, quote.totals.gross_minor) == (5419, 1027, 6446)  # hand-computed in the unit tests
    stored = commerce.get_quote(quote.id, 0, app.uow(), CAROL)  # Alice's team sees it
    assert stored.lines == quote.lines and stored.totals == quote.totals

    # a draft changes in place; 25 % needs approval
    big = QuoteTerms([LineInput(widget.id, 10, discount_bp=2500)])
    quote = commerce.update_quote(commands.UpdateQuote(quote.id, big, expected_version=1), app.uow(), ALICE, THRESHOLD)
    assert (quote.version, quote.approval) == (1, "pending")
    with pytest.raises(FailedPrecondition):
        commerce.send_quote(commands.QuoteDecision(quote.id), app.uow(), ALICE)
    with pytest.raises(PermissionDenied):
        commerce.decide_quote_approval(commands.QuoteDecision(quote.id, 1, approve=True), app.uow(), ALICE)
    quote = commerce.decide_quote_approval(commands.QuoteDecision(quote.id, 1, approve=True, text="ok"), app.uow(), BOSS)
    assert (quote.approval, quote.approved_by) == ("approved", "boss")
    quote = commerce.send_quote(commands.QuoteDecision(quote.id, 1), app.uow(), ALICE)

    # after sending, a change is version 2; version 1 stays as sent
    smaller = QuoteTerms([LineInput(widget.id, 4)])
    quote = commerce.update_quote(commands.UpdateQuote(quote.id, smaller), app.uow(), ALICE, THRESHOLD)
    assert (quote.version, quote.status, quote.approval) == (2, "draft", "not_required")
    v1, v2 = commerce.list_quote_versions(quote.id, app.uow(), ALICE)
    assert (v1.version, v1.status, v1.approval, v1.lines[0].quantity) == (1, "sent", "approved", 10)
    assert (v2.version, v2.status, v2.lines[0].quantity) == (2, "draft", 4)
    assert commerce.get_quote(quote.id, 1, app.uow(), ALICE).totals == v1.totals
    with pytest.raises(FailedPrecondition):
        commerce.send_quote(commands.QuoteDecision(quote.id, 1), app.uow(), ALICE)  # stale version

    commerce.send_quote(commands.QuoteDecision(quote.id, 2), app.uow(), ALICE)
    quote, order = commerce.accept_quote(commands.QuoteDecision(quote.id, 2, text="PO-1"), app.uow(), ALICE)
    assert (quote.status, quote.order_id) == ("accepted", order.id)
    assert (order.quote_version, order.opportunity_id, order.account_id, order.purchase_order_number) == (2, deal, "acc-9", "PO-1")
    assert order.totals.gross_minor == 4 * 1999 + 1519  # 79.96 + 19 % (15.1924 → 15.19)
    assert commerce.get_order(order.id, app.uow(), ALICE).lines == order.lines

    # accepted: no change, nothing written
    before = counts(app.engine)
    with pytest.raises(FailedPrecondition):
        commerce.update_quote(commands.UpdateQuote(quote.id, terms), app.uow(), ALICE, THRESHOLD)
    with pytest.raises(FailedPrecondition):
        commerce.reject_quote(commands.QuoteDecision(quote.id), app.uow(), ALICE)
    again, same_order = commerce.accept_quote(commands.QuoteDecision(quote.id, 2), app.uow(), ALICE)  # a retry
    assert (again.order_id, same_order.id, same_order.totals) == (order.id, order.id, order.totals)
    assert counts(app.engine) == before

    types = [t for t, _ in outbox(app.engine) if t.startswith(("Quote", "Order"))]
    assert types == ["QuoteCreated", "QuoteUpdated", "QuoteApproved", "QuoteSent", "QuoteRevised", "QuoteSent", "QuoteAccepted", "OrderPlaced"]
    [(_, placed)] = outbox(app.engine, "OrderPlaced")
    o = placed["order"]
    assert (o["id"], o["opportunityId"], o["accountId"], o["currency"], o["quoteVersion"]) == (order.id, deal, "acc-9", "EUR", 2)
    assert o["lines"][0]["sku"] == "W-EUR" and o["lines"][0]["quantity"] == "4" and o["totals"]["grossMinor"] == str(order.totals.gross_minor)


def test_bad_quotes_write_nothing_and_name_every_field(app, deal):
    widget, _, other, price_list = catalog(app)
    _, usd_book, _, usd_list = catalog(app, "USD")
    before = counts(app.engine)
    bad = QuoteTerms([LineInput(other.id, 1), LineInput(widget.id, 0), LineInput(usd_book.id, 1)], discount_bp=-1)
    with pytest.raises(InvalidArgument) as caught:
        commerce.create_quote(commands.CreateQuote(deal, price_list.id, bad), app.uow(), ALICE, THRESHOLD)
    assert fields(caught.value) == ["discount_bp", "lines[0].product_id", "lines[1].quantity", "lines[2].product_id"]
    with pytest.raises(InvalidArgument) as caught:
        commerce.create_quote(commands.CreateQuote(deal, usd_list.id, QuoteTerms([LineInput(usd_book.id, 1)])), app.uow(), ALICE, THRESHOLD)
    assert fields(caught.value) == ["price_list_id"]  # USD list for a EUR opportunity
    with pytest.raises(InvalidArgument) as caught:
        commerce.create_quote(commands.CreateQuote(deal, "nope", QuoteTerms([])), app.uow(), ALICE, THRESHOLD)
    assert fields(caught.value) == ["price_list_id"]
    assert counts(app.engine) == before


def test_quotes_and_orders_follow_the_opportunitys_audience(app, deal):
    widget, _, _, price_list = catalog(app)
    with pytest.raises(NotFound):
        commerce.create_quote(commands.CreateQuote(deal, price_list.id, QuoteTerms([LineInput(widget.id, 1)])), app.uow(), BOB, THRESHOLD)
    quote = commerce.create_quote(commands.CreateQuote(deal, price_list.id, QuoteTerms([LineInput(widget.id, 1)])), app.uow(), ALICE, THRESHOLD)
    for viewer in (BOB,):
        with pytest.raises(NotFound):
            commerce.get_quote(quote.id, 0, app.uow(), viewer)
        with pytest.raises(NotFound):
            commerce.send_quote(commands.QuoteDecision(quote.id), app.uow(), viewer)
    assert commerce.list_quotes(app.uow(), BOB, "", "", 0, "") == ([], "")
    assert [q.id for q in commerce.list_quotes(app.uow(), CAROL, deal, "draft", 0, "")[0]] == [quote.id]
    assert [q.id for q in commerce.list_quotes(app.uow(), ADMIN, "", "sent", 0, "")[0]] == []
    # the opportunity goes to Bob: its quotes follow it
    with app.engine.begin() as conn:
        conn.execute(sa.update(orm.opportunities).where(orm.opportunities.c.id == deal).values(owner="bob", team="south", territory="de"))
    assert commerce.get_quote(quote.id, 0, app.uow(), BOB).owner == "bob"
    assert [q.id for q in commerce.list_quotes(app.uow(), BOB, "", "", 0, "")[0]] == [quote.id]
    with pytest.raises(NotFound):
        commerce.get_quote(quote.id, 0, app.uow(), ALICE)


def test_price_list_periods_and_catalogue_rules(app, deal):
    widget, _, _, _ = catalog(app)
    with pytest.raises(AlreadyExists):
        commerce.create_product(commands.SaveProduct(sku="W-EUR", name="Again"), app.uow())
    future = commerce.create_price_list(commands.SavePriceList(
        name="Next year", currency="EUR", valid_from=date.today() + timedelta(days=30), entries=[(widget.id, 1)]), app.uow())
    with pytest.raises(InvalidArgument) as caught:
        commerce.create_quote(commands.CreateQuote(deal, future.id, QuoteTerms([LineInput(widget.id, 1)])), app.uow(), ALICE, THRESHOLD)
    assert fields(caught.value) == ["price_list_id"]
    assert [pl.name for pl in commerce.list_price_lists(app.uow(), "EUR", date.today())] == ["Standard EUR"]
    with pytest.raises(InvalidArgument) as caught:
        commerce.update_price_list(commands.SavePriceList(id=future.id, name="x", currency="USD", valid_from=date(2026, 1, 1)), app.uow())
    assert fields(caught.value) == ["currency"]
    updated = commerce.update_product(commands.SaveProduct(id=widget.id, name="Widget 2", tax_rate_bp=700, active=False), app.uow())
    assert (updated.name, updated.active) == ("Widget 2", False)
    products, _ = commerce.list_products(app.uow(), 0, "", include_inactive=False)
    assert widget.id not in {p.id for p in products}
    assert [t for t, _ in outbox(app.engine) if t.startswith("Pr")][-1] == "ProductUpdated"


def test_competitors_on_deals_and_win_loss(app):
    pid, stages = pipeline(app.engine, [("qualify", 20, 10)])
    q = stages["qualify"]
    acme = commerce.create_competitor(commands.SaveCompetitor(
        name="Acme", website="https://acme.example", products=[CompetitorProduct("Rocket", (CompetitorPrice("EUR", 900),))]), app.uow())
    bolt = commerce.create_competitor(commands.SaveCompetitor(name="Bolt"), app.uow())
    with pytest.raises(AlreadyExists):
        commerce.create_competitor(commands.SaveCompetitor(name="acme"), app.uow())
    assert commerce.get_competitor(acme.id, app.uow()).products == acme.products

    won = opportunity(app.engine, pid, [(q, "created", T0), (q, "won", T0 + timedelta(days=3))], amount=1000, owner=ALICE)
    lost = opportunity(app.engine, pid, [(q, "created", T0), (q, "lost", T0 + timedelta(days=5))], amount=2000, owner=ALICE,
                       lost_to=acme.id, competitor_price=1500)
    hidden = opportunity(app.engine, pid, [(q, "created", T0), (q, "lost", T0 + timedelta(days=5))], amount=7000, owner=BOB, lost_to=acme.id)
    for oid in (won, lost):
        commerce.set_opportunity_competitor(commands.SetOpportunityCompetitor(oid, acme.id, strengths="cheap", threat="high"), app.uow(), ALICE)
    entry, name = commerce.set_opportunity_competitor(commands.SetOpportunityCompetitor(won, bolt.id), app.uow(), ALICE)
    assert (entry.threat, name) == ("medium", "Bolt")
    with pytest.raises(NotFound):
        commerce.set_opportunity_competitor(commands.SetOpportunityCompetitor(hidden, acme.id), app.uow(), ALICE)
    with pytest.raises(InvalidArgument):
        commerce.set_opportunity_competitor(commands.SetOpportunityCompetitor(won, "ghost"), app.uow(), ALICE)
    assert [(e.competitor_id, n) for e, n in commerce.list_opportunity_competitors(won, app.uow(), CAROL)] == [(acme.id, "Acme"), (bolt.id, "Bolt")]

    records = {name: r for r, name in commerce.get_win_loss(commands.SalesQuestion(), app.uow(), ALICE)}
    assert (records["Acme"].opportunities, records["Acme"].won, records["Acme"].lost, records["Acme"].lost_to_them) == (2, 1, 1, 1)
    assert records["Acme"].win_rate_bp == 5000 and records["Acme"].their_average_price_minor == {"EUR": 1500}
    assert (records["Bolt"].won, records["Bolt"].win_rate_bp) == (1, 10000)
    admin = {name: r for r, name in commerce.get_win_loss(commands.SalesQuestion(), app.uow(), ADMIN)}
    assert admin["Acme"].lost_to_them == 2  # Bob's deal too
    january = commands.SalesQuestion(date_from=date(2026, 1, 5), date_to=date(2026, 1, 31))  # won on the 4th, lost on the 6th
    assert {name: r.won for r, name in commerce.get_win_loss(january, app.uow(), ALICE)} == {"Acme": 0}

    commerce.remove_opportunity_competitor(won, bolt.id, app.uow(), ALICE)
    with pytest.raises(NotFound):
        commerce.remove_opportunity_competitor(won, bolt.id, app.uow(), ALICE)
    assert [t for t, _ in outbox(app.engine) if t.startswith("OpportunityCompetitor")] == ["OpportunityCompetitorSet"] * 3 + ["OpportunityCompetitorRemoved"]
