"""Runs the whole suite as separate processes: `make run`, and the end-to-end tests.

Set-up first (JWT key pair, every service's migrations), then an SMTP sink,
each service's gRPC server and worker, and the gateway. Output of every
process is streamed with its name in front. Ctrl-C (or SIGTERM) stops them
all with SIGTERM so each drains gracefully; a process that dies on its own
stops the suite, since a half-running suite only misleads.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BACKENDS = ("contacts", "notifications", "sales")


@dataclass
class Part:
    name: str
    argv: list[str]
    listens: str = ""
    process: subprocess.Popen | None = field(default=None, repr=False)


def _script(name: str) -> str:
    return str(BIN / name)


class Suite:
    def __init__(self, env: dict[str, str] | None = None, echo=print):
        self.env = {**os.environ, **(env or {})}
        self.echo = echo
        var = Path(self.env.get("CRM_VAR_DIR", "var"))
        port = lambda key, default: self.env.get(key, str(default))  # noqa: E731
        self.parts = [
            Part("smtp-sink", [sys.executable, str(ROOT / "tools" / "smtp_sink.py"), "--port", port("CRM_SMTP_SINK_PORT", 1025), "--maildir", str(var / "mail")],
                 f"smtp://127.0.0.1:{port('CRM_SMTP_SINK_PORT', 1025)} (mail kept in {var / 'mail' / 'new'})"),
            Part("fake-providers", [sys.executable, str(ROOT / "tools" / "fake_providers.py"), "--port", port("CRM_FAKE_PROVIDERS_PORT", 8025),
                                    "--api-key", "local", "--spool", str(var / "providers")],
                 f"http://127.0.0.1:{port('CRM_FAKE_PROVIDERS_PORT', 8025)} (SMS and fax provider; what it got is in {var / 'providers'})"),
            Part("contacts", [_script("crm-contacts"), "serve"], f"grpc://127.0.0.1:{port('CRM_CONTACTS_GRPC_PORT', 50051)}"),
            Part("contacts-worker", [_script("crm-contacts"), "worker"], "AMQP consumer"),
            Part("notifications", [_script("crm-notifications"), "serve"], f"grpc://127.0.0.1:{port('CRM_NOTIFICATIONS_GRPC_PORT', 50055)}"),
            Part("notifications-worker", [_script("crm-notifications"), "worker"], "AMQP consumer"),
            Part("sales", [_script("crm-sales"), "serve"], f"grpc://127.0.0.1:{port('CRM_SALES_GRPC_PORT', 50052)}"),
            Part("sales-worker", [_script("crm-sales"), "worker"], "AMQP consumer"),
            Part("gateway", [_script("crm-gateway"), "serve"], f"http://127.0.0.1:{port('CRM_GATEWAY_HTTP_PORT', 8080)} (OpenAPI at /docs)"),
        ]
        self.env.setdefault("CRM_NOTIFICATIONS_SMTP_PORT", port("CRM_SMTP_SINK_PORT", 1025))
        # Sales converts leads through the contacts server this suite starts, wherever its port is.
        self.env.setdefault("CRM_SALES_CONTACTS_TARGET", f"127.0.0.1:{port('CRM_CONTACTS_GRPC_PORT', 50051)}")
        # SMS and fax go to the local fake provider unless a real one is configured.
        providers = f"http://127.0.0.1:{port('CRM_FAKE_PROVIDERS_PORT', 8025)}"
        for channel, sender in (("SMS", "CRM"), ("FAX", "+40211234567")):
            self.env.setdefault(f"CRM_NOTIFICATIONS_{channel}_URL", providers)
            self.env.setdefault(f"CRM_NOTIFICATIONS_{channel}_API_KEY", "local")
            self.env.setdefault(f"CRM_NOTIFICATIONS_{channel}_SENDER", sender)
        self._stopping = threading.Event()

    def prepare(self) -> None:
        """Creates the local key pair unless present and migrates every service's database."""
        subprocess.run([_script("crm"), "keys"], env=self.env, check=True)
        for service in BACKENDS:
            subprocess.run([_script(f"crm-{service}"), "migrate"], env=self.env, check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        for part in self.parts:
            part.process = subprocess.Popen(
                part.argv, env=self.env, cwd=self.env.get("CRM_SUITE_CWD", os.getcwd()),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, start_new_session=True,
            )
            threading.Thread(target=self._pump, args=(part,), daemon=True).start()

    def _pump(self, part: Part) -> None:
        for line in part.process.stdout:
            self.echo(f"[{part.name}] {line.rstrip()}")

    def dead(self) -> list[Part]:
        return [p for p in self.parts if p.process is not None and p.process.poll() is not None]

    def stop(self, timeout: float = 30.0) -> None:
        running = [p for p in self.parts if p.process is not None and p.process.poll() is None]
        for part in running:
            part.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for part in running:
            try:
                part.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.echo(f"[suite] {part.name} did not stop in {timeout:.0f}s; killing it")
                part.process.kill()
                part.process.wait()

    def part(self, name: str) -> Part:
        return next(p for p in self.parts if p.name == name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    suite = Suite()
    suite.prepare()
    suite.start()
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("\nThe CRM suite is starting:", flush=True)
    for part in suite.parts:
        print(f"  {part.name:<22} {part.listens}", flush=True)
    print(f"  {'token':<22} {BIN / 'crm'} token --user alice --roles sales\n  Ctrl-C stops everything.\n", flush=True)
    code = 0
    while not stop.wait(0.5):
        if dead := suite.dead():
            print(f"[suite] {', '.join(p.name for p in dead)} exited (code {dead[0].process.returncode}); stopping the suite", flush=True)
            code = 1
            break
    suite.stop()
    print("[suite] stopped", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
