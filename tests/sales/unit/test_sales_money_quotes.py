"""Money in minor units, quote arithmetic checked against hand-computed examples, versions, approval and orders."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from crm_chassis.access import Audience, Viewer
from crm_chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied, Violations
from crm_sales.domain import commerce_events as events
from crm_sales.domain.catalog import PriceList, Product
from crm_sales.domain.money import MAX_AMOUNT_MINOR, Money, apply_rate, check_amount, check_currency, exponent, format_amount, round_half_up
from crm_sales.domain.orders import Order
from crm_sales.domain.quotes import LineInput, Quote, QuoteTerms

TODAY = date(2026, 11, 23)


def fields(exc: InvalidArgument) -> list[str]:
    return [v.field for v in exc.violations]


# --- money ---


def test_currency_exponents_follow_iso_4217():
    assert (exponent("EUR"), exponent("JPY"), exponent("KWD"), exponent("CLF")) == (2, 0, 3, 4)


def test_unknown_and_non_money_currencies_are_refused_by_field():
    problems = Violations()
    check_currency("EUX", "currency", problems)
    check_currency("XAU", "other", problems)  # gold has no minor unit: not money a quote is written in
    check_currency("", "third", problems)
    with pytest.raises(InvalidArgument) as caught:
        problems.raise_if_any()
    assert fields(caught.value) == ["currency", "other", "third"]


def test_amounts_must_be_non_negative_and_below_the_documented_maximum():
    problems = Violations()
    check_amount(-1, "a", problems)
    check_amount(MAX_AMOUNT_MINOR + 1, "b", problems)
    check_amount(MAX_AMOUNT_MINOR, "c", problems)
    check_amount(0, "d", problems)
    assert [v.field for v in problems._items] == ["a", "b"]


def test_rounding_is_half_up_and_exact_for_huge_numbers():
    assert round_half_up(25, 10) == 3  # 2.5 → 3 (half-even would give 2)
    assert round_half_up(35, 10) == 4
    assert round_half_up(24, 10) == 2
    assert round_half_up(-25, 10) == -3  # away from zero
    assert round_half_up(10**30 + 5, 10) == 10**29 + 1
    assert apply_rate(5397, 1900) == 1025  # 19 % of 53.97 = 10.2543 → 10.25
    assert apply_rate(25, 1000) == 3  # 10 % of 0.25 = 0.025 → 0.03


def test_money_refuses_mixing_currencies_and_formats_by_exponent():
    assert Money(150, "EUR") + Money(250, "EUR") == Money(400, "EUR")
    with pytest.raises(ValueError):
        Money(1, "EUR") + Money(1, "USD")
    assert format_amount(123456, "EUR") == "1234.56 EUR"
    assert format_amount(5, "JPY") == "5 JPY"
    assert format_amount(1005, "KWD") == "1.005 KWD"


# --- quotes ---


def catalog(currency: str = "EUR"):
    widget = Product.create(sku="W-1", name="Widget", tax_rate_bp=1900)
    book = Product.create(sku="B-1", name="Book", tax_rate_bp=700)
    other = Product.create(sku="X-1", name="Not listed")
    products = {p.id: p for p in (widget, book, other)}
    price_list = PriceList.create(
        name="Standard", currency=currency, valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31),
        entries=[(widget.id, 1999), (book.id, 25)], known_products=set(products),
    )
    return widget, book, other, products, price_list


def make_quote(lines, discount_bp=0, threshold=2000, owner="alice"):
    widget, book, other, products, price_list = catalog()
    quote = Quote.create(
        opportunity_id="opp-1", account_id="acc-1", audience=Audience(owner, "east", ""), price_list=price_list, products=products,
        terms=QuoteTerms([LineInput(**line) for line in lines(widget, book, other)], discount_bp=discount_bp),
        approval_threshold_bp=threshold, today=TODAY,
    )
    return quote, products, price_list


def test_quote_totals_match_a_hand_computed_example():
    # Widget 19.99 × 3 = 59.97, 10 % off = 6.00 (5.997 half-up) → 53.97, tax 19 % = 10.25 (10.2543) → 64.22
    # Book 0.25 × 1, 10 % off = 0.03 (0.025 half-up) → 0.22, tax 7 % = 0.02 (0.0154 → 0.02) → 0.24
    quote, _, _ = make_quote(lambda w, b, o: [dict(product_id=w.id, quantity=3, discount_bp=1000), dict(product_id=b.id, quantity=1, discount_bp=1000)])
    widget_line, book_line = quote.lines
    assert (widget_line.list_minor, widget_line.discount_total_minor, widget_line.net_minor, widget_line.tax_minor, widget_line.gross_minor) == (
        5997, 600, 5397, 1025, 6422)
    assert (book_line.list_minor, book_line.discount_total_minor, book_line.net_minor, book_line.tax_minor, book_line.gross_minor) == (25, 3, 22, 2, 24)
    t = quote.totals
    assert (t.list_minor, t.discount_minor, t.net_minor, t.tax_minor, t.gross_minor) == (6022, 603, 5419, 1027, 6446)
    assert t.taxes == ((700, 22, 2), (1900, 5397, 1025))
    assert quote.currency == "EUR" and quote.version == 1 and quote.status == "draft" and quote.approval == "not_required"
    assert [type(e) for e in quote.events] == [events.QuoteChanged]


def test_quote_discount_applies_after_line_discount_and_fixed_discounts():
    # Widget 19.99 × 2 = 39.98 minus a fixed 1.98 → 38.00; quote 5 % → 1.90 → 36.10; tax 19 % = 6.859 → 6.86
    quote, _, _ = make_quote(lambda w, b, o: [dict(product_id=w.id, quantity=2, discount_minor=198)], discount_bp=500)
    line = quote.lines[0]
    assert (line.list_minor, line.discount_total_minor, line.net_minor, line.tax_minor, line.gross_minor) == (3998, 388, 3610, 686, 4296)


def test_every_bad_line_is_reported_at_once_by_index():
    with pytest.raises(InvalidArgument) as caught:
        make_quote(lambda w, b, o: [
            dict(product_id=o.id, quantity=1),  # not on the price list
            dict(product_id="nope", quantity=1),
            dict(product_id=w.id, quantity=0, discount_bp=10001),
            dict(product_id=w.id, quantity=1, discount_bp=100, discount_minor=5),
            dict(product_id=b.id, quantity=1, discount_minor=26),  # more than the line
            dict(product_id=b.id, quantity=1, tax_rate_bp=-1),
        ], discount_bp=-5)
    assert fields(caught.value) == [
        "discount_bp", "lines[0].product_id", "lines[1].product_id", "lines[2].quantity", "lines[2].discount_bp",
        "lines[3].discount_minor", "lines[4].discount_minor", "lines[5].tax_rate_bp",
    ]
    assert "not on the quote's price list" in caught.value.violations[1].description


def test_a_line_beyond_the_maximum_amount_is_refused_by_field():
    widget = Product.create(sku="BIG", name="Big")
    price_list = PriceList.create(name="Big", currency="EUR", valid_from=date(2026, 1, 1), valid_to=None,
                                  entries=[(widget.id, MAX_AMOUNT_MINOR)], known_products={widget.id})
    with pytest.raises(InvalidArgument) as caught:
        Quote.create(opportunity_id="o", account_id="", audience=Audience("a"), price_list=price_list, products={widget.id: widget},
                     terms=QuoteTerms([LineInput(widget.id, 2)]), approval_threshold_bp=2000, today=TODAY)
    assert fields(caught.value) == ["lines[0].quantity"]


def test_a_price_list_outside_its_period_cannot_be_quoted_from():
    widget, _, _, products, _ = catalog()
    old = PriceList.create(name="2025", currency="EUR", valid_from=date(2025, 1, 1), valid_to=date(2025, 12, 31),
                           entries=[(widget.id, 100)], known_products=set(products))
    assert old.is_valid_on(date(2025, 12, 31)) and not old.is_valid_on(date(2026, 1, 1))
    with pytest.raises(InvalidArgument) as caught:
        Quote.create(opportunity_id="o", account_id="", audience=Audience("a"), price_list=old, products=products,
                     terms=QuoteTerms([LineInput(widget.id, 1)], valid_until=TODAY - timedelta(days=1)), approval_threshold_bp=2000, today=TODAY)
    assert fields(caught.value) == ["price_list_id", "valid_until"]


def test_price_list_validation_reports_every_field():
    with pytest.raises(InvalidArgument) as caught:
        PriceList.create(name=" ", currency="eur", valid_from=date(2026, 5, 1), valid_to=date(2026, 4, 1),
                         entries=[("p1", 100), ("p1", 5), ("ghost", -1)], known_products={"p1"})
    assert fields(caught.value) == ["name", "currency", "valid_to", "entries[1].product_id", "entries[2].product_id", "entries[2].unit_price_minor"]


def test_status_machine_and_versions():
    quote, products, price_list = make_quote(lambda w, b, o: [dict(product_id=w.id, quantity=1)])
    widget_id = quote.lines[0].product_id
    # a draft changes in place
    assert quote.revise(QuoteTerms([LineInput(widget_id, 2)]), price_list, products, 2000, TODAY)
    assert (quote.version, quote.status, quote.totals.net_minor) == (1, "draft", 3998)
    assert not quote.revise(QuoteTerms([LineInput(widget_id, 2)]), price_list, products, 2000, TODAY)  # nothing changed
    with pytest.raises(FailedPrecondition):
        quote.accept(TODAY)  # not sent yet
    quote.send(TODAY)
    # a change after sending is a new version, a draft again
    assert quote.revise(QuoteTerms([LineInput(widget_id, 3)]), price_list, products, 2000, TODAY)
    assert (quote.version, quote.status) == (2, "draft")
    with pytest.raises(FailedPrecondition):
        quote.check_version(1)
    quote.send(TODAY)
    quote.reject("too expensive")
    assert quote.revise(QuoteTerms([LineInput(widget_id, 1)]), price_list, products, 2000, TODAY)
    assert (quote.version, quote.status, quote.decision_reason) == (3, "draft", "")
    quote.send(TODAY)
    quote.accept(TODAY)
    with pytest.raises(FailedPrecondition):
        quote.revise(QuoteTerms([LineInput(widget_id, 5)]), price_list, products, 2000, TODAY)
    with pytest.raises(FailedPrecondition):
        quote.reject("")
    assert [e.kind for e in quote.events] == ["created", "updated", "sent", "revised", "sent", "rejected", "revised", "sent", "accepted"]


def test_an_expired_quote_cannot_be_sent_or_accepted():
    quote, products, price_list = make_quote(lambda w, b, o: [dict(product_id=w.id, quantity=1)])
    quote.revise(QuoteTerms([LineInput(quote.lines[0].product_id, 1)], valid_until=TODAY), price_list, products, 2000, TODAY)
    quote.send(TODAY)
    with pytest.raises(FailedPrecondition):
        quote.accept(TODAY + timedelta(days=1))


def test_a_discount_above_the_threshold_needs_an_approver_who_is_not_the_owner():
    # 20.01 % overall: 2000 bp is the threshold, exactly 20 % would not need approval
    quote, products, price_list = make_quote(lambda w, b, o: [dict(product_id=w.id, quantity=100, discount_bp=2001)])
    assert quote.approval == "pending"
    with pytest.raises(FailedPrecondition):
        quote.send(TODAY)
    with pytest.raises(PermissionDenied):
        quote.decide_approval(Viewer("alice"), True, "")
    with pytest.raises(InvalidArgument):
        quote.decide_approval(Viewer("boss"), False, "")  # a no needs a reason
    quote.decide_approval(Viewer("boss"), True, "strategic customer")
    assert (quote.approval, quote.approved_by) == ("approved", "boss")
    quote.send(TODAY)
    # a new version needs a new approval
    quote.revise(QuoteTerms([LineInput(quote.lines[0].product_id, 100, discount_bp=2500)]), price_list, products, 2000, TODAY)
    assert (quote.version, quote.approval, quote.approved_by) == (2, "pending", "")


def test_exactly_the_threshold_needs_no_approval():
    quote, _, _ = make_quote(lambda w, b, o: [dict(product_id=w.id, quantity=100, discount_bp=2000)])
    assert quote.approval == "not_required" and quote.totals.discount_bp == 2000


def test_an_order_copies_the_accepted_version():
    quote, _, _ = make_quote(lambda w, b, o: [dict(product_id=w.id, quantity=3, discount_bp=1000)])
    with pytest.raises(FailedPrecondition):
        Order.place(quote, "alice")
    quote.send(TODAY)
    quote.accept(TODAY)
    order = Order.place(quote, "alice", " PO-7 ")
    assert (order.quote_id, order.quote_version, order.opportunity_id, order.account_id, order.currency) == (quote.id, 1, "opp-1", "acc-1", "EUR")
    assert order.totals == quote.totals and order.lines == quote.lines and order.purchase_order_number == "PO-7"
    assert [type(e) for e in order.events] == [events.OrderPlaced]
    assert order.is_visible_to(Viewer("bob", team="east")) and not order.is_visible_to(Viewer("bob", team="west"))


def test_yen_quotes_have_no_minor_digits_to_round():
    widget = Product.create(sku="W", name="W", tax_rate_bp=1000)
    price_list = PriceList.create(name="JP", currency="JPY", valid_from=date(2026, 1, 1), valid_to=None,
                                  entries=[(widget.id, 1005)], known_products={widget.id})
    quote = Quote.create(opportunity_id="o", account_id="", audience=Audience("a"), price_list=price_list, products={widget.id: widget},
                         terms=QuoteTerms([LineInput(widget.id, 1, discount_bp=1000)]), approval_threshold_bp=2000, today=TODAY)
    # ¥1,005 − 10 % (100.5 → 101) = ¥904, tax 10 % = 90.4 → ¥90
    assert (quote.totals.net_minor, quote.totals.tax_minor, quote.totals.gross_minor) == (904, 90, 994)
