"""A sale from end to end over real gRPC and the real broker, on each storage backend of sales:
lead → conversion (person and account in a real contacts server) → opportunity through its stages (backwards
too) → quote above the discount threshold approved → sent → won → accepted → `OrderPlaced` consumed by a plain pika
consumer from `sales.events`, published by the sales outbox relay.

The two gRPC servers and the relay run in this process (as `crm-<service> serve` builds them); the broker,
the databases and every hop between them are real.
"""
from __future__ import annotations

import json
import time
from datetime import date, timedelta
from pathlib import Path

import grpc
import pika
import pytest
from google.protobuf import json_format

import crm_contacts
import crm_sales
from crm.contacts.v1 import contacts_pb2 as cpb
from crm.contacts.v1 import contacts_pb2_grpc
from crm.sales.v1 import commerce_pb2 as mpb
from crm.sales.v1 import events_pb2, sales_pb2_grpc
from crm.sales.v1 import sales_pb2 as pb
from crm_chassis import migrations
from crm_chassis.grpc_server import GrpcServer
from crm_chassis.outbox import wake_relay_for_shutdown
from crm_contacts.bootstrap import bootstrap as contacts_bootstrap
from crm_contacts.config import ContactsSettings
from crm_contacts.entrypoints.grpc_servicer import registrations as contacts_registrations
from crm_sales.adapters.contacts_client import ContactsClient
from crm_sales.bootstrap import bootstrap as sales_bootstrap
from crm_sales.config import SalesSettings
from crm_sales.entrypoints.grpc_servicer import registrations as sales_registrations

TIMEOUT = 10
KEYS = ("OrderPlaced", "OpportunityWon", "LeadConverted", "OpportunityStageChanged")


def migrations_of(package) -> Path:
    return Path(package.__file__).resolve().parent / "migrations"


@pytest.fixture
def suite(database_url, amqp_url, tmp_path, jwt_keys):
    """Contacts (SQLite) and sales (the parametrised backend) gRPC servers, the sales relay, a consumer queue."""
    contacts_url = f"sqlite:///{tmp_path / 'contacts.db'}"
    migrations.upgrade(migrations_of(crm_contacts), contacts_url)
    migrations.upgrade(migrations_of(crm_sales), database_url)
    contacts_app = contacts_bootstrap(ContactsSettings(database_url=contacts_url, amqp_url=amqp_url))
    contacts_server = GrpcServer(contacts_registrations(contacts_app), verifier=jwt_keys.verifier, port=0).start()
    sales_app = sales_bootstrap(
        SalesSettings(database_url=database_url, amqp_url=amqp_url, relay_poll_interval=0.05),
        contacts=ContactsClient(f"localhost:{contacts_server.port}", TIMEOUT),
    )
    sales_server = GrpcServer(sales_registrations(sales_app), verifier=jwt_keys.verifier, port=0).start()

    # The ERP's side: a queue of its own bound to the events it cares about, declared before anything is published.
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.exchange_declare("sales.events", exchange_type="topic", durable=True)
    queue = channel.queue_declare("erp.sales-orders", durable=True).method.queue
    for key in KEYS:
        channel.queue_bind(queue, "sales.events", routing_key=key)
    relay_thread, relay_stop = sales_app.relay().start()

    sales_channel = grpc.insecure_channel(f"localhost:{sales_server.port}")
    contacts_channel = grpc.insecure_channel(f"localhost:{contacts_server.port}")

    class Suite:
        sales = sales_pb2_grpc.SalesServiceStub(sales_channel)
        contacts = contacts_pb2_grpc.ContactsServiceStub(contacts_channel)

        @staticmethod
        def consume(until, timeout: float = 30.0) -> list[tuple[str, dict, dict]]:
            """(routing key, headers, body) of the messages received until `until(received)` holds."""
            received: list[tuple[str, dict, dict]] = []
            deadline = time.monotonic() + timeout
            while not until(received):
                if time.monotonic() > deadline:
                    raise AssertionError(f"timed out; received {[r[0] for r in received]}")
                method, properties, body = channel.basic_get(queue, auto_ack=True)
                if method is None:
                    connection.sleep(0.05)
                    continue
                received.append((method.routing_key, dict(properties.headers or {}), json.loads(body)))
            return received

    yield Suite
    relay_stop.set()
    wake_relay_for_shutdown()
    relay_thread.join(10)
    sales_channel.close()
    contacts_channel.close()
    connection.close()
    sales_server.stop(0)
    contacts_server.stop(0)
    sales_app.engine.dispose()
    contacts_app.engine.dispose()


