"""The sales worker as a real process on the real broker: contacts' erasures and merges re-point or remove
person references once per event, and marketing responses become leads."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pika
from google.protobuf import json_format
from sales_support import ALICE, FakeContacts, migrate, wait_until

from crm.contacts.v1 import events_pb2 as contacts_events
from crm.marketing.v1 import events_pb2 as marketing_events
from crm_sales.bootstrap import bootstrap
from crm_sales.config import SalesSettings
from crm_sales.domain.leads import LeadData
from crm_sales.domain.opportunities import Contact, OpportunityData
from crm_sales.domain.pipelines import StageSpec
from crm_sales.service_layer import handlers

CRM_SALES = Path(sys.executable).with_name("crm-sales")
QUEUES = (
    "evt-contacts-PersonErased--sales.on_person_erased",
    "evt-contacts-PersonsMerged--sales.on_persons_merged",
    "evt-marketing-ResponseReceived--sales.on_marketing_response",
)


def publish(channel, exchange: str, event_id: str, message) -> None:
    channel.basic_publish(
        exchange=exchange, routing_key=message.DESCRIPTOR.name, body=json_format.MessageToJson(message).encode(),
        properties=pika.BasicProperties(content_type="application/json", delivery_mode=pika.DeliveryMode.Persistent,
                                        headers={"id": event_id, "type": message.DESCRIPTOR.full_name}),
    )


def queue_exists(connection, name: str) -> bool:
    channel = connection.channel()
    try:
        channel.queue_declare(name, passive=True)
    except pika.exceptions.ChannelClosedByBroker:
        return False
    channel.close()
    return True


def test_worker_handles_contacts_and_marketing_events_once(database_url, amqp_url, tmp_path):
    migrate(database_url)
    app = bootstrap(SalesSettings(database_url=database_url), contacts=FakeContacts())
    env = os.environ | {"CRM_SALES_DATABASE_URL": database_url, "CRM_AMQP_URL": amqp_url, "CRM_SALES_WORKER_METRICS_PORT": "0",
                        "CRM_VAR_DIR": str(tmp_path / "var")}
    log_path = tmp_path / "worker.log"
    worker = subprocess.Popen([str(CRM_SALES), "worker"], env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        handlers.create_pipeline(app.uow(), "Standard", [StageSpec("", "Prospect", 10, 14)], True)
        opp = handlers.create_opportunity(app.uow(), OpportunityData(
            name="Deal", amount_minor=100, currency="EUR", contacts=(Contact("p-old", "influencer"), Contact("p-gone", "user"))), ALICE)
        lead = handlers.create_lead(app.uow(), LeadData(given_name="Gone", family_name="Person", email="gone@example.com"), ALICE)
        handlers.persons_merged(app.uow(), "p-gone", ["x"], "setup", "setup-1")  # nothing to do: no reference to x
        from crm_sales.adapters import orm
        with app.engine.begin() as conn:
            conn.execute(orm.leads.update().where(orm.leads.c.id == lead.id).values(person_id="p-gone"))

        def running() -> bool:
            assert worker.poll() is None, f"the worker exited:\n{log_path.read_text()}"
            return all(queue_exists(connection, q) for q in QUEUES)

        wait_until(running, timeout=30, message="the worker's queues")
        channel = connection.channel()
        merged = contacts_events.PersonsMerged(merge_id="m1", survivor_id="p-new", merged_ids=["p-old"])
        publish(channel, "contacts.events", "evt-merge", merged)
        publish(channel, "contacts.events", "evt-merge", merged)  # redelivered
        publish(channel, "contacts.events", "evt-erase", contacts_events.PersonErased(person_id="p-gone"))
        response = marketing_events.ResponseReceived(response_id="r-1", campaign_id="spring", given_name="Ana", family_name="Pop", country="RO")
        publish(channel, "marketing.events", "evt-resp", response)
        publish(channel, "marketing.events", "evt-resp", response)

        def settled():
            o = handlers.get_opportunity(app.uow(), opp.id, ALICE)
            leads, _ = handlers.list_leads(app.uow(), handlers.Viewer("root", is_admin=True), 10, "")
            return (o.contacts == [Contact("p-new", "influencer")] and len(leads) == 2) and leads

        try:
            leads = wait_until(settled, timeout=20, message="the events to be handled")
        except AssertionError as exc:
            state = (handlers.get_opportunity(app.uow(), opp.id, ALICE).contacts,
                     handlers.list_leads(app.uow(), handlers.Viewer("root", is_admin=True), 10, "")[0])
            raise AssertionError(f"{exc}; state {state}; worker log:\n{log_path.read_text()}") from None
        erased = next(x for x in leads if x.id == lead.id)
        assert (erased.data.given_name, erased.data.email, erased.person_id) == ("", "", "")
        new = next(x for x in leads if x.id != lead.id)
        assert (new.data.source, new.data.campaign_id, new.data.family_name) == ("marketing", "spring", "Pop")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0, log_path.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
        connection.close()
        app.engine.dispose()
