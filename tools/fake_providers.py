"""A local SMS and fax provider speaking the API of docs/providers.md, keeping what it accepts.

`make run` can start it so that the suite's texts and faxes land in `var/providers/` where a person
can read them; tests start it in-process on a free port and script its failures
(`fail_next`, `delay_next`, `answer_next`).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import signal
import socket
import sys
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crm_notifications.domain.sms import MAX_SEGMENTS, encoding, segments

E164 = re.compile(r"\+[1-9][0-9]{1,14}")
ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")  # what networks accept as a sender name
MAX_BODY_BYTES = 20 * 1024 * 1024
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")

Answer = tuple[int, dict[str, str], bytes]  # status, headers, body


@dataclass
class _Scripted:
    answer: Answer | None  # None: serve the request as usual...
    delay: float = 0.0  # ...but only answer after this many seconds


@dataclass
class _Stored:
    fingerprint: str
    answer: Answer


@dataclass
class Received:
    method: str
    path: str
    idempotency_key: str | None
    authorization: str | None
    headers: dict[str, str] = field(default_factory=dict)


def _json_answer(status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Answer:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(payload, ensure_ascii=False).encode()


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any) -> Answer:
    return _json_answer(status, {"error": {"code": code, "message": message, **extra}}, headers)


class FakeProvider:
    """Serves `POST /v1/messages` and `POST /v1/faxes` on a thread until `stop()`."""

    def __init__(self, api_key: str = "local", host: str = "127.0.0.1", port: int = 0, spool: Path | None = None, log: bool = False):
        self.api_key = api_key
        self.host = host
        self.spool = spool
        self.log = log
        self._requested_port = port
        self._lock = threading.Lock()
        self._script: deque[_Scripted] = deque()
        self._idempotent: dict[tuple[str, str], _Stored] = {}
        self._messages: list[dict[str, Any]] = []
        self._faxes: list[dict[str, Any]] = []
        self._received: list[Received] = []
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- running -------------------------------------------------------------------------------

    def start(self) -> FakeProvider:
        self._server = _Server((self.host, self._requested_port), _Handler)
        self._server.provider = self
        self._stopping.clear()
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-providers", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes delayed answers
        self._server.shutdown()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:  # kept-alive connections would otherwise go on being served
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the fake provider is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- what happened -------------------------------------------------------------------------

    def messages(self) -> list[dict[str, Any]]:
        """Every SMS accepted, once each however often it was retried."""
        with self._lock:
            return [dict(m) for m in self._messages]

    def faxes(self) -> list[dict[str, Any]]:
        """Every fax accepted, with the PDF as `document` (bytes)."""
        with self._lock:
            return [dict(f) for f in self._faxes]

    def received(self) -> list[Received]:
        """Every request that reached the server, scripted failures included."""
        with self._lock:
            return list(self._received)

    # -- scripting -----------------------------------------------------------------------------

    def fail_next(
        self, status: int, times: int = 1, retry_after: float | str | None = None, code: str = "scripted_failure", message: str = ""
    ) -> None:
        """The next `times` requests get `status` with the documented error body, and are not served."""
        headers = {} if retry_after is None else {"Retry-After": retry_after if isinstance(retry_after, str) else f"{retry_after:g}"}
        answer = _error(status, code, message or f"scripted HTTP {status}", headers)
        self._push(_Scripted(answer), times)

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """The next `times` requests are served (and stored) as usual but answered only after `seconds`:
        a client that gives up first never learns that its message was accepted."""
        self._push(_Scripted(None, seconds), times)

    def answer_next(
        self, status: int, body: bytes | str, content_type: str = "application/json", headers: dict[str, str] | None = None, times: int = 1
    ) -> None:
        """The next `times` requests get exactly this answer, e.g. a proxy's HTML page or JSON missing its id."""
        raw = body.encode() if isinstance(body, str) else body
        self._push(_Scripted((status, {"Content-Type": content_type, **(headers or {})}, raw)), times)

    def _push(self, scripted: _Scripted, times: int) -> None:
        with self._lock:
            self._script.extend([scripted] * times)

    # -- serving -------------------------------------------------------------------------------

    def _handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[Answer, float]:
        key = headers.get("idempotency-key")
        with self._lock:
            self._received.append(Received(method, path, key, headers.get("authorization"), headers))
            scripted = self._script.popleft() if self._script else _Scripted(None)
        if scripted.answer is not None:
            return scripted.answer, scripted.delay
        return self._serve(method, path, headers, body, key), scripted.delay

    def _serve(self, method: str, path: str, headers: dict[str, str], body: bytes, key: str | None) -> Answer:
        routes = {"/v1/messages": self._parse_sms, "/v1/faxes": self._parse_fax}
        if path not in routes:
            return _error(404, "not_found", f"no such endpoint: {path}")
        if method != "POST":
            return _error(405, "method_not_allowed", f"{path} takes POST", {"Allow": "POST"})
        if headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(401, "unauthorized", "missing or wrong API key (expected Authorization: Bearer <key>)")
        parsed = routes[path](headers.get("content-type", ""), body)
        if isinstance(parsed, tuple):
            return parsed  # a 400
        fingerprint = _fingerprint(parsed)
        with self._lock:
            if key is not None and (path, key) in self._idempotent:
                stored = self._idempotent[(path, key)]
                if stored.fingerprint != fingerprint:
                    return _error(422, "idempotency_key_reused", f"Idempotency-Key {key!r} was used for a different request")
                status, answer_headers, answer_body = stored.answer
                return status, {**answer_headers, "Idempotent-Replayed": "true"}, answer_body
            record = {"received_at": datetime.now(UTC).isoformat(), "idempotency_key": key, **parsed}
            if path == "/v1/messages":
                record = {"id": f"sms_{uuid.uuid4().hex}", **record}
                self._messages.append(record)
                answer = _json_answer(201, {"id": record["id"], "segments": record["segments"], "encoding": record["encoding"]})
            else:
                record = {"id": f"fax_{uuid.uuid4().hex}", **record}
                self._faxes.append(record)
                answer = _json_answer(201, {"id": record["id"], "pages": record["pages"]})
            self._write_spool(record)
            if key is not None:
                self._idempotent[(path, key)] = _Stored(fingerprint, answer)
        return answer

    def _parse_sms(self, content_type: str, body: bytes) -> dict[str, Any] | Answer:
        if content_type.split(";")[0].strip().lower() != "application/json":
            return _error(400, "invalid_request", "expected Content-Type: application/json")
        try:
            payload = json.loads(body)
        except ValueError as exc:
            return _error(400, "invalid_json", f"the body is not JSON: {exc}")
        if not isinstance(payload, dict):
            return _error(400, "invalid_json", "the body must be a JSON object")
        problems: dict[str, str] = {}
        to, sender, text, reference = (payload.get(k) for k in ("to", "from", "text", "reference"))
        if not isinstance(to, str) or not E164.fullmatch(to):
            problems["to"] = "expected an E.164 number such as +40721234567"
        if not isinstance(sender, str) or not (E164.fullmatch(sender) or ALPHANUMERIC_SENDER.fullmatch(sender)):
            problems["from"] = "expected an E.164 number or a sender name of 1 to 11 letters, digits and spaces"
        if not isinstance(text, str) or not text:
            problems["text"] = "must be a non-empty string"
        elif segments(text) > MAX_SEGMENTS:
            problems["text"] = f"too long: {segments(text)} segments, at most {MAX_SEGMENTS}"
        if reference is not None and not isinstance(reference, str):
            problems["reference"] = "must be a string"
        if problems:
            return _invalid(problems)
        return {"to": to, "from": sender, "text": text, "reference": reference or "", "segments": segments(text), "encoding": encoding(text)}

    def _parse_fax(self, content_type: str, body: bytes) -> dict[str, Any] | Answer:
        if content_type.split(";")[0].strip().lower() != "multipart/form-data":
            return _error(400, "invalid_request", "expected Content-Type: multipart/form-data")
        form = _multipart(content_type, body)
        if form is None:
            return _error(400, "invalid_request", "the multipart body cannot be read")
        fields, files = form
        problems: dict[str, str] = {}
        for name in ("to", "from"):
            if not E164.fullmatch(fields.get(name, "")):
                problems[name] = "expected an E.164 number such as +40211234567"
        document = files.get("document")
        if document is None:
            problems["document"] = "missing: attach the PDF as file field `document`"
        elif document[1] != "application/pdf" or not document[2].startswith(b"%PDF-"):
            problems["document"] = "expected a PDF (Content-Type application/pdf, starting with %PDF-)"
        if problems:
            return _invalid(problems)
        pdf = document[2]
        return {
            "to": fields["to"],
            "from": fields["from"],
            "reference": fields.get("reference", ""),
            "filename": document[0],
            # Page objects of a PDF without compressed object streams; a document that hides them counts as one page.
            "pages": len(PAGE_OBJECT.findall(pdf)) or 1,
            "document": pdf,
        }

    def _write_spool(self, record: dict[str, Any]) -> None:
        if self.spool is None:
            return
        kind = "sms" if record["id"].startswith("sms_") else "fax"
        folder = self.spool / kind
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}-{record['id']}"  # ls lists them in arrival order
        readable = dict(record)
        if kind == "fax":
            _write_atomically(folder / f"{stem}.pdf", readable.pop("document"))
            readable["document"] = f"{stem}.pdf"
        _write_atomically(folder / f"{stem}.json", (json.dumps(readable, ensure_ascii=False, indent=2) + "\n").encode())


