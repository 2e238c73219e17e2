"""Fax through the provider's HTTP API (docs/providers.md): the message rendered as a PDF, then uploaded."""
from __future__ import annotations

from collections.abc import Callable

from crm_notifications.adapters.sms import ProviderApi
from crm_notifications.domain.channels import OutgoingMessage, Receipt, SendError

RenderPdf = Callable[[OutgoingMessage], tuple[bytes, int]]  # (PDF bytes, page count)


class HttpFaxChannel:
    """The `fax` channel: `POST {base_url}/v1/faxes`, multipart with the PDF as `document`."""

    name = "fax"

    def __init__(self, base_url: str, api_key: str, sender: str, render_pdf: RenderPdf, timeout: float = 30.0):
        self.sender = sender
        self.render_pdf = render_pdf
        self._api = ProviderApi("fax", base_url, api_key, timeout)

    def close(self) -> None:
        self._api.close()

    def send(self, message: OutgoingMessage) -> Receipt:
        try:
            pdf, pages = self.render_pdf(message)
        except Exception as exc:
            # Rendering depends only on the message, so trying again renders the same failure; unclassified,
            # it would leave the notification `sending` until its lease ran out, again and again.
            raise SendError(f"cannot render the fax: {type(exc).__name__}: {exc}", transient=False) from exc
        if not pdf or pages < 1:
            raise SendError(f"the fax renderer produced an empty document ({len(pdf or b'')} bytes, {pages} pages)", transient=False)
        return self._api.post(
            "/v1/faxes",
            message,
            "pages",
            data={"to": message.recipient, "from": self.sender, "reference": message.notification_id},
            files={"document": (f"{message.notification_id}.pdf", pdf, "application/pdf")},
        )
