"""Sales' events in contacts on SQLite and PostgreSQL: dossier lines for the account and each person on a deal,
owned products from won deals (once, inactive again on reopening), unknown ids skipped; and once through the
real broker and worker process."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pika
import pytest
import sqlalchemy as sa
from contacts_support import ALICE, jane, migrate, wait_until
from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from nameko.testing.services import worker_factory
from test_contacts_worker import Bus, start_worker  # noqa: F401 - the worker process fixture

from crm.sales.v1 import commerce_pb2, sales_pb2
from crm.sales.v1 import events_pb2 as sales_messages
from crm_chassis.envelope import InboundEvent
from crm_contacts.adapters import orm
from crm_contacts.bootstrap import bootstrap
from crm_contacts.config import ContactsSettings
from crm_contacts.domain import commands
from crm_contacts.domain.accounts import CreateAccount
from crm_contacts.entrypoints import sales_mappers
from crm_contacts.entrypoints.worker import ContactsWorker
from crm_contacts.service_layer import accounts, erasure, handlers, sales_events

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CLOSED = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
DM, INFLUENCER = sales_pb2.CONTACT_ROLE_DECISION_MAKER, sales_pb2.CONTACT_ROLE_INFLUENCER
PIPELINE, STAGE_1, STAGE_2 = (str(uuid.uuid4()) for _ in range(3))
T0 = datetime(2026, 1, 5, tzinfo=UTC)
PUMPS = [("sku-1", "Heat pump", 2), ("sku-2", "Service plan", 1), ("sku-1", "Heat pump", 1)]


def inbound(message, event_id: str = "", occurred_at: datetime = AT) -> InboundEvent:
    """Decoded from proto3 JSON and headers exactly as the worker decodes a delivery."""
    headers = {"id": event_id or str(uuid.uuid4()), "type": message.DESCRIPTOR.full_name, "occurred_at": occurred_at.isoformat()}
    return InboundEvent.decode(json_format.MessageToDict(message), headers, type(message), "sales")


def opportunity(account_id: str = "", persons=(), products=(), opportunity_id: str = "opp-1", **fields) -> sales_pb2.Opportunity:
    return sales_pb2.Opportunity(
        id=opportunity_id, name="Heat pumps for Acme", account_id=account_id, amount=sales_pb2.Money(amount_minor=1_200_000, currency="EUR"),
        contacts=[sales_pb2.OpportunityContact(person_id=p, role=r) for p, r in persons],
        products=[sales_pb2.OpportunityProduct(product_id=i, name=n, quantity=q) for i, n, q in products], **fields,
    )


def pipeline(updated_at: datetime, *names: str) -> sales_pb2.Pipeline:
    stamp = Timestamp()
    stamp.FromDatetime(updated_at)
    stages = [sales_pb2.Stage(id=stage_id, name=name) for stage_id, name in zip((STAGE_1, STAGE_2), names, strict=True)]
    return sales_pb2.Pipeline(id=PIPELINE, name="Default", stages=stages, update_time=stamp)


def closed(**kwargs) -> sales_pb2.Opportunity:
    ts = Timestamp()
    ts.FromDatetime(CLOSED)
    return opportunity(close_time=ts, **kwargs)


@pytest.fixture
def worker(app):
    return worker_factory(ContactsWorker, app=app)


def person(app, given_name="Jane", email="jane@example.com"):
    return handlers.create_person(jane(given_name=given_name, emails=[(email, "work")], allow_duplicates=True), app.uow(), ALICE, None)


def account(app, name="Acme"):
    return accounts.create_account(CreateAccount({"name": name}), app.uow(), ALICE)


def person_lines(app, person_id) -> list[tuple[str, str]]:
    entries, _ = handlers.list_history(person_id, app.uow(), ALICE, 0, "")
    return [(e.kind, e.summary) for e in entries if e.source == "sales"]


def account_lines(app, account_id) -> list[tuple[str, str]]:
    entries, _ = accounts.list_account_history(account_id, app.uow(), ALICE, 0, "")
    return [(e.kind, e.summary) for e in entries if e.source == "sales"]


def owned(app, person_id="", account_id="") -> list[tuple[str, str, int, bool, str, date | None]]:
    products, _ = handlers.list_owned_products(person_id, account_id, False, app.uow(), ALICE, 0, "")
    return sorted((p.product_id, p.name, p.quantity, p.active, p.source, p.purchased_on) for p in products)


def outbox_kinds(app) -> list[str]:
    with app.engine.connect() as conn:
        return list(conn.execute(sa.select(orm.outbox.c.event_type).order_by(orm.outbox.c.position)).scalars())


def test_a_deal_is_one_line_for_its_account_and_each_person_once(app, worker):
    acme, jane_, ion = account(app), person(app), person(app, "Ion", "ion@example.com")
    deal = opportunity(acme.id, [(jane_.id, DM), (ion.id, INFLUENCER)])
    created = inbound(sales_messages.OpportunityCreated(opportunity=deal))
    worker.on_opportunity_created(created)
    worker.on_opportunity_created(created)  # a redelivery
    line = ("OpportunityCreated", "Opportunity “Heat pumps for Acme” created (12000.00 EUR)")
    assert account_lines(app, acme.id) == [line]
    assert person_lines(app, jane_.id) == [line] and person_lines(app, ion.id) == [line]
    entries, _ = handlers.list_history(jane_.id, app.uow(), ALICE, 0, "")
    assert [e.occurred_at for e in entries if e.source == "sales"] == [AT]

    def change(kind, probability, stage_id=""):
        return sales_pb2.StageChange(opportunity_id="opp-1", kind=kind, probability=probability, stage_id=stage_id)

    # A stage of a pipeline contacts never heard of is described by its probability.
    moved = sales_messages.OpportunityStageChanged(opportunity=deal, change=change(sales_pb2.STAGE_CHANGE_KIND_FORWARD, 60, str(uuid.uuid4())))
    worker.on_opportunity_stage_changed(inbound(moved, occurred_at=AT + timedelta(hours=1)))
    # A known one by its name, as the pipeline's latest event gives it (a late older update changes nothing).
    worker.on_pipeline_created(inbound(sales_messages.PipelineCreated(pipeline=pipeline(T0, "Qualify", "Propose"))))
    worker.on_pipeline_updated(inbound(sales_messages.PipelineUpdated(pipeline=pipeline(T0 + timedelta(days=2), "Qualify", "Proposal"))))
    worker.on_pipeline_updated(inbound(sales_messages.PipelineUpdated(pipeline=pipeline(T0 + timedelta(days=1), "Qualify", "Offer"))))
    back = sales_messages.OpportunityStageChanged(opportunity=deal, change=change(sales_pb2.STAGE_CHANGE_KIND_BACKWARD, 40, STAGE_2))
    worker.on_opportunity_stage_changed(inbound(back, occurred_at=AT + timedelta(hours=1, minutes=30)))
    # Won, lost, reopened and created stage changes come with their own event: no second line.
    for kind in (sales_pb2.STAGE_CHANGE_KIND_LOST, sales_pb2.STAGE_CHANGE_KIND_CREATED):
        worker.on_opportunity_stage_changed(inbound(sales_messages.OpportunityStageChanged(opportunity=deal, change=change(kind, 0))))
    lost_deal = opportunity(acme.id, [(jane_.id, DM), (ion.id, INFLUENCER)], close_note="went with a cheaper offer")
    worker.on_opportunity_lost(inbound(sales_messages.OpportunityLost(opportunity=lost_deal, reason_code="price"), occurred_at=AT + timedelta(hours=2)))
    expected = [
        ("OpportunityLost", "Opportunity “Heat pumps for Acme” lost: price; went with a cheaper offer"),
        ("OpportunityStageChanged", "Opportunity “Heat pumps for Acme” moved backward to Proposal (40 %)"),
        ("OpportunityStageChanged", "Opportunity “Heat pumps for Acme” moved forward to a stage with 60 % probability"),
        line,
    ]
    assert account_lines(app, acme.id) == expected
    assert person_lines(app, jane_.id) == expected and person_lines(app, ion.id) == expected
    assert owned(app, account_id=acme.id) == []  # only a won deal gives products


def test_a_won_deal_gives_its_account_the_products_once_and_reopening_deactivates_them(app, worker):
    acme, jane_ = account(app), person(app)
    won = sales_messages.OpportunityWon(opportunity=closed(account_id=acme.id, persons=[(jane_.id, DM)], products=PUMPS), reason_code="fit")
    event = inbound(won)
    worker.on_opportunity_won(event)
    source, day = "sales:opportunity:opp-1", CLOSED.date()
    products = [("sku-1", "Heat pump", 3, True, source, day), ("sku-2", "Service plan", 1, True, source, day)]
    assert owned(app, account_id=acme.id) == products  # two lines of one product add up
    assert owned(app, person_id=jane_.id) == []  # the account bought them, not the person on the deal
    line = ("OpportunityWon", "Opportunity “Heat pumps for Acme” won (12000.00 EUR): 3 × Heat pump, 1 × Service plan")
    assert account_lines(app, acme.id) == [line] and person_lines(app, jane_.id) == [line]
    assert outbox_kinds(app).count("OwnedProductAdded") == 2

    worker.on_opportunity_won(event)  # a redelivery
    worker.on_opportunity_won(inbound(won))  # another won event of the same deal
    assert owned(app, account_id=acme.id) == products
    assert outbox_kinds(app).count("OwnedProductAdded") == 2 and "OwnedProductChanged" not in outbox_kinds(app)

    reopened = sales_messages.OpportunityReopened(opportunity=opportunity(acme.id, [(jane_.id, DM)], PUMPS))
    worker.on_opportunity_reopened(inbound(reopened, occurred_at=AT + timedelta(hours=1)))
    assert [p[3] for p in owned(app, account_id=acme.id)] == [False, False]
    assert account_lines(app, acme.id)[0] == ("OpportunityReopened", "Opportunity “Heat pumps for Acme” reopened")

    # Won again with other products: the kept one is active again with its new quantity, the dropped one stays
    # inactive, the new one is added.
    again = closed(account_id=acme.id, persons=[(jane_.id, DM)], products=[("sku-1", "Heat pump", 1), ("sku-3", "Filter", 4)])
    worker.on_opportunity_won(inbound(sales_messages.OpportunityWon(opportunity=again), occurred_at=AT + timedelta(hours=2)))
    assert owned(app, account_id=acme.id) == [
        ("sku-1", "Heat pump", 1, True, source, day), ("sku-2", "Service plan", 1, False, source, day), ("sku-3", "Filter", 4, True, source, day),
    ]


def test_without_an_account_the_decision_maker_owns_the_products(app, worker):
    jane_, ion = person(app), person(app, "Ion", "ion@example.com")
    won = sales_messages.OpportunityWon(opportunity=closed(persons=[(ion.id, INFLUENCER), (jane_.id, DM)], products=PUMPS[:1]))
    worker.on_opportunity_won(inbound(won))
    assert owned(app, person_id=jane_.id) == [("sku-1", "Heat pump", 2, True, "sales:opportunity:opp-1", CLOSED.date())]
    assert owned(app, person_id=ion.id) == []
    won_line = ("OpportunityWon", "Opportunity “Heat pumps for Acme” won (12000.00 EUR): 2 × Heat pump")
    assert person_lines(app, ion.id) == [won_line]
    entries, _ = handlers.list_history(jane_.id, app.uow(), ALICE, 0, "")
    assert {(e.kind, e.summary) for e in entries if e.kind in ("OwnedProductAdded", "OpportunityWon")} == {
        won_line, ("OwnedProductAdded", "Owns 2 × Heat pump (from sales:opportunity:opp-1)"),
    }
    worker.on_opportunity_reopened(inbound(sales_messages.OpportunityReopened(opportunity=opportunity(persons=[(jane_.id, DM)]))))
    assert [p[3] for p in owned(app, person_id=jane_.id)] == [False]


def test_unknown_erased_and_merged_records(app):
    jane_, survivor, gone = person(app), person(app, "Jana", "jana@example.com"), person(app, "Gone", "gone@example.com")
    with app.engine.begin() as conn:  # as a merge leaves it: a tombstone pointing at its survivor
        conn.execute(sa.update(orm.persons).where(orm.persons.c.id == jane_.id).values(merged_into=survivor.id))
    erasure.erase_person(commands.ErasePerson(gone.id, "request"), app.uow(), ALICE)
    stranger, nowhere = str(uuid.uuid4()), str(uuid.uuid4())
    deal = closed(account_id=nowhere, persons=[(jane_.id, DM), (survivor.id, INFLUENCER), (gone.id, INFLUENCER), (stranger, DM)], products=PUMPS)
    cmd = sales_mappers.opportunity_won(inbound(sales_messages.OpportunityWon(opportunity=deal), event_id="evt-1"))
    # Handled (and remembered) although the account is unknown: retrying could never help.
    assert sales_events.record_won(cmd, app.uow(), "contacts.on_opportunity_won") is True
    assert sales_events.record_won(cmd, app.uow(), "contacts.on_opportunity_won") is False
    line = ("OpportunityWon", "Opportunity “Heat pumps for Acme” won (12000.00 EUR): 3 × Heat pump, 1 × Service plan")
    assert person_lines(app, survivor.id) == [line]  # once, though named twice (directly and through the merged record)
    assert person_lines(app, jane_.id) == []
    with app.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.owned_products)).scalar_one() == 0  # the buyer is unknown
        gone_lines = conn.execute(sa.select(orm.person_history.c.kind).where(orm.person_history.c.person_id == gone.id)).scalars().all()
    assert "OpportunityWon" not in gone_lines  # an erased person takes no new facts


def test_a_merged_account_s_facts_and_products_go_to_its_survivor(app):
    survivor, middle, tombstone = account(app, "Acme"), account(app, "Acme Ltd"), account(app, "ACME")
    with app.engine.begin() as conn:  # as two merges leave them: a tombstone pointing at a survivor merged since
        conn.execute(sa.update(orm.accounts).where(orm.accounts.c.id == tombstone.id).values(merged_into=middle.id))
        conn.execute(sa.update(orm.accounts).where(orm.accounts.c.id == middle.id).values(merged_into=survivor.id))
    deal = closed(account_id=tombstone.id, products=PUMPS[:2])
    cmd = sales_mappers.opportunity_won(inbound(sales_messages.OpportunityWon(opportunity=deal)))
    assert sales_events.record_won(cmd, app.uow(), "contacts.on_opportunity_won") is True
    line = ("OpportunityWon", "Opportunity “Heat pumps for Acme” won (12000.00 EUR): 2 × Heat pump, 1 × Service plan")
    assert account_lines(app, survivor.id) == [line]
    source, day = "sales:opportunity:opp-1", CLOSED.date()
    assert owned(app, account_id=survivor.id) == [("sku-1", "Heat pump", 2, True, source, day), ("sku-2", "Service plan", 1, True, source, day)]
    with app.engine.connect() as conn:
        for merged in (middle.id, tombstone.id):
            kinds = conn.execute(sa.select(orm.account_history.c.kind).where(orm.account_history.c.account_id == merged)).scalars().all()
            assert "OpportunityWon" not in kinds
            products = sa.select(sa.func.count()).select_from(orm.owned_products).where(orm.owned_products.c.account_id == merged)
            assert conn.execute(products).scalar_one() == 0

    # Reopened, still named by the tombstone: the survivor's products become inactive.
    reopened = sales_messages.OpportunityReopened(opportunity=opportunity(tombstone.id, products=PUMPS[:2]))
    assert sales_events.record_reopened(sales_mappers.opportunity_reopened(inbound(reopened)), app.uow(), "contacts.on_opportunity_reopened")
    assert [p[3] for p in owned(app, account_id=survivor.id)] == [False, False]


def test_orders_and_converted_leads(app, worker):
    acme, ion = account(app), person(app, "Ion", "ion@example.com")
    order = commerce_pb2.Order(
        id="ord-1", opportunity_id="opp-1", account_id=acme.id, currency="EUR", purchase_order_number="PO-7",
        lines=[commerce_pb2.QuoteLine(product_id="sku-1", name="Heat pump", quantity=2), commerce_pb2.QuoteLine(product_id="sku-9", quantity=1)],
        totals=commerce_pb2.QuoteTotals(gross_minor=14_280),
    )
    worker.on_order_placed(inbound(sales_messages.OrderPlaced(order=order)))
    lead = sales_pb2.Lead(id="lead-1", given_name="Ion", family_name="Pop", company="Acme", source="fair")
    converted = sales_messages.LeadConverted(lead=lead, person_id=ion.id, account_id=acme.id, opportunity_id="opp-1")
    worker.on_lead_converted(inbound(converted, occurred_at=AT + timedelta(minutes=1)))
    assert account_lines(app, acme.id) == [
        ("LeadConverted", "Converted from a sales lead of Acme (source: fair)"), ("OrderPlaced", "Order PO-7 placed (142.80 EUR): 2 × Heat pump, 1 × sku-9"),
    ]
    assert person_lines(app, ion.id) == [("LeadConverted", "Converted from a sales lead of Acme (source: fair)")]


def test_the_worker_process_records_a_won_deal_from_the_broker_once(database_url, amqp_url, start_worker):  # noqa: F811
    migrate(database_url)
    app = bootstrap(ContactsSettings(database_url=database_url))
    bus = Bus(amqp_url)
    try:
        acme, jane_ = account(app), person(app)
        worker = start_worker(database_url, amqp_url)
        queue = "evt-sales-OpportunityWon--contacts.on_opportunity_won"

        def running() -> bool:
            assert worker.poll() is None, f"the worker exited with {worker.returncode}:\n{worker.log_path.read_text()}"
            return bus.queue_exists(queue)

        wait_until(running, timeout=30, message="the worker's sales queue")
        won = sales_messages.OpportunityWon(opportunity=closed(account_id=acme.id, persons=[(jane_.id, DM)], products=PUMPS))
        for _ in range(2):  # the relay may publish twice (a confirm lost): the inbox makes it once
            publish(bus, "evt-won-1", won)
        expected = [("sku-1", "Heat pump", 3, True, "sales:opportunity:opp-1", CLOSED.date()),
                    ("sku-2", "Service plan", 1, True, "sales:opportunity:opp-1", CLOSED.date())]
        wait_until(lambda: owned(app, account_id=acme.id) == expected, message=f"the owned products; log:\n{worker.log_path.read_text()}")

        def drained() -> dict[str, int] | None:
            depths = bus.depths()
            return depths if depths and not any(depths.values()) else None

        assert queue in wait_until(drained, message="every delivery to be acknowledged")
        assert owned(app, account_id=acme.id) == expected
        assert len(account_lines(app, acme.id)) == 1 and len(person_lines(app, jane_.id)) == 1
    finally:
        bus.close()
        app.engine.dispose()


def publish(bus: Bus, event_id: str, message) -> None:
    """As sales' outbox relay publishes: to `sales.events`, routing key = message name, proto3 JSON body."""
    bus.channel.basic_publish(
        exchange="sales.events", routing_key=message.DESCRIPTOR.name, body=json_format.MessageToJson(message).encode(),
        properties=pika.BasicProperties(
            content_type="application/json", content_encoding="utf-8", delivery_mode=pika.DeliveryMode.Persistent,
            headers={"id": event_id, "type": message.DESCRIPTOR.full_name, "occurred_at": AT.isoformat()},
        ),
    )