def _fingerprint(parsed: dict[str, Any]) -> str:
    """What makes two requests "the same" for an Idempotency-Key."""
    digest = hashlib.sha256()
    for name, value in sorted(parsed.items()):
        digest.update(name.encode() + b"=" + (value if isinstance(value, bytes) else repr(value).encode()) + b"\0")
    return digest.hexdigest()


def _invalid(problems: dict[str, str]) -> Answer:
    message = "; ".join(f"{name}: {problem}" for name, problem in problems.items())
    return _error(400, "invalid_request", message, fields=problems)


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, str, bytes]]] | None:
    """Fields and files (name → (filename, content type, bytes)) of a multipart/form-data body."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        return None
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            fields[name] = payload.decode("utf-8", "replace")
        else:
            files[name] = (filename, part.get_content_type(), payload)
    return fields, files


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    provider: FakeProvider

    def handle_error(self, request, client_address) -> None:
        # A client that timed out and hung up before a delayed answer: expected, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real providers: the adapters' sessions reuse connections
    server_version = "fake-providers/1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.provider._lock:
            self.server.provider._connections.add(self.connection)

    def finish(self) -> None:
        with self.server.provider._lock:
            self.server.provider._connections.discard(self.connection)
        super().finish()

    def _serve(self) -> None:
        provider = self.server.provider
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            return self._answer(_error(411, "length_required", "send a Content-Length; chunked bodies are not taken"))
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True
            return self._answer(_error(413, "too_large", f"bodies of up to {MAX_BODY_BYTES} bytes are taken"))
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        answer, delay = provider._handle(self.command, urlsplit(self.path).path, headers, body)
        if delay and provider._stopping.wait(delay):
            self.close_connection = True
            return None
        self._answer(answer)

    do_POST = do_GET = do_PUT = do_PATCH = do_DELETE = _serve

    def _answer(self, answer: Answer) -> None:
        status, headers, body = answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.provider.log:
            super().log_message(format, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--api-key", default="local", help="the bearer key clients must send")
    parser.add_argument("--spool", type=Path, default=Path("var/providers"), help="accepted SMS and faxes are written here")
    args = parser.parse_args()
    provider = FakeProvider(args.api_key, args.host, args.port, args.spool, log=True).start()
    print(f"fake SMS and fax provider on {provider.url}, accepted messages kept in {args.spool}/sms and {args.spool}/fax", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    provider.stop()


if __name__ == "__main__":
    main()
