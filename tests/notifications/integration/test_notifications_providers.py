"""The SMS and fax adapters against the fake provider over real HTTP: what arrives, and how each answer is classified."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, formatdate

import pytest
from opentelemetry import trace

from crm_notifications.adapters.fax import HttpFaxChannel
from crm_notifications.adapters.sms import HttpSmsChannel, retry_after
from crm_notifications.domain.channels import OutgoingMessage, SendError
from tests.conftest import ROOT, free_port
from tools.fake_providers import FakeProvider

API_KEY = "test-key"
SMS_SENDER = "CRM"
FAX_SENDER = "+40211234567"
BOTH = pytest.mark.parametrize("kind", ["sms", "fax"])


def tiny_pdf(pages: int) -> bytes:
    """A valid PDF of blank A4 pages, with correct cross-reference offsets."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # the binary comment line real PDFs carry
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class StubRenderer:
    """Stands in for the real PDF renderer: `pages` blank pages, and a note of what it was asked to render."""

    def __init__(self, pages: int = 2):
        self.pages = pages
        self.rendered: list[OutgoingMessage] = []

    def __call__(self, message: OutgoingMessage) -> tuple[bytes, int]:
        self.rendered.append(message)
        return tiny_pdf(self.pages), self.pages


def outgoing(kind: str, notification_id: str = "n-1", recipient: str = "+40721234567", text: str = "Your appointment is on Monday at 10:00."):
    return OutgoingMessage(notification_id, kind, recipient, "Appointment", text, recipient_name="Ada Lovelace")


@pytest.fixture
def provider(tmp_path):
    fake = FakeProvider(API_KEY, spool=tmp_path / "providers").start()
    yield fake
    fake.stop()


@pytest.fixture
def connect():
    """Makes channels of either kind; closes their sessions afterwards."""
    made = []

    def connect(kind: str, url: str, api_key: str = API_KEY, timeout: float = 5.0, render_pdf=None):
        if kind == "sms":
            channel = HttpSmsChannel(url, api_key, SMS_SENDER, timeout=timeout)
        else:
            channel = HttpFaxChannel(url, api_key, FAX_SENDER, render_pdf or StubRenderer(), timeout=timeout)
        made.append(channel)
        return channel

    yield connect
    for channel in made:
        channel.close()


def stored(provider: FakeProvider, kind: str) -> list[dict]:
    return provider.messages() if kind == "sms" else provider.faxes()


def refusal(channel, message) -> SendError:
    with pytest.raises(SendError) as raised:
        channel.send(message)
    return raised.value


# -- what arrives ----------------------------------------------------------------------------------


def test_an_sms_arrives_with_number_sender_text_and_reference_and_the_receipt_names_it(provider, connect, tmp_path):
    text = "Ada, your order 1234 has shipped and arrives on Monday. " * 3  # 168 characters: two segments
    receipt = connect("sms", provider.url).send(outgoing("sms", text=text))

    [sms] = provider.messages()
    assert receipt.provider_id == sms["id"] and receipt.provider_id.startswith("sms_")
    assert receipt.segments == 2
    assert (sms["to"], sms["from"], sms["text"], sms["reference"]) == ("+40721234567", SMS_SENDER, text, "n-1")
    [request] = provider.received()
    assert (request.method, request.path) == ("POST", "/v1/messages")
    assert request.authorization == f"Bearer {API_KEY}"
    assert request.idempotency_key == "n-1"
    assert request.headers["content-type"] == "application/json"
    [spooled] = (tmp_path / "providers" / "sms").glob("*.json")  # what a person reads after `make run`
    assert json.loads(spooled.read_text())["text"] == text


def test_a_fax_arrives_as_the_rendered_pdf_and_the_receipt_counts_its_pages(provider, connect, tmp_path):
    renderer = StubRenderer(pages=3)
    message = outgoing("fax")
    receipt = connect("fax", provider.url, render_pdf=renderer).send(message)

    assert renderer.rendered == [message]
    [fax] = provider.faxes()
    assert receipt.provider_id == fax["id"] and receipt.provider_id.startswith("fax_")
    assert receipt.segments == 3
    assert (fax["to"], fax["from"], fax["reference"]) == ("+40721234567", FAX_SENDER, "n-1")
    assert fax["document"] == tiny_pdf(3)  # byte for byte, binary comment line included
    [request] = provider.received()
    assert (request.path, request.authorization, request.idempotency_key) == ("/v1/faxes", f"Bearer {API_KEY}", "n-1")
    assert request.headers["content-type"].startswith("multipart/form-data")
    [spooled] = (tmp_path / "providers" / "fax").glob("*.json")
    record = json.loads(spooled.read_text())
    assert record["pages"] == 3
    assert (spooled.parent / record["document"]).read_bytes() == tiny_pdf(3)


