"""The small HTML pages answered to people without an account: the outcome of an unsubscribe link."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#222}}</style>
</head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"""
# The page loads nothing and links nowhere; the token in its address must not travel on in a Referer.
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
}
_MESSAGES = {"email": "emails", "sms": "text messages", "phone": "calls", "letter": "letters", "fax": "faxes"}


def _page(title: str, body: str, status: int) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=escape(title), body=body), status_code=status, headers=_HEADERS)


def confirm(token: str) -> HTMLResponse:
    """Asks before acting: mail scanners open every link in a message, and must not unsubscribe anyone."""
    action = escape(f"/v1/unsubscribe?{urlencode({'token': token})}")
    return _page(
        "Unsubscribe from our marketing",
        f'<form method="post" action="{action}">\n<p>Press the button to stop marketing messages to this address.</p>\n'
        '<button type="submit" name="List-Unsubscribe" value="One-Click">Unsubscribe</button>\n</form>',
        200,
    )


def unsubscribed(channel: str, address: str, marketing_only: bool) -> HTMLResponse:
    what = _MESSAGES.get(channel, "messages")
    # A postal address arrives as lines.
    shown = escape(", ".join(line for line in address.splitlines() if line.strip()))
    if marketing_only:
        body = (
            f"<p>You will receive no more marketing {what} at <strong>{shown}</strong>.</p>\n"
            "<p>Messages about your account or your orders may still reach you.</p>"
        )
    else:  # the address was already closed to everything; an unsubscribe does not narrow that
        body = f"<p>You will receive no more {what} at <strong>{shown}</strong>.</p>"
    return _page("You are unsubscribed", body, 200)


def invalid_link() -> HTMLResponse:
    return _page(
        "This link is not valid",
        "<p>This unsubscribe link is incomplete or was changed. Please use the link in the latest message you received from us.</p>",
        400,
    )


def try_later(status: int) -> HTMLResponse:
    return _page(
        "Please try again later", "<p>We could not process your request just now. Please open the link again in a few minutes.</p>", status
    )
