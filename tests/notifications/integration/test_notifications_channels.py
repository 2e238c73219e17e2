"""Every channel end to end through `deliver`, against real servers: SMS and fax at the fake provider, letters in a
spool folder, phone tasks on RabbitMQ; delivery receipts, operator retries and per-channel rate limits."""
from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from notifications_support import (
    PROVIDER_KEY,
    add_template,
    contacts_person,
    deliver,
    deliver_due,
    load,
    outbox_rows,
    person_created,
    send,
    take,
)
from pypdf import PdfReader

from crm_chassis.access import Viewer
from crm_chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from crm_notifications.adapters.fax import HttpFaxChannel
from crm_notifications.adapters.phone_tasks import QUEUE as PHONE_TASKS
from crm_notifications.domain.model import DELIVERED, FAILED, QUEUED, SENT, utcnow
from crm_notifications.service_layer import handlers
from crm_notifications.service_layer.throttle import Throttle

FAX_SENDER = "+40211234567"
MOBILE, FAX = "+40721234567", "+40212222222"
POSTAL = (["Str. Mihai Eminescu nr. 5", "ap. 12"], "010011", "București", "RO")


@pytest.fixture
def app(make_app, provider, smtp_sink):
    app = make_app(smtp_sink.port, sms_url=provider.url, sms_api_key=PROVIDER_KEY, fax_url=provider.url, fax_api_key=PROVIDER_KEY, fax_sender=FAX_SENDER)
    person_created(app, contacts_person(
        person_id="p-1", given_name="Ioana", family_name="Ștefănescu", consent=None, mobile=MOBILE, fax=FAX, postal=POSTAL,
    ))
    add_template(app, "reminder", "Hello {{ person.given_name }}, your appointment is on {{ day }}.", channel="sms")
    add_template(app, "offer", "Stimată doamnă {{ person.family_name }},\n\nvă trimitem oferta.\n", channel="letter", subject="Oferta de reînnoire")
    add_template(app, "offer", "Stimată doamnă {{ person.family_name }},\n\nvă trimitem oferta.\n", channel="fax", subject="Oferta", language="ro")
    return app


def sms(app, day: str = "Monday", **fields):
    return send(app, channel="sms", template="reminder", person_id="p-1", variables={"day": day}, **fields)


# -- SMS ----------------------------------------------------------------------------------------------------


def test_an_sms_reaches_the_provider_once_with_the_notification_id_as_idempotency_key(app, provider, engine):
    n = sms(app)

    assert deliver(app, n.id) == SENT

    [message] = provider.messages()
    assert (message["to"], message["from"], message["text"]) == (MOBILE, "CRM", "Hello Ioana, your appointment is on Monday.")
    assert message["reference"] == message["idempotency_key"] == n.id
    sent = load(app, n.id)
    assert (sent.provider_id, sent.segments, sent.recipient, sent.body) == (message["id"], 1, MOBILE, message["text"])
    assert [e.event_type for e in outbox_rows(engine, n.id)] == ["NotificationSent"]


def test_the_segments_the_provider_bills_are_recorded(app, provider):
    n = sms(app, day="marți, " + "ș" * 70)  # UCS-2 beyond 70 code units

    assert deliver(app, n.id) == SENT

    assert load(app, n.id).segments == provider.messages()[0]["segments"] == 2


def test_a_text_longer_than_ten_segments_fails_before_reaching_the_provider(app, provider):
    n = sms(app, day="x" * 1600)

    assert deliver(app, n.id) == FAILED

    assert load(app, n.id).reason == "the text needs 11 SMS segments; at most 10 are sent"
    assert provider.received() == []


def test_a_provider_asking_to_wait_is_retried_after_its_retry_after_and_the_retry_sends_once(app, provider):
    provider.fail_next(503, retry_after=120)
    n = sms(app)

    assert deliver(app, n.id) == QUEUED
    waiting = load(app, n.id)
    assert waiting.reason.startswith("retrying: sms provider answered HTTP 503")
    assert waiting.next_attempt_at >= utcnow() + timedelta(seconds=115)

    assert deliver_due(app, clock=lambda: waiting.next_attempt_at).tried == 1
    assert (load(app, n.id).status, load(app, n.id).attempts) == (SENT, 2)
    assert [r.idempotency_key for r in provider.received()] == [n.id, n.id]
    assert len(provider.messages()) == 1