def test_the_fax_receipt_carries_the_pages_the_provider_bills_not_the_renderers_count(provider, connect):
    provider.answer_next(201, '{"id": "fax_billed", "pages": 4}')

    receipt = connect("fax", provider.url, render_pdf=StubRenderer(pages=3)).send(outgoing("fax"))

    assert (receipt.provider_id, receipt.segments) == ("fax_billed", 4)


# -- idempotency -----------------------------------------------------------------------------------


@BOTH
def test_sending_the_same_notification_twice_stores_it_once(provider, connect, kind):
    channel = connect(kind, provider.url)

    first = channel.send(outgoing(kind, "n-1"))
    second = channel.send(outgoing(kind, "n-1"))
    other = channel.send(outgoing(kind, "n-2"))

    assert first == second
    assert other.provider_id != first.provider_id
    assert [r.idempotency_key for r in provider.received()] == ["n-1", "n-1", "n-2"]  # the retry did reach the provider
    assert [m["reference"] for m in stored(provider, kind)] == ["n-1", "n-2"]


@BOTH
def test_a_retry_after_a_lost_answer_does_not_send_twice(provider, connect, kind):
    provider.delay_next(3.0)  # accepted at once, answered too late: the adapter cannot know it went out
    channel = connect(kind, provider.url, timeout=0.5)

    assert refusal(channel, outgoing(kind)).transient is True
    receipt = channel.send(outgoing(kind))

    [accepted] = stored(provider, kind)
    assert receipt.provider_id == accepted["id"]
    assert len(provider.received()) == 2


@BOTH
def test_reusing_a_notification_id_for_a_different_message_is_refused_for_good(provider, connect, kind):
    connect(kind, provider.url).send(outgoing(kind, recipient="+40721234567"))

    error = refusal(connect(kind, provider.url), outgoing(kind, recipient="+40739876543"))

    assert error.transient is False
    assert "422" in error.reason and "idempotency_key_reused" in error.reason
    assert [m["to"] for m in stored(provider, kind)] == ["+40721234567"]


# -- refusals that retrying cannot fix -------------------------------------------------------------


@BOTH
def test_the_providers_400_is_permanent_and_names_its_message(provider, connect, kind):
    error = refusal(connect(kind, provider.url), outgoing(kind, recipient="0721 234 567"))

    assert error.transient is False
    assert "400" in error.reason
    assert "to: expected an E.164 number" in error.reason  # the fake's own validation message, passed on
    assert error.retry_after is None
    assert stored(provider, kind) == []


@BOTH
@pytest.mark.parametrize("status", [404, 422])
def test_a_404_or_422_is_permanent_and_names_the_providers_message(provider, connect, kind, status):
    provider.fail_next(status, code="blocked_number", message="+40721234567 is on the block list")

    error = refusal(connect(kind, provider.url), outgoing(kind))

    assert error.transient is False
    assert str(status) in error.reason
    assert "blocked_number: +40721234567 is on the block list" in error.reason


@BOTH
def test_a_wrong_api_key_is_permanent(provider, connect, kind):
    error = refusal(connect(kind, provider.url, api_key="not-the-key"), outgoing(kind))

    assert error.transient is False
    assert "rejected our credentials" in error.reason and "401" in error.reason
    assert stored(provider, kind) == []


def test_a_403_is_permanent(provider, connect):
    provider.fail_next(403, code="forbidden", message="this account may not send to Romania")

    error = refusal(connect("sms", provider.url), outgoing("sms"))

    assert error.transient is False
    assert "rejected our credentials" in error.reason and "may not send to Romania" in error.reason


def test_an_sms_longer_than_ten_segments_is_refused_before_it_reaches_the_provider(provider, connect):
    error = refusal(connect("sms", provider.url), outgoing("sms", text="a" * (153 * 10 + 1)))

    assert error.transient is False
    assert "11 SMS segments" in error.reason
    assert provider.received() == []


def test_a_fax_that_cannot_be_rendered_is_refused_before_it_reaches_the_provider(provider, connect):
    def broken(message):
        raise ValueError("no letterhead for region north")

    error = refusal(connect("fax", provider.url, render_pdf=broken), outgoing("fax"))

    assert error.transient is False
    assert "cannot render the fax" in error.reason and "no letterhead for region north" in error.reason
    assert provider.received() == []


