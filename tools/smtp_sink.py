"""A local SMTP server that keeps every message it receives in a Maildir.

`make run` starts it so that a person can read what the suite sent
(`var/mail/new/`); tests start it in-process and read the same folder.
"""
from __future__ import annotations

import argparse
import mailbox
import signal
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


class MaildirHandler:
    def __init__(self, folder: Path):
        folder.parent.mkdir(parents=True, exist_ok=True)
        self.maildir = mailbox.Maildir(folder, create=True)  # creates new/, cur/ and tmp/ too
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        message["X-Sink-Rcpt-To"] = ", ".join(envelope.rcpt_tos)
        with self._lock:
            self.maildir.add(message)
        return "250 Message accepted for delivery"


class SmtpSink:
    """Runs the server on a thread; `messages()` reads back what arrived."""

    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int = 1025):
        self.folder = folder
        self.handler = MaildirHandler(folder)
        self.controller = Controller(self.handler, hostname=host, port=port)

    @property
    def port(self) -> int:
        return self.controller.port

    def start(self) -> "SmtpSink":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def messages(self) -> list[EmailMessage]:
        box = mailbox.Maildir(self.folder, create=False)
        return [message_from_bytes(box.get_bytes(key), policy=policy.default) for key in sorted(box.keys())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--maildir", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    sink = SmtpSink(args.maildir, args.host, args.port).start()
    print(f"smtp sink on {args.host}:{args.port}, mail kept in {args.maildir}/new", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    sink.stop()


if __name__ == "__main__":
    main()