def test_lead_to_order(suite, jwt_keys):
    def as_(user, roles, team="north"):
        return [("authorization", f"Bearer {jwt_keys.token(user, roles, team=team, territory='ro')}")]

    admin, alice, pat = as_("root", ("admin",)), as_("alice", ("sales",)), as_("pat", ("approver",))
    s = suite.sales

    # Configuration: a pipeline, a reason for winning, a product on a EUR price list.
    stages = [pb.Stage(name=n, probability=p, expected_days=10) for n, p in (("Qualify", 10), ("Propose", 40), ("Negotiate", 70))]
    pipeline = s.CreatePipeline(pb.CreatePipelineRequest(pipeline=pb.Pipeline(name="Standard", stages=stages)), metadata=admin, timeout=TIMEOUT)
    won = s.CreateCloseReason(pb.CreateCloseReasonRequest(reason=pb.CloseReason(kind=pb.CLOSE_REASON_KIND_WON, code="fit", label="Best fit")),
                              metadata=admin, timeout=TIMEOUT)
    pump = s.CreateProduct(mpb.CreateProductRequest(product=mpb.Product(sku="PUMP-1", name="Pump", tax_rate_bp=1900)),
                           metadata=admin, timeout=TIMEOUT)
    today = date.today()
    prices = s.CreatePriceList(mpb.CreatePriceListRequest(price_list=mpb.PriceList(
        name="EUR 2026", currency="EUR", valid_from=(today - timedelta(days=1)).isoformat(),
        entries=[mpb.PriceListEntry(product_id=pump.id, unit_price_minor=199_999)])), metadata=admin, timeout=TIMEOUT)

    # Lead → person + account in contacts + opportunity here.
    lead = s.CreateLead(pb.CreateLeadRequest(lead=pb.Lead(given_name="Ana", family_name="Pop", company="Acme SRL", title="Buyer",
                                                          email="ana@acme.example", country="RO", source="web")), metadata=alice, timeout=TIMEOUT)
    converted = s.ConvertLead(pb.ConvertLeadRequest(lead_id=lead.id, create_account=True, opportunity=pb.Opportunity(
        name="Acme pumps", amount=pb.Money(amount_minor=399_998, currency="EUR"),
        products=[pb.OpportunityProduct(product_id=pump.id, name="Pump", quantity=2, unit_price=pb.Money(amount_minor=199_999, currency="EUR"))],
    )), metadata=alice, timeout=TIMEOUT)
    person = suite.contacts.GetPerson(cpb.GetPersonRequest(id=converted.person_id), metadata=alice, timeout=TIMEOUT)
    assert (person.given_name, person.family_name) == ("Ana", "Pop")
    opp = converted.opportunity
    assert (opp.stage_id, opp.account_id) == (pipeline.stages[0].id, converted.account_id)

    # Through the stages, one step back on the way.
    for stage in (pipeline.stages[1], pipeline.stages[2], pipeline.stages[1], pipeline.stages[2]):
        opp = s.MoveOpportunityStage(pb.MoveOpportunityStageRequest(id=opp.id, stage_id=stage.id), metadata=alice, timeout=TIMEOUT)
    assert opp.probability == 70

    # A quote with 25 % off: above the 20 % threshold, so it needs an approver before it can be sent.
    quote = s.CreateQuote(mpb.CreateQuoteRequest(quote=mpb.Quote(
        opportunity_id=opp.id, price_list_id=prices.id, lines=[mpb.QuoteLine(product_id=pump.id, quantity=2, discount_bp=2500)])),
        metadata=alice, timeout=TIMEOUT)
    # Hand-computed, half-up per line: list 2 × 1,999.99 = 3,999.98; 25 % off = 999.995 → 1,000.00; net 2,999.98;
    # 19 % tax = 569.9962 → 570.00; gross 3,569.98.
    line = quote.lines[0]
    assert (line.list_minor, line.discount_total_minor, line.net_minor) == (399_998, 100_000, 299_998)
    assert line.tax_minor == 57_000 and line.gross_minor == 356_998
    with pytest.raises(grpc.RpcError) as refused:
        s.SendQuote(mpb.SendQuoteRequest(quote_id=quote.id, version=quote.version), metadata=alice, timeout=TIMEOUT)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    s.DecideQuoteApproval(mpb.DecideQuoteApprovalRequest(quote_id=quote.id, version=quote.version, approve=True, comment="ok"),
                          metadata=pat, timeout=TIMEOUT)
    s.SendQuote(mpb.SendQuoteRequest(quote_id=quote.id, version=quote.version), metadata=alice, timeout=TIMEOUT)

    # Won, then the customer's yes: the order.
    closed = s.CloseOpportunity(pb.CloseOpportunityRequest(id=opp.id, outcome=pb.OPPORTUNITY_STATUS_WON, reason_id=won.id),
                                metadata=alice, timeout=TIMEOUT)
    assert closed.status == pb.OPPORTUNITY_STATUS_WON
    accepted = s.AcceptQuote(mpb.AcceptQuoteRequest(quote_id=quote.id, version=quote.version, purchase_order_number="PO-77"),
                             metadata=alice, timeout=TIMEOUT)
    order = accepted.order

    history = s.ListStageHistory(pb.ListStageHistoryRequest(opportunity_id=opp.id), metadata=alice, timeout=TIMEOUT).changes
    assert [c.kind for c in history] == [
        pb.STAGE_CHANGE_KIND_CREATED, pb.STAGE_CHANGE_KIND_FORWARD, pb.STAGE_CHANGE_KIND_FORWARD, pb.STAGE_CHANGE_KIND_BACKWARD,
        pb.STAGE_CHANGE_KIND_FORWARD, pb.STAGE_CHANGE_KIND_WON,
    ]

    # What the ERP receives.
    received = suite.consume(lambda got: any(key == "OrderPlaced" for key, _, _ in got))
    keys = [key for key, _, _ in received]
    assert keys.index("LeadConverted") < keys.index("OpportunityWon") < keys.index("OrderPlaced")
    assert keys.count("OpportunityStageChanged") == 5  # four moves and the close (creation is OpportunityCreated)
    _, headers, body = received[keys.index("OrderPlaced")]
    assert headers["type"] == "crm.sales.v1.OrderPlaced" and headers["aggregate_id"] == order.id
    placed = json_format.ParseDict(body, events_pb2.OrderPlaced())
    assert (placed.order.id, placed.order.opportunity_id, placed.order.account_id) == (order.id, opp.id, converted.account_id)
    assert (placed.order.currency, placed.order.purchase_order_number) == ("EUR", "PO-77")
    assert [(x.product_id, x.quantity, x.net_minor, x.tax_minor, x.gross_minor) for x in placed.order.lines] == [(pump.id, 2, 299_998, 57_000, 356_998)]
    won_event = json_format.ParseDict(received[keys.index("OpportunityWon")][2], events_pb2.OpportunityWon())
    assert [(p.product_id, p.quantity, p.unit_price.amount_minor) for p in won_event.opportunity.products] == [(pump.id, 2, 199_999)]
    assert won_event.reason_code == "fit"