def test_a_fax_rendered_empty_is_refused_before_it_reaches_the_provider(provider, connect):
    error = refusal(connect("fax", provider.url, render_pdf=lambda message: (b"", 0)), outgoing("fax"))

    assert error.transient is False
    assert "empty document" in error.reason
    assert provider.received() == []


# -- failures worth retrying -----------------------------------------------------------------------


@BOTH
def test_429_is_transient_with_the_retry_after_seconds(provider, connect, kind):
    provider.fail_next(429, retry_after=7, code="rate_limited", message="slow down")
    channel = connect(kind, provider.url)

    error = refusal(channel, outgoing(kind))

    assert error.transient is True
    assert error.retry_after == 7.0
    assert "429" in error.reason and "slow down" in error.reason
    channel.send(outgoing(kind))  # the scripted failure is spent: the next try goes through
    assert len(stored(provider, kind)) == 1


@BOTH
def test_429_with_an_http_date_gives_the_seconds_until_then(provider, connect, kind):
    provider.fail_next(429, retry_after=formatdate(time.time() + 120, usegmt=True))

    error = refusal(connect(kind, provider.url), outgoing(kind))

    assert error.transient is True
    assert 100 < error.retry_after <= 121


def test_429_without_retry_after_leaves_the_delay_to_the_caller(provider, connect):
    provider.fail_next(429)

    error = refusal(connect("sms", provider.url), outgoing("sms"))

    assert (error.transient, error.retry_after) == (True, None)


@BOTH
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_5xx_is_transient(provider, connect, kind, status):
    provider.fail_next(status, message="provider having a bad day")

    error = refusal(connect(kind, provider.url), outgoing(kind))

    assert error.transient is True
    assert str(status) in error.reason and "bad day" in error.reason
    assert stored(provider, kind) == []


def test_a_503_passes_its_retry_after_on(provider, connect):
    provider.fail_next(503, retry_after=30)

    assert refusal(connect("sms", provider.url), outgoing("sms")).retry_after == 30.0


def test_a_proxys_html_error_page_is_transient_and_quoted(provider, connect):
    provider.answer_next(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html")

    error = refusal(connect("sms", provider.url), outgoing("sms"))

    assert error.transient is True
    assert "502 Bad Gateway" in error.reason


def test_repeated_failures_are_each_transient_until_the_provider_recovers(provider, connect):
    provider.fail_next(500, times=2)
    channel = connect("sms", provider.url)

    assert [refusal(channel, outgoing("sms")).transient for _ in range(2)] == [True, True]
    channel.send(outgoing("sms"))

    assert len(provider.received()) == 3
    assert len(provider.messages()) == 1


def test_a_redirect_is_not_followed_and_is_transient(provider, connect):
    # e.g. http:// configured where the provider redirects to https://: following would turn the POST into a GET.
    provider.answer_next(301, "", content_type="text/plain", headers={"Location": "https://sms.example.com/v1/messages"})

    error = refusal(connect("sms", provider.url), outgoing("sms"))

    assert error.transient is True
    assert "301 redirecting to https://sms.example.com/v1/messages" in error.reason
    assert len(provider.received()) == 1  # not followed


@BOTH
def test_a_provider_too_slow_to_answer_is_transient(provider, connect, kind):
    provider.delay_next(3.0)
    channel = connect(kind, provider.url, timeout=0.5)

    started = time.monotonic()
    error = refusal(channel, outgoing(kind))

    assert time.monotonic() - started < 2.5  # gave up at its timeout instead of waiting for the answer
    assert error.transient is True
    assert "did not answer within 0.5s" in error.reason


@BOTH
def test_nothing_listening_is_transient(connect, kind):
    error = refusal(connect(kind, f"http://127.0.0.1:{free_port()}"), outgoing(kind))

    assert error.transient is True
    assert "unreachable" in error.reason


@BOTH
@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (201, "<html><body>Welcome to nginx!</body></html>", "text/html"),
        (201, '{"segments": 1, "pages": 1}', "application/json"),  # no id
        (201, '{"id": "", "segments": 1, "pages": 1}', "application/json"),
        (201, '{"id": "x-1", "segments": "1", "pages": "1"}', "application/json"),  # counts as strings
        (201, '{"id": "x-1", "segments": 0, "pages": 0}', "application/json"),
        (200, "[]", "application/json"),
        (201, "", "application/json"),
        (202, '{"status": "queued"}', "application/json"),
        (204, "", "application/json"),
    ],
)
def test_an_answer_that_is_not_the_documented_json_is_transient(provider, connect, kind, status, body, content_type):
    provider.answer_next(status, body, content_type=content_type)

    error = refusal(connect(kind, provider.url), outgoing(kind))

    assert error.transient is True
    assert "without the documented" in error.reason and f"HTTP {status}" in error.reason


