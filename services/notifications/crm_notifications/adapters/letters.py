"""The `letter` channel: each letter spooled as `<id>.pdf` plus an `<id>.json` for the print operator.

Both files appear whole or not at all (written to a hidden temp file, then renamed), so a print job
never picks up half a file; the sidecar is renamed last, so once `<id>.json` exists its PDF does too.
Sending the same notification again overwrites the same two files: a retry never prints twice.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fpdf.errors import FPDFException
from opentelemetry import trace

from crm_notifications.adapters.pdf import address_lines
from crm_notifications.domain.channels import OutgoingMessage, Receipt, SendError

tracer = trace.get_tracer(__name__)

RenderPdf = Callable[[OutgoingMessage], tuple[bytes, int]]  # a LetterRenderer: (PDF bytes, page count)
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")  # the id names files: no separators, no dot files


class PdfLetterChannel:
    name = "letter"

    def __init__(self, spool_dir: Path, render: RenderPdf):
        self.spool_dir = Path(spool_dir)
        self.render = render

    def send(self, message: OutgoingMessage) -> Receipt:
        lines = address_lines(message.recipient)
        if not lines:
            raise SendError("no postal address to print on the letter", transient=False)
        if not _SAFE_ID.fullmatch(message.notification_id):
            raise SendError(f"notification id {message.notification_id!r} cannot name a spool file", transient=False)
        pdf_path = self.spool_dir / f"{message.notification_id}.pdf"
        with tracer.start_as_current_span(
            "letter spool",
            kind=trace.SpanKind.INTERNAL,
            attributes={"crm.notification.id": message.notification_id, "file.path": str(pdf_path)},
        ) as span:
            try:
                pdf, pages = self._render(message)
                span.set_attribute("crm.letter.pages", pages)
                sidecar = {
                    "notification_id": message.notification_id,
                    "file": pdf_path.name,
                    "recipient": {"name": message.recipient_name, "address_lines": lines},
                    "subject": message.subject,
                    "pages": pages,
                    "bytes": len(pdf),
                    "sha256": hashlib.sha256(pdf).hexdigest(),
                    "created": datetime.now(UTC).isoformat(timespec="seconds"),
                    "person_id": message.person_id,
                    "purpose": message.purpose,
                    "campaign_id": message.campaign_id,
                    "attempt": message.attempt,
                }
                self._write(pdf_path, pdf)
                self._write(pdf_path.with_suffix(".json"), json.dumps(sidecar, ensure_ascii=False, indent=2).encode("utf-8"))
            except SendError as exc:
                span.set_status(trace.Status(trace.StatusCode.ERROR, exc.reason))
                raise
        return Receipt(provider_id=str(pdf_path), segments=pages)

    def _render(self, message: OutgoingMessage) -> tuple[bytes, int]:
        try:
            pdf, pages = self.render(message)
        except OSError as exc:  # an unreadable font file: fixable on this side, so worth another try
            raise SendError(f"cannot read what the letter needs: {exc}", transient=True) from exc
        except (FPDFException, ValueError, TypeError) as exc:
            # Rendering depends only on the message: another try renders the same failure.
            raise SendError(f"cannot render the letter: {type(exc).__name__}: {exc}", transient=False) from exc
        if not pdf.startswith(b"%PDF") or pages < 1:
            raise SendError(f"the renderer produced no PDF ({len(pdf)} bytes, {pages} pages)", transient=False)
        return pdf, pages

    def _write(self, path: Path, data: bytes) -> None:
        """Replaces `path` with `data` in one rename, durably; a full or read-only disk is transient."""
        temp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temp, 0o644)  # mkstemp's 0600 would hide the letter from a print operator's account
            os.replace(temp, path)
            temp = None
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)  # the rename itself survives a crash
            finally:
                os.close(directory)
        except OSError as exc:
            raise SendError(f"cannot write {path}: {exc.strerror or exc}", transient=True) from exc
        finally:
            if temp is not None:
                try:
                    os.unlink(temp)
                except OSError:
                    pass
