"""The whole suite as separate processes, driven over HTTP, gRPC and AMQP, on each storage backend.

Started by the same runner as `make run` (tools/suite.py), with a trace
collector, a real SMTP sink, a fresh RabbitMQ virtual host, and a TCP proxy
between contacts and the broker so that a test can take the broker away.
"""
from __future__ import annotations

import itertools
import json
import mailbox
import time
import uuid
from email import message_from_bytes, policy
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import quote, urlsplit

import grpc
import httpx
import pika
import pytest
import sqlalchemy as sa
from google.protobuf import json_format
from grpc_health.v1 import health_pb2, health_pb2_grpc

from crm.contacts.v1 import contacts_pb2, contacts_pb2_grpc, events_pb2
from tests.conftest import AMQP_URL, POSTGRES_URL, _rabbitmqctl, free_port
from tests.e2e.infra import TcpProxy, TraceCollector
from tools.suite import Suite

pytestmark = pytest.mark.e2e


LOGS: list[str] = []  # the running suite's output, shown when a wait times out


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    problems = [line for line in LOGS if '"ERROR"' in line or '"WARNING"' in line][-20:]
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; suite warnings and errors:\n" + "\n".join(problems))


class Running:
    """Handles on the running suite for the tests."""

    def __init__(self, suite: Suite, env: dict, var: Path, proxy: TcpProxy, collector: TraceCollector, amqp_url: str, log: list[str]):
        self.suite, self.env, self.var, self.proxy, self.collector, self.amqp_url, self.log = suite, env, var, proxy, collector, amqp_url, log
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{env['CRM_GATEWAY_HTTP_PORT']}", timeout=10)

    def token(self, user: str = "alice", roles: str = "sales", team: str = "east") -> str:
        from crm_chassis.auth import TokenIssuer

        issuer = TokenIssuer.from_file(self.var / "keys" / "jwt-private.pem", issuer="crm", audience="crm")
        return issuer.issue(user, roles.split(","), team=team)

    def auth(self, **kwargs) -> dict:
        return {"Authorization": f"Bearer {self.token(**kwargs)}"}

    def mail_to(self, address: str) -> list:
        folder = self.var / "mail"
        if not (folder / "new").exists():
            return []
        box = mailbox.Maildir(folder, create=False)
        messages = [message_from_bytes(box.get_bytes(k), policy=policy.default) for k in box.keys()]
        return [m for m in messages if parseaddr(m["To"])[1] == address]

    def grpc_channel(self, service: str) -> grpc.Channel:
        return grpc.insecure_channel(f"127.0.0.1:{self.env[f'CRM_{service.upper()}_GRPC_PORT']}")


def _backend_urls(backend: str, tmp: Path, created: list[str]) -> dict[str, str]:
    if backend == "sqlite":
        return {s: f"sqlite:///{tmp / f'{s}.db'}" for s in ("contacts", "notifications", "sales")}
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    urls = {}
    with admin.connect() as conn:
        for service in ("contacts", "notifications", "sales"):
            name = f"crm_e2e_{service}_{uuid.uuid4().hex[:8]}"
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            created.append(name)
            urls[service] = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    admin.dispose()
    return urls


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def running(request, tmp_path_factory):
    backend = request.param
    var = tmp_path_factory.mktemp(f"suite-{backend}")
    vhost = f"crm-e2e-{uuid.uuid4().hex[:8]}"
    amqp_url = AMQP_URL
    if _rabbitmqctl("add_vhost", vhost):
        _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        amqp_url = AMQP_URL.rstrip("/") + "/" + quote(vhost, safe="")
    broker = urlsplit(AMQP_URL)
    proxy = TcpProxy((broker.hostname, broker.port or 5672))
    proxy.open()
    proxied_amqp = amqp_url.replace(f"{broker.hostname}:{broker.port or 5672}", f"127.0.0.1:{proxy.port}")
    collector = TraceCollector()
    created_dbs: list[str] = []
    urls = _backend_urls(backend, var, created_dbs)
    ports = {name: str(free_port()) for name in ("CONTACTS_GRPC", "NOTIFICATIONS_GRPC", "SALES_GRPC", "GATEWAY_HTTP", "SMTP_SINK", "FAKE_PROVIDERS")}
    env = {
        "CRM_VAR_DIR": str(var),
        "CRM_SUITE_CWD": str(var),
        "CRM_AMQP_URL": amqp_url,
        "CRM_CONTACTS_AMQP_URL": proxied_amqp,  # contacts reaches the broker only through the proxy
        "CRM_CONTACTS_DATABASE_URL": urls["contacts"],
        "CRM_NOTIFICATIONS_DATABASE_URL": urls["notifications"],
        "CRM_SALES_DATABASE_URL": urls["sales"],
        **{f"CRM_{k}_PORT": v for k, v in ports.items()},
        "CRM_NOTIFICATIONS_SMTP_PORT": ports["SMTP_SINK"],
        "CRM_GATEWAY_CONTACTS_ADDR": f"127.0.0.1:{ports['CONTACTS_GRPC']}",
        "CRM_GATEWAY_NOTIFICATIONS_ADDR": f"127.0.0.1:{ports['NOTIFICATIONS_GRPC']}",
        "CRM_METRICS_PORT": "0",
        "CRM_WORKER_METRICS_PORT": "0",
        "CRM_RELAY_POLL_INTERVAL": "0.2",
        "CRM_NOTIFICATIONS_DELIVERY_SWEEP_SECONDS": "1",
        "CRM_NOTIFICATIONS_QUIET_HOURS_SMS": "",  # the tests run at any hour; quiet hours have their own tests
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
        "OTEL_BSP_SCHEDULE_DELAY": "200",
    }
    log = LOGS
    log.clear()
    suite = Suite(env, echo=log.append)
    suite.prepare()
    suite.start()
    handle = Running(suite, env, var, proxy, collector, amqp_url, log)
    try:
        wait_for(lambda: _ready(handle), timeout=60, what="the suite to be ready")
    except AssertionError:
        suite.stop()
        raise AssertionError("suite did not start:\n" + "\n".join(log[-60:])) from None
    yield handle
    suite.stop()
    proxy.cut()
    collector.close()
    if created_dbs:
        admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in created_dbs:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    _rabbitmqctl("delete_vhost", vhost)