def test_an_operator_retries_a_failed_sms(app, provider, engine):
    provider.fail_next(400, code="invalid_request", message="to: not reachable")
    n = sms(app)
    assert deliver(app, n.id) == FAILED
    assert load(app, n.id).reason == "sms provider refused the message (HTTP 400): invalid_request: to: not reachable"

    retried = handlers.retry(n.id, app.uow(), Viewer("support-1", is_admin=True))

    assert (retried.status, retried.attempts, retried.reason) == (QUEUED, 0, "retried by an operator")
    assert deliver(app, n.id) == SENT
    assert len(provider.messages()) == 1
    assert [e.event_type for e in outbox_rows(engine, n.id)] == ["NotificationFailed", "NotificationSent"]
    with pytest.raises(FailedPrecondition, match="only failed notifications can be retried"):
        handlers.retry(n.id, app.uow(), Viewer("support-1", is_admin=True))
    with pytest.raises(NotFound):
        handlers.retry(n.id, app.uow(), Viewer("stranger", team="west"))  # not visible: as if it did not exist


def test_delivery_receipts_move_sent_to_delivered_or_failed_once(app, provider, engine):
    ok, bad = sms(app, "Monday"), sms(app, "Tuesday")
    deliver(app, ok.id)
    deliver(app, bad.id)
    ok_id, bad_id = load(app, ok.id).provider_id, load(app, bad.id).provider_id

    assert handlers.report_delivery("sms", ok_id, True, "", app.uow()).status == DELIVERED
    assert handlers.report_delivery("sms", ok_id, True, "", app.uow()).status == DELIVERED  # repeated: no change
    failed = handlers.report_delivery("sms", bad_id, False, "handset switched off", app.uow())

    assert (failed.status, failed.reason) == (FAILED, "handset switched off")
    assert [e.event_type for e in outbox_rows(engine, ok.id)] == ["NotificationSent", "NotificationDelivered"]
    assert [e.event_type for e in outbox_rows(engine, bad.id)] == ["NotificationSent", "NotificationFailed"]
    assert [c.status for c in load(app, ok.id).history] == ["queued", "sending", "sent", "delivered"]
    with pytest.raises(NotFound):
        handlers.report_delivery("sms", "sms_unknown", True, "", app.uow())
    with pytest.raises(NotFound):
        handlers.report_delivery("fax", ok_id, True, "", app.uow())  # the id belongs to another channel
    with pytest.raises(InvalidArgument) as raised:
        handlers.report_delivery(None, "", True, "", app.uow())
    assert [v.field for v in raised.value.violations] == ["channel", "provider_id"]


# -- fax --------------------------------------------------------------------------------------------------------


def test_a_fax_is_rendered_to_pdf_and_uploaded_to_the_provider(app, provider):
    n = send(app, channel="fax", template="offer", person_id="p-1", language="ro")

    assert deliver(app, n.id) == SENT

    [fax] = provider.faxes()
    assert (fax["to"], fax["from"], fax["reference"], fax["filename"]) == (FAX, FAX_SENDER, n.id, f"{n.id}.pdf")
    text = PdfReader(io.BytesIO(fax["document"])).pages[0].extract_text()
    assert "Ioana Ștefănescu" in text and "Stimată doamnă Ștefănescu," in text and "Oferta" in text
    assert (load(app, n.id).provider_id, load(app, n.id).segments) == (fax["id"], fax["pages"])


