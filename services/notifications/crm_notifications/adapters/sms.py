"""SMS through the provider's HTTP API (docs/providers.md), with failures classified for retry.

`ProviderApi` is the HTTP half both provider APIs share (bearer key, Idempotency-Key, how answers
are classified, the client span); `adapters/fax.py` speaks through it too.
"""
from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from opentelemetry import trace

from crm_notifications.domain.channels import OutgoingMessage, Receipt, SendError
from crm_notifications.domain.sms import MAX_SEGMENTS, segments

tracer = trace.get_tracer(__name__)

CREDENTIALS_REFUSED = frozenset({401, 403})
RETRY_STATUSES = frozenset({408, 409, 425, 429})  # 409: the same Idempotency-Key is still being processed


class ProviderApi:
    """One provider endpoint base, one `requests.Session` (its connections are reused between sends)."""

    def __init__(self, kind: str, base_url: str, api_key: str, timeout: float):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{kind} provider URL {base_url!r}: expected http(s)://host[:port][/path]")
        if not timeout > 0:
            raise ValueError(f"{kind} provider timeout {timeout!r}: expected a positive number of seconds")
        self.kind = kind
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._host = parts.hostname
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._session = requests.Session()
        self._session.headers.update({"Authorization": f"Bearer {api_key}", "Accept": "application/json"})

    def close(self) -> None:
        self._session.close()

    def post(self, path: str, message: OutgoingMessage, count_field: str, **body: Any) -> Receipt:
        """POSTs `body` (requests' `json=` or `data=`/`files=`) and reads `{"id", count_field}` from the answer."""
        if not message.notification_id:
            # Without it a retry could send twice; a caller bug, so say so rather than risk it.
            raise SendError("the message has no notification id to use as Idempotency-Key", transient=False)
        url = self.base_url + path
        with tracer.start_as_current_span(
            f"{self.kind} send",
            kind=trace.SpanKind.CLIENT,
            attributes={
                "server.address": self._host,
                "server.port": self._port,
                "http.request.method": "POST",
                "url.full": url,
                "crm.notification_id": message.notification_id,
            },
        ) as span:
            try:
                try:
                    response = self._session.post(
                        url,
                        headers={"Idempotency-Key": message.notification_id},
                        timeout=self.timeout,
                        allow_redirects=False,  # a redirect means a wrong URL; following it would turn the POST into a GET
                        **body,
                    )
                except requests.Timeout as exc:
                    span.set_attribute("error.type", type(exc).__name__)
                    raise SendError(
                        f"{self.kind} provider did not answer within {self.timeout:g}s ({type(exc).__name__})", transient=True
                    ) from exc
                except requests.RequestException as exc:
                    # Connection refused or reset, DNS, TLS: the provider or the way to it is away for now.
                    span.set_attribute("error.type", type(exc).__name__)
                    raise SendError(f"{self.kind} provider unreachable: {type(exc).__name__}: {exc}", transient=True) from exc
                span.set_attribute("http.response.status_code", response.status_code)
                if not 200 <= response.status_code < 300:
                    span.set_attribute("error.type", str(response.status_code))
                return self._receipt(response, count_field)
            except SendError as exc:
                span.set_status(trace.Status(trace.StatusCode.ERROR, exc.reason))
                raise

    def _receipt(self, response: requests.Response, count_field: str) -> Receipt:
        status = response.status_code
        if 200 <= status < 300:  # 201 as documented; some providers answer a replayed Idempotency-Key with 200
            try:
                answer = response.json()
            except ValueError:
                answer = None
            provider_id = answer.get("id") if isinstance(answer, dict) else None
            count = answer.get(count_field) if isinstance(answer, dict) else None
            if not isinstance(provider_id, str) or not provider_id or type(count) is not int or count < 1:
                raise SendError(
                    f"{self.kind} provider answered HTTP {status} without the documented "
                    f'{{"id": "...", "{count_field}": n}}: {_snippet(response)}',
                    transient=True,
                )
            return Receipt(provider_id=provider_id, segments=count)
        detail = _provider_error(response)
        if status in CREDENTIALS_REFUSED:
            raise SendError(f"{self.kind} provider rejected our credentials (HTTP {status}: {detail})", transient=False)
        if status in RETRY_STATUSES or status >= 500:
            raise SendError(
                f"{self.kind} provider answered HTTP {status}: {detail}",
                transient=True,
                retry_after=retry_after(response.headers.get("Retry-After")),
            )
        if 400 <= status < 500:
            # 400, 404, 422 and the rest: this request, which a retry would repeat word for word, is refused.
            raise SendError(f"{self.kind} provider refused the message (HTTP {status}): {detail}", transient=False)
        # Redirects (not followed: a POST must not turn into a GET) and other answers the API does not document.
        where = f" redirecting to {response.headers['Location']}" if "Location" in response.headers else ""
        raise SendError(f"{self.kind} provider answered HTTP {status}{where}, which the API does not document: {detail}", transient=True)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delay-seconds or an HTTP date; None when absent or unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _provider_error(response: requests.Response) -> str:
    """The documented `{"error": {"code", "message"}}`, else the start of whatever came back."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if isinstance(error, dict) and (error.get("message") or error.get("code")):
        code, text = error.get("code"), error.get("message")
        return f"{code}: {text}" if code and text else str(text or code)
    return _snippet(response)


def _snippet(response: requests.Response, limit: int = 200) -> str:
    text = re.sub(r"\s+", " ", response.text or "").strip()
    if not text:
        return "empty body"
    return text if len(text) <= limit else text[:limit] + "…"


class HttpSmsChannel:
    """The `sms` channel: `POST {base_url}/v1/messages` (docs/providers.md)."""

    name = "sms"

    def __init__(self, base_url: str, api_key: str, sender: str, timeout: float = 10.0):
        self.sender = sender
        self._api = ProviderApi("sms", base_url, api_key, timeout)

    def close(self) -> None:
        self._api.close()

    def send(self, message: OutgoingMessage) -> Receipt:
        count = segments(message.text)
        if count > MAX_SEGMENTS:
            raise SendError(f"the text needs {count} SMS segments, more than the {MAX_SEGMENTS} we send", transient=False)
        return self._api.post(
            "/v1/messages",
            message,
            "segments",
            json={"to": message.recipient, "from": self.sender, "text": message.text, "reference": message.notification_id},
        )
