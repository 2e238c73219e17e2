"""Competitor catalogue validation and win/loss analysis against each competitor, by hand-computed examples."""
from __future__ import annotations

from datetime import date

import pytest

from crm_chassis.access import Audience, Viewer
from crm_chassis.errors import InvalidArgument
from crm_sales.domain.competitors import Competitor, CompetitorPrice, CompetitorProduct, DealOutcome, OpportunityCompetitor, win_loss


def test_competitor_validation_reports_every_field():
    with pytest.raises(InvalidArgument) as caught:
        Competitor.create(name="", website="acme.com", products=[
            CompetitorProduct("Rocket", (CompetitorPrice("EUR", -5), CompetitorPrice("ABC", 10, date(2026, 2, 1), date(2026, 1, 1)))),
            CompetitorProduct("rocket"),
        ])
    assert [v.field for v in caught.value.violations] == [
        "name", "website", "products[0].prices[0].amount_minor", "products[0].prices[1].currency", "products[0].prices[1].valid_to",
        "products[1].name",
    ]


def test_competitor_update_is_a_no_op_when_nothing_changes():
    acme = Competitor.create(name="Acme", website="https://acme.example", products=[CompetitorProduct("Rocket", (CompetitorPrice("EUR", 100),))])
    assert not acme.update(name="Acme", website="https://acme.example", strengths="", weaknesses="", products=[CompetitorProduct("Rocket", (CompetitorPrice("EUR", 100),))])
    assert acme.update(name="Acme", website="https://acme.example", strengths="cheap", weaknesses="", products=[])
    assert len(acme.events) == 2


def test_opportunity_competitor_threat_and_visibility():
    with pytest.raises(InvalidArgument):
        OpportunityCompetitor.create(opportunity_id="o", competitor_id="c", strengths="", weaknesses="", threat="huge", audience=Audience("a"))
    entry = OpportunityCompetitor.create(opportunity_id="o", competitor_id="c", strengths="fast", weaknesses="", threat="", audience=Audience("a", "east"))
    assert entry.threat == "medium"
    assert entry.is_visible_to(Viewer("x", team="east")) and not entry.is_visible_to(Viewer("x", team="west"))


def test_win_loss_per_competitor():
    deals = [
        DealOutcome("o1", "won", 1000, "EUR", frozenset({"acme", "bolt"})),
        DealOutcome("o2", "lost", 2000, "EUR", frozenset({"acme"}), lost_to_competitor_id="acme", lost_price_minor=1500),
        DealOutcome("o3", "lost", 3000, "EUR", frozenset({"acme", "bolt"}), lost_to_competitor_id="bolt", lost_price_minor=2500),
        DealOutcome("o4", "lost", 400, "USD", frozenset(), lost_to_competitor_id="acme", lost_price_minor=0),  # price unknown
        DealOutcome("o5", "open", 700, "EUR", frozenset({"acme"})),
        DealOutcome("o6", "lost", 100, "EUR", frozenset({"acme"}), lost_to_competitor_id="acme", lost_price_minor=1000),
    ]
    acme, bolt = win_loss(deals)
    assert acme.competitor_id == "acme"
    assert (acme.opportunities, acme.open, acme.won, acme.lost, acme.lost_to_them) == (6, 1, 1, 4, 3)
    assert acme.win_rate_bp == 2000  # 1 won of 5 closed
    assert acme.won_minor == {"EUR": 1000}
    assert acme.lost_to_them_minor == {"EUR": 2100, "USD": 400}
    assert acme.their_average_price_minor == {"EUR": 1250}  # (1500 + 1000) / 2; the unknown USD price is left out
    assert (bolt.opportunities, bolt.won, bolt.lost, bolt.lost_to_them, bolt.win_rate_bp) == (2, 1, 1, 1, 5000)
    assert bolt.their_average_price_minor == {"EUR": 2500}