# -- inside an eventlet-patched worker, as nameko runs the adapters -------------------------------

GREEN_SENDS = """
import eventlet
eventlet.monkey_patch()
import json, sys, time
from crm_notifications.adapters.sms import HttpSmsChannel
from crm_notifications.domain.channels import OutgoingMessage, SendError

url, key = sys.argv[1], sys.argv[2]
channel = HttpSmsChannel(url, key, "CRM", timeout=float(sys.argv[3]))

def send(i):
    try:
        return channel.send(OutgoingMessage(f"g-{i}", "sms", "+40721234567", "", f"hello {i}")).provider_id
    except SendError as exc:
        return {"transient": exc.transient, "reason": exc.reason}

started = time.monotonic()
pool = eventlet.GreenPool()
results = list(pool.imap(send, range(5)))
print(json.dumps({"elapsed": time.monotonic() - started, "results": results}))
"""


def green_sends(provider: FakeProvider, timeout: float) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", GREEN_SENDS, provider.url, API_KEY, str(timeout)], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_under_eventlet_concurrent_sends_wait_for_the_provider_side_by_side(provider):
    provider.delay_next(1.0, times=5)

    outcome = green_sends(provider, timeout=5.0)

    assert all(isinstance(r, str) and r.startswith("sms_") for r in outcome["results"]), outcome
    assert outcome["elapsed"] < 3.0  # one second each, waited for together: no send blocked the worker's hub
    assert sorted(m["reference"] for m in provider.messages()) == [f"g-{i}" for i in range(5)]


def test_under_eventlet_the_timeout_still_holds(provider):
    provider.delay_next(5.0, times=5)

    outcome = green_sends(provider, timeout=0.5)

    assert [r["transient"] for r in outcome["results"]] == [True] * 5, outcome
    assert outcome["elapsed"] < 3.0


# -- the span and Retry-After parsing --------------------------------------------------------------




@BOTH
def test_each_send_is_a_client_span_naming_the_provider(provider, connect, kind, spans):
    channel = connect(kind, provider.url)
    channel.send(outgoing(kind, "n-ok"))
    provider.fail_next(500)
    refusal(channel, outgoing(kind, "n-bad"))

    ok, bad = [s for s in spans.get_finished_spans() if s.name == f"{kind} send"]
    assert ok.kind == bad.kind == trace.SpanKind.CLIENT
    assert ok.attributes["server.address"] == "127.0.0.1"
    assert ok.attributes["server.port"] == provider.port
    assert ok.attributes["crm.notification_id"] == "n-ok"
    assert ok.attributes["http.response.status_code"] == 201
    assert ok.status.status_code != trace.StatusCode.ERROR
    assert bad.attributes["http.response.status_code"] == 500
    assert bad.status.status_code == trace.StatusCode.ERROR
    assert not any(key.startswith("messaging.") for key in ok.attributes)


def test_retry_after_reads_seconds_and_http_dates_and_ignores_nonsense():
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after(" 0 ", now) == 0.0
    assert retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90.0
    assert retry_after(format_datetime(now - timedelta(seconds=90), usegmt=True), now) == 0.0  # already past: now
    for nonsense in (None, "", "soon", "-5", "nan", "inf"):
        assert retry_after(nonsense, now) is None


# -- the standalone fake, as `make run` starts it --------------------------------------------------


def test_the_fake_provider_runs_standalone_and_spools_what_it_accepts(tmp_path, connect):
    port, spool = free_port(), tmp_path / "spool"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tools" / "fake_providers.py"), "--port", str(port), "--api-key", "local", "--spool", str(spool)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
    )
    try:
        assert f"127.0.0.1:{port}" in process.stdout.readline()  # printed once it listens
        connect("sms", f"http://127.0.0.1:{port}", api_key="local").send(outgoing("sms", text="Hello from make run"))
        connect("fax", f"http://127.0.0.1:{port}", api_key="local").send(outgoing("fax"))
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert process.returncode == 0  # SIGTERM stops it cleanly
    [sms] = (spool / "sms").glob("*.json")
    assert json.loads(sms.read_text())["text"] == "Hello from make run"
    assert len(list((spool / "fax").glob("*.pdf"))) == 1