def test_a_fax_retried_after_a_lost_answer_is_recognised_by_the_provider_and_sent_once(app, provider):
    renderer = app.channels["fax"].render_pdf
    app.channels["fax"] = HttpFaxChannel(provider.url, PROVIDER_KEY, FAX_SENDER, renderer, timeout=1)
    provider.delay_next(2)  # accepted and stored, but the answer comes after we gave up
    n = send(app, channel="fax", template="offer", person_id="p-1", language="ro")

    assert deliver(app, n.id) == QUEUED
    assert "did not answer within 1s" in load(app, n.id).reason

    # rendered again, seconds later: the same bytes, so the provider replays its first answer
    assert deliver(app, n.id, clock=lambda: utcnow() + timedelta(minutes=5)) == SENT
    assert len(provider.faxes()) == 1
    assert load(app, n.id).provider_id == provider.faxes()[0]["id"]


# -- letters ----------------------------------------------------------------------------------------------------


def test_a_letter_is_spooled_as_a_pdf_with_a_sidecar_for_the_print_operator(app, tmp_path):
    n = send(app, channel="letter", template="offer", person_id="p-1", campaign_id="renewals")

    assert deliver(app, n.id) == SENT

    spool = tmp_path / "letters"
    pdf, sidecar = spool / f"{n.id}.pdf", json.loads((spool / f"{n.id}.json").read_text())
    assert sidecar["recipient"] == {"name": "Ioana Ștefănescu", "address_lines": ["Str. Mihai Eminescu nr. 5", "ap. 12", "010011 București", "RO"]}
    assert (sidecar["subject"], sidecar["person_id"], sidecar["purpose"], sidecar["campaign_id"]) == ("Oferta de reînnoire", "p-1", "service", "renewals")
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Stimată doamnă Ștefănescu," in text and "010011 București" in text
    sent = load(app, n.id)
    assert (Path(sent.provider_id), sent.segments) == (pdf, sidecar["pages"])
    assert sorted(p.name for p in spool.iterdir()) == [f"{n.id}.json", f"{n.id}.pdf"]  # no temporary files left


# -- phone tasks ------------------------------------------------------------------------------------------------


def test_a_phone_task_is_published_to_the_call_center_queue(make_app, amqp_url):
    app = make_app(amqp_url=amqp_url)
    person_created(app, contacts_person(person_id="p-1", given_name="Ioana", family_name="Ștefănescu", consent=None, landline="+40211111111"))
    add_template(app, "renewal", "Call {{ person.given_name }} about the renewal of contract {{ contract }}.", channel="phone", subject="Renewal")
    n = send(app, channel="phone", template="renewal", person_id="p-1", variables={"contract": "C-9"}, campaign_id="renewals")

    assert deliver(app, n.id) == SENT

    properties, body = take(amqp_url, PHONE_TASKS)
    task = json.loads(body)
    assert (task["taskId"], task["personId"], task["phone"], task["name"]) == (n.id, "p-1", "+40211111111", "Ioana Ștefănescu")
    assert (task["subject"], task["script"]) == ("Renewal", "Call Ioana about the renewal of contract C-9.")
    assert (task["purpose"], task["campaignId"], task["attempt"]) == ("PURPOSE_SERVICE", "renewals", 1)
    assert properties.message_id == n.id
    assert load(app, n.id).provider_id == n.id


# -- rate limits ------------------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_round_sends_up_to_each_channels_rate_and_holds_the_rest_back_for_the_next(app, provider, smtp_sink):
    add_template(app, "note", "Note", subject="Note")
    emails = [send(app, template="note", address=f"r{i}@example.org") for i in range(5)]
    texts = [sms(app, day=str(i)) for i in range(2)]
    clock = Clock()
    throttle = Throttle({"email": 2, "sms": 1}, clock)

    assert deliver_due(app, throttle=throttle) == handlers.Round(tried=3, held_back=4)
    assert deliver_due(app, throttle=throttle) == handlers.Round(tried=0, held_back=4)  # no time has passed
    clock.now += 1
    assert deliver_due(app, throttle=throttle) == handlers.Round(tried=3, held_back=1)
    clock.now += 1
    assert deliver_due(app, throttle=throttle) == handlers.Round(tried=1, held_back=0)

    assert {load(app, n.id).status for n in emails + texts} == {SENT}
    assert sorted(m["X-Sink-Rcpt-To"] for m in smtp_sink.messages()) == [f"r{i}@example.org" for i in range(5)]
    assert len(provider.messages()) == 2