def _ready(handle: Running) -> bool:
    if handle.suite.dead():
        raise AssertionError("a process died during start-up:\n" + "\n".join(handle.log[-60:]))
    try:
        if handle.http.get("/readyz").status_code != 200:
            return False
    except httpx.HTTPError:
        return False
    # Queues are declared by the workers: events published before they exist would be unroutable.
    connection = pika.BlockingConnection(pika.URLParameters(handle.amqp_url))
    try:
        for queue in ("evt-contacts-PersonCreated--notifications.on_person_created", "evt-notifications-NotificationSent--contacts.on_notification_sent"):
            channel = connection.channel()
            try:
                channel.queue_declare(queue, passive=True)
            except pika.exceptions.ChannelClosedByBroker:
                return False
    finally:
        connection.close()
    return True


# Every test's person is somebody else: the same name or phone twice would be refused as a likely duplicate.
_SOMEBODY = itertools.count()
FAMILY_NAMES = ("Pop", "Ionescu", "Dumitrescu", "Stanciu", "Munteanu", "Constantinescu", "Marinescu", "Tudorache", "Georgescu", "Florea")


def new_person(email: str, *, consent: bool = True) -> dict:
    n = next(_SOMEBODY)
    family = FAMILY_NAMES[n % len(FAMILY_NAMES)] + ("" if n < len(FAMILY_NAMES) else f"-{n}")
    body = {"given_name": "Ana", "family_name": family, "emails": [{"address": email, "kind": "work"}], "phones": [{"number": f"+407212345{n:02d}", "kind": "mobile"}]}
    if consent:
        body["consents"] = [{"channel": "email", "purpose": "service", "granted": True, "source": "web form"}]
    return body


def test_a_new_person_with_consent_gets_one_welcome_email_and_the_view_composes_it(running):
    email = f"ana-{uuid.uuid4().hex[:6]}@example.com"
    body = new_person(email)
    created = running.http.post("/v1/persons", json=body, headers=running.auth())
    assert created.status_code == 201, created.text
    person = created.json()
    assert created.headers["location"].endswith(f"/v1/persons/{person['id']}")
    mail = wait_for(lambda: running.mail_to(email), what="the welcome email")
    assert mail[0]["Subject"] == f"Welcome, Ana {body['family_name']}"
    view = wait_for(
        lambda: (v := running.http.get(f"/v1/persons/{person['id']}", headers=running.auth()).json())["notifications"] and v,
        what="the notification in the composed view",
    )
    assert view["person"]["emails"][0]["address"] == email
    assert [n["status"] for n in view["notifications"]] == ["sent"]
    assert view["notifications"][0]["template"] == "welcome"
    time.sleep(1.5)  # a second delivery, if any, would have come by now
    assert len(running.mail_to(email)) == 1


def test_without_consent_no_email_is_sent_and_the_skip_is_visible(running):
    email = f"bob-{uuid.uuid4().hex[:6]}@example.com"
    person = running.http.post("/v1/persons", json=new_person(email, consent=False), headers=running.auth()).json()
    view = wait_for(
        lambda: (v := running.http.get(f"/v1/persons/{person['id']}", headers=running.auth()).json())["notifications"] and v,
        what="the skipped notification",
    )
    assert view["notifications"][0]["status"] == "skipped"
    assert "consent" in view["notifications"][0]["reason"]
    assert running.mail_to(email) == []


def test_one_trace_spans_gateway_contacts_sql_relay_worker_and_smtp(running):
    email = f"trace-{uuid.uuid4().hex[:6]}@example.com"
    running.http.post("/v1/persons", json=new_person(email), headers=running.auth()).raise_for_status()
    wait_for(lambda: running.mail_to(email), what="the welcome email")

    def complete_trace():
        for spans in running.collector.by_trace().values():
            if any(s.name == "smtp send" and s.attributes.get("server.port") for s in spans) and any(
                s.service == "gateway" and s.name.startswith("POST /v1/persons") for s in spans
            ):
                wanted = {
                    "gateway http": any(s.service == "gateway" for s in spans),
                    "contacts grpc": any(s.service == "contacts" and s.process == "grpc" and s.name.endswith("ContactsService/CreatePerson") for s in spans),
                    "contacts sql": any(s.service == "contacts" and ("db.system" in s.attributes or "db.system.name" in s.attributes) for s in spans),
                    "relay publish": any(s.service == "contacts" and s.name == "contacts.events publish" for s in spans),
                    "notifications consumer": any(s.service == "notifications" and s.process == "worker" and s.name == "PersonCreated process" for s in spans),
                    "smtp send": any(s.service == "notifications" and s.name == "smtp send" for s in spans),
                }
                if all(wanted.values()):
                    return wanted
        return None

    assert wait_for(complete_trace, timeout=20, what="one trace covering every hop")


def test_calls_without_a_token_or_with_the_wrong_role_are_refused(running):
    assert running.http.post("/v1/persons", json=new_person("x@example.com")).status_code == 401
    assert running.http.post("/v1/persons", json=new_person("x@example.com"), headers=running.auth(roles="viewer")).status_code == 403
    stub = contacts_pb2_grpc.ContactsServiceStub(running.grpc_channel("contacts"))
    with pytest.raises(grpc.RpcError) as denied:
        stub.ListPersons(contacts_pb2.ListPersonsRequest(), timeout=5)
    assert denied.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_bad_input_names_every_field_and_unknown_ids_are_404(running):
    answer = running.http.post(
        "/v1/persons",
        json={"given_name": "", "family_name": "", "emails": [{"address": "not-an-address", "kind": "work"}], "phones": [{"number": "12", "kind": "mobile"}]},
        headers=running.auth(),
    )
    assert answer.status_code == 422
    fields = {v["field"] for v in answer.json()["error"]["field_violations"]}
    assert {"given_name", "family_name", "emails[0].address", "phones[0].number"} <= fields
    assert running.http.get(f"/v1/persons/{uuid.uuid4()}", headers=running.auth()).status_code == 404


def test_every_grpc_server_answers_health_checks_without_a_token(running):
    for service, name in (("contacts", "crm.contacts.v1.ContactsService"), ("notifications", "crm.notifications.v1.NotificationsService")):
        health = health_pb2_grpc.HealthStub(running.grpc_channel(service))
        assert health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5).status == health_pb2.HealthCheckResponse.SERVING


def test_a_command_succeeds_while_the_broker_is_away_and_its_email_goes_out_once_after(running):
    email = f"outage-{uuid.uuid4().hex[:6]}@example.com"
    running.proxy.cut()
    try:
        created = running.http.post("/v1/persons", json=new_person(email), headers=running.auth())
        assert created.status_code == 201, created.text
        engine = sa.create_engine(running.env["CRM_CONTACTS_DATABASE_URL"])
        with engine.connect() as conn:
            pending = conn.execute(sa.text("SELECT count(*) FROM outbox WHERE state = 'pending' AND aggregate_id = :id"), {"id": created.json()["id"]}).scalar_one()
        engine.dispose()
        assert pending == 1
        time.sleep(2)
        assert running.mail_to(email) == []
    finally:
        running.proxy.open()
    wait_for(lambda: running.mail_to(email), timeout=60, what="the email after the broker came back")
    time.sleep(2)
    assert len(running.mail_to(email)) == 1


def test_the_same_event_delivered_twice_sends_one_email(running):
    email = f"twice-{uuid.uuid4().hex[:6]}@example.com"
    person = contacts_pb2.Person(
        id=str(uuid.uuid4()), given_name="Dup", family_name="Licate", owner="alice", team="east",
        emails=[contacts_pb2.EmailAddress(address=email, kind=contacts_pb2.EMAIL_KIND_WORK)],
        consents=[contacts_pb2.Consent(channel=contacts_pb2.CHANNEL_EMAIL, purpose=contacts_pb2.PURPOSE_SERVICE, granted=True)],
    )
    body = json_format.MessageToJson(events_pb2.PersonCreated(person=person)).encode()
    headers = {"id": str(uuid.uuid4()), "type": "crm.contacts.v1.PersonCreated", "occurred_at": "2026-11-23T10:00:00+00:00", "source": "contacts"}
    connection = pika.BlockingConnection(pika.URLParameters(running.amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    for _ in range(2):
        channel.basic_publish(
            "contacts.events", "PersonCreated", body,
            pika.BasicProperties(content_type="application/json", delivery_mode=2, headers=headers),
        )
    connection.close()
    wait_for(lambda: running.mail_to(email), what="the email")
    time.sleep(2)
    assert len(running.mail_to(email)) == 1


def test_the_dossier_records_what_notifications_did(running):
    email = f"dossier-{uuid.uuid4().hex[:6]}@example.com"
    person = running.http.post("/v1/persons", json=new_person(email), headers=running.auth()).json()
    stub = contacts_pb2_grpc.ContactsServiceStub(running.grpc_channel("contacts"))
    metadata = (("authorization", f"Bearer {running.token()}"),)

    def kinds():
        entries = stub.ListPersonHistory(contacts_pb2.ListPersonHistoryRequest(person_id=person["id"]), metadata=metadata, timeout=5).entries
        return [e.kind for e in entries] if len(entries) >= 2 else None

    assert wait_for(kinds, what="the dossier entry") == ["NotificationSent", "PersonCreated"]


def sms_to(running: Running, number: str) -> list[dict]:
    folder = running.var / "providers" / "sms"
    found = [json.loads(p.read_text()) for p in folder.glob("*.json")] if folder.exists() else []
    return [m for m in found if m.get("to") == number]


def test_a_marketing_sms_follows_the_consent_kept_in_contacts(running):
    """Contacts' consent reaches notifications as events and is obeyed at send time, through the gateway."""
    number = f"+4072{uuid.uuid4().int % 10_000_000:07d}"
    body = {
        "given_name": "Ion", "family_name": "Ionescu", "phones": [{"number": number, "kind": "mobile"}],
        "consents": [{"channel": "sms", "purpose": "marketing", "granted": True, "source": "shop"}],
    }
    person = running.http.post("/v1/persons", json=body, headers=running.auth()).json()
    template = {"name": f"promo-{uuid.uuid4().hex[:6]}", "language": "en", "channel": "sms", "text_body": "{{ person.given_name }}, {{ offer }}"}
    assert running.http.post("/v1/templates", json=template, headers=running.auth(roles="marketing")).status_code == 201

    def send(key: str) -> dict:
        request = {
            "recipient": {"person_id": person["id"]}, "channel": "sms", "purpose": "marketing", "template": template["name"],
            "variables": {"offer": "20% off today"}, "idempotency_key": key,
        }
        answer = running.http.post("/v1/notifications", json=request, headers=running.auth(roles="marketing"))
        assert answer.status_code == 201, answer.text
        return answer.json()

    def settled(notification_id: str):
        found = running.http.get(f"/v1/notifications/{notification_id}", headers=running.auth(roles="marketing")).json()
        return found if found["status"] in ("sent", "skipped", "failed") else None

    first = send(f"promo-1-{person['id']}")
    assert wait_for(lambda: settled(first["id"]), what="the first SMS")["status"] == "sent"
    assert [m["text"] for m in sms_to(running, number)] == ["Ion, 20% off today"]

    withdrawn = running.http.put(
        f"/v1/persons/{person['id']}/consents/sms/marketing", json={"granted": False, "source": "reply STOP"}, headers=running.auth()
    )
    assert withdrawn.status_code == 200, withdrawn.text

    def skipped_after_withdrawal():
        # The withdrawal travels contacts → outbox → RabbitMQ → notifications; until it lands a new request could still go.
        attempt = send(f"promo-2-{person['id']}-{time.monotonic_ns()}")
        outcome = wait_for(lambda: settled(attempt["id"]), what="the second SMS to settle")
        return outcome if outcome["status"] == "skipped" else None

    outcome = wait_for(skipped_after_withdrawal, timeout=30, interval=0.5, what="a send after the withdrawal to be skipped")
    assert "refused" in outcome["reason"]


def test_zz_every_process_stops_cleanly_on_sigterm(running):
    running.suite.stop(timeout=30)
    codes = {part.name: part.process.returncode for part in running.suite.parts}
    assert codes == {name: 0 for name in codes}, json.dumps(codes) + "\n" + "\n".join(running.log[-40:])
