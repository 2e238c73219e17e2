"""Benchmark: an email campaign end to end (SendBatch → worker → SMTP), beside a raw smtplib loop to the same sink.

    .venv/bin/python bench/campaign.py [--recipients 100000] [--workers 1] [--concurrency 20]

The campaign: a `crm-notifications serve` process takes SendBatch calls of 1,000
bare addresses (purpose service) over gRPC into a fresh PostgreSQL database;
then `--workers` `crm-notifications worker` processes deliver them to an
aiosmtpd sink in a process of its own, which counts every message by its
Message-ID and its envelope recipient. Baseline: this process sends as many
messages of the same bytes to the same sink with smtplib, one connection per
message and then one connection for all. See bench/README.md.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import benchlib

CONSOLE_SCRIPT = Path(sys.executable).with_name("crm-notifications")
CHUNK = 1000  # SendBatch's maximum per call
TEMPLATE = "campaign-bench"
ADDRESS_DOMAIN = "bench.example"
SENDER = "CRM <crm@localhost>"
STALL_SECONDS = 120.0  # no message for this long: the run is stuck, not slow
_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]*>)", re.M | re.I)


def address(i: int) -> str:
    return f"r{i:07d}@{ADDRESS_DOMAIN}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the SMTP sink: a process of its own, counting in memory -----------------------------------


class CountingHandler:
    """Counts each accepted message by Message-ID and by envelope recipient; keeps the first one's bytes."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.received = 0
        self.by_id: Counter[bytes] = Counter()
        self.by_rcpt: Counter[str] = Counter()
        self.first = self.last = 0.0
        self.sample = b""
        self.sizes = 0

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        head = content[: content.find(b"\r\n\r\n")]
        found = _MESSAGE_ID.search(head)
        now = time.monotonic()
        self.by_id[found.group(1) if found else b""] += 1
        for rcpt in envelope.rcpt_tos:
            self.by_rcpt[rcpt.lower()] += 1
        if not self.received:
            self.first, self.sample = now, content
        self.received += 1
        self.sizes += len(content)
        self.last = now
        return "250 Message accepted for delivery"

    def counts(self) -> tuple[int, float, float]:
        return self.received, self.first, self.last

    def report(self, expected: int) -> dict:
        """What arrived, against recipients address(0) .. address(expected - 1), each to get one message."""
        wanted = {address(i) for i in range(expected)}
        return {
            "received": self.received,
            "distinct_ids": len(self.by_id),
            "no_id": self.by_id.get(b"", 0),
            "duplicates": self.received - len(self.by_id),
            "missing": sum(1 for a in wanted if a not in self.by_rcpt),
            "recipients_twice": sum(1 for a, n in self.by_rcpt.items() if a in wanted and n > 1),
            "unexpected": sum(n for a, n in self.by_rcpt.items() if a not in wanted),
            "first": self.first,
            "last": self.last,
            "mean_size": self.sizes / self.received if self.received else 0,
        }


def run_sink(port: int, conn) -> None:
    """Spawn target: the aiosmtpd server on `port`, answering commands from the parent on `conn`."""
    from aiosmtpd.controller import Controller

    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    conn.send("ready")
    while True:
        command, *args = conn.recv()
        if command == "stop":
            controller.stop()
            conn.send("stopped")
            return
        conn.send(getattr(handler, command)(*args) if command != "sample" else handler.sample)


class Sink:
    """The parent's handle on the sink process."""

    def __init__(self):
        self.port = free_port()
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self.process = ctx.Process(target=run_sink, args=(self.port, child), name="smtp-sink", daemon=True)
        self.process.start()
        child.close()
        if not self._conn.poll(60) or self._conn.recv() != "ready":
            raise SystemExit("the SMTP sink did not start within 60 s")

    def _ask(self, *command):
        self._conn.send(command)
        return self._conn.recv()

    def counts(self) -> tuple[int, float, float]:
        return self._ask("counts")

    def reset(self) -> None:
        self._ask("reset")

    def report(self, expected: int) -> dict:
        return self._ask("report", expected)

    def sample(self) -> bytes:
        return self._ask("sample")

    def stop(self) -> None:
        try:
            self._ask("stop")
        except (BrokenPipeError, EOFError, OSError):
            pass
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()


# -- the service's processes ----------------------------------------------------------------------


class Service:
    """`crm-notifications serve|worker` as a child process with its log in the work directory."""

    def __init__(self, command: str, env: dict[str, str], log: Path):
        self.command = command
        self.log_path = log
        with log.open("wb") as out:
            self.process = subprocess.Popen([str(CONSOLE_SCRIPT), command], env=env, stdout=out, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def check(self) -> None:
        if self.process.poll() is not None:
            raise SystemExit(f"crm-notifications {self.command} exited with {self.process.returncode}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def memory_kib(self) -> tuple[int, int]:
        """(current RSS, peak RSS) in KiB, from /proc."""
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{self.pid}/status").read_text().splitlines() if ":" in line)
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


# -- phases ---------------------------------------------------------------------------------------


@dataclass
class Submission:
    calls: int = 0
    accepted: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    server_cpu: float = 0.0

    @property
    def per_second(self) -> float:
        return self.accepted / self.seconds if self.seconds else float("nan")


@dataclass
class Delivery:
    name: str
    messages: int
    seconds: float  # first to last message at the sink
    sink: dict
    sender_cpu: float = float("nan")  # the sending process(es)
    sink_cpu: float = float("nan")
    machine_cpu: float = float("nan")  # share of all CPUs busy over the phase, 1.0 = every core
    extra: dict = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else float("nan")


def wait_for_grpc(port: int, server: Service, timeout: float = 60.0) -> None:
    import grpc

    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        while True:
            server.check()
            try:
                grpc.channel_ready_future(channel).result(timeout=1)
                return
            except grpc.FutureTimeoutError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"the gRPC server did not listen within {timeout:.0f} s:\n{server.log_tail()}") from None


def create_template(stub, token: str) -> None:
    from crm.notifications.v1 import notifications_pb2 as pb

    stub.CreateTemplate(
        pb.CreateTemplateRequest(
            template=pb.Template(
                name=TEMPLATE, language="en", channel=pb.CHANNEL_EMAIL,
                subject="Your service plan changes on 1 June, {{ first_name }}",
                text_body=(
                    "Dear {{ first_name }},\n\n"
                    "from 1 June your service plan moves to our new data centre. Nothing changes for you: the same\n"
                    "address, the same prices, and no downtime is planned. Reply to this message with any question.\n\n"
                    "Kind regards,\nThe CRM team\n"
                ),
            )
        ),
        metadata=(("authorization", f"Bearer {token}"),),
        timeout=30,
    )


def submit(stub, token: str, recipients: int, campaign: str, server: Service) -> Submission:
    """SendBatch calls of CHUNK recipients, one after the other; each is one short transaction on the server."""
    from crm.notifications.v1 import notifications_pb2 as pb

    metadata = (("authorization", f"Bearer {token}"),)
    result = Submission()
    cpu0 = benchlib.cpu_seconds(server.pid)
    began = time.perf_counter()
    last_report = began
    for start in range(0, recipients, CHUNK):
        request = pb.SendBatchRequest(
            batch_id=campaign, channel=pb.CHANNEL_EMAIL, template=TEMPLATE, language="en", purpose=pb.PURPOSE_SERVICE, campaign_id=campaign,
            recipients=[
                pb.BatchRecipient(recipient=pb.Recipient(address=address(i)), variables={"first_name": f"Reader{i}"})
                for i in range(start, min(start + CHUNK, recipients))
            ],
        )
        t0 = time.perf_counter()
        answer = stub.SendBatch(request, metadata=metadata, timeout=120)
        result.latencies.append(time.perf_counter() - t0)
        result.calls += 1
        result.accepted += answer.accepted
        if time.perf_counter() - last_report > 5:
            last_report = time.perf_counter()
            print(f"  submitted {result.accepted:,} ({result.accepted / (last_report - began):,.0f}/s)", file=sys.stderr)
    result.seconds = time.perf_counter() - began
    result.server_cpu = benchlib.cpu_seconds(server.pid) - cpu0
    result.latencies.sort()
    return result


def status_counts(database_url: str) -> dict[str, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(sa.text("SELECT status, count(*) FROM notifications GROUP BY status ORDER BY status")).all())
    finally:
        engine.dispose()


def db_checks(database_url: str) -> dict[str, int]:
    """What the database says beyond statuses: notifications sent twice, retried, and events owed."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return {
                "sent_twice": conn.execute(sa.text(
                    "SELECT count(*) FROM (SELECT notification_id FROM notification_status_changes WHERE status = 'sent' "
                    "GROUP BY notification_id HAVING count(*) > 1) t"
                )).scalar_one(),
                "more_than_one_attempt": conn.execute(sa.text("SELECT count(*) FROM notifications WHERE attempts > 1")).scalar_one(),
                "sent_events": conn.execute(sa.text("SELECT count(*) FROM outbox WHERE event_type = 'NotificationSent'")).scalar_one(),
                "requeued": dict(conn.execute(sa.text(
                    "SELECT reason, count(*) FROM notification_status_changes WHERE status = 'queued' AND reason <> '' "
                    "GROUP BY reason ORDER BY count(*) DESC LIMIT 5"
                )).all()),
            }
    finally:
        engine.dispose()


def sessions_opened(database_url: str) -> int:
    """Connections PostgreSQL has accepted to this database so far (a pool smaller than the senders opens one per checkout)."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")).scalar_one()
    finally:
        engine.dispose()


def deliver(sink: Sink, workers: list[Service], server: Service, expected: int, database_url: str) -> Delivery:
    """Waits until the sink has `expected` messages and the database no notification queued or sending."""
    sessions0 = sessions_opened(database_url)
    busy0, total0 = machine_busy()
    cpu0 = {w.pid: benchlib.cpu_seconds(w.pid) for w in workers}
    server_cpu0 = benchlib.cpu_seconds(server.pid)
    sink_cpu0 = benchlib.cpu_seconds(sink.process.pid)
    started = time.monotonic()
    last_count, last_change, last_report = 0, started, started
    early_rss = None
    while True:
        for w in workers:
            w.check()
        count, first, _ = sink.counts()
        now = time.monotonic()
        if early_rss is None and count >= expected // 10:
            early_rss = [w.memory_kib()[0] for w in workers]
        if count != last_count:
            last_count, last_change = count, now
        if count >= expected:
            break
        if now - last_change > STALL_SECONDS:
            raise SystemExit(
                f"no message for {STALL_SECONDS:.0f} s at {count:,} of {expected:,}; database: {status_counts(database_url)}\n"
                + "\n".join(w.log_tail() for w in workers)
            )
        if now - last_report > 5:
            last_report = now
            rate = f", {count / (now - first):,.0f}/s" if count else ""
            print(f"  delivered {count:,}{rate}", file=sys.stderr)
        time.sleep(0.2)
    busy1, total1 = machine_busy()
    cpu = sum(benchlib.cpu_seconds(w.pid) - cpu0[w.pid] for w in workers)
    # the outcome of the last sends commits just after the sink answered them
    deadline = time.monotonic() + 60
    while (statuses := status_counts(database_url)).get("queued", 0) + statuses.get("sending", 0) and time.monotonic() < deadline:
        time.sleep(0.2)
    report = sink.report(expected)
    memory = [w.memory_kib() for w in workers]
    return Delivery(
        "crm-notifications worker", report["received"], report["last"] - report["first"], report,
        sender_cpu=cpu, sink_cpu=benchlib.cpu_seconds(sink.process.pid) - sink_cpu0, machine_cpu=(busy1 - busy0) / (total1 - total0),
        extra={
            "statuses": statuses, "rss_kib": [m[0] for m in memory], "peak_rss_kib": [m[1] for m in memory], "early_rss_kib": early_rss,
            "server_cpu": benchlib.cpu_seconds(server.pid) - server_cpu0, "db": db_checks(database_url),
            "time_to_first": report["first"] - started, "sessions": sessions_opened(database_url) - sessions0 - 1,
        },
    )


def baseline(sink: Sink, sample: bytes, messages: int, reuse: bool) -> Delivery:
    """smtplib from this process: the campaign's first message, with a fresh Message-ID and recipient each time."""
    found = _MESSAGE_ID.search(sample)
    to = re.search(rb"^To:[ \t]*([^\r\n]*)", sample, re.M | re.I)
    if found is None or to is None:
        raise SystemExit("the sample message has no Message-ID or To header")
    shape = sample.replace(found.group(1), b"<%MID%>").replace(to.group(1), b"%TO%")
    sink.reset()
    busy0, total0 = machine_busy()
    sink_cpu0, own0 = benchlib.cpu_seconds(sink.process.pid), time.process_time()
    client = None
    try:
        for i in range(messages):
            rcpt = address(i)
            body = shape.replace(b"%MID%", str(uuid.uuid4()).encode() + b"@crm.notifications").replace(b"%TO%", rcpt.encode())
            if client is None:
                client = smtplib.SMTP("127.0.0.1", sink.port, timeout=10)
            client.sendmail(SENDER, [rcpt], body)
            if not reuse:
                client.quit()
                client = None
    finally:
        if client is not None:
            client.quit()
    own = time.process_time() - own0
    deadline = time.monotonic() + 30
    while sink.counts()[0] < messages and time.monotonic() < deadline:
        time.sleep(0.05)
    busy1, total1 = machine_busy()
    report = sink.report(messages)
    name = "smtplib, one connection" if reuse else "smtplib, connection per message"
    return Delivery(
        name, report["received"], report["last"] - report["first"], report, sender_cpu=own,
        sink_cpu=benchlib.cpu_seconds(sink.process.pid) - sink_cpu0, machine_cpu=(busy1 - busy0) / (total1 - total0),
    )


# -- report ---------------------------------------------------------------------------------------


def render(args, submission: Submission, phases: list[Delivery], load_before: float) -> str:
    campaign, *baselines = phases
    rows = []
    for d in phases:
        s = d.sink
        rows.append([
            d.name, f"{d.messages:,}", f"{d.seconds:.1f}", f"{d.per_second:,.0f}", s["duplicates"], s["missing"], s["recipients_twice"],
            f"{d.sender_cpu / d.messages * 1e6:,.0f}", f"{d.sink_cpu / d.messages * 1e6:,.0f}", f"{d.machine_cpu:.0%}",
        ])
    x = campaign.extra
    p = submission.latencies
    return "\n".join([
        f"email campaign: {args.recipients:,} recipients, {args.workers} worker process(es), send concurrency {args.concurrency}, "
        f"PostgreSQL; message {campaign.sink['mean_size']:,.0f} bytes",
        benchlib.machine_line(load_before),
        "",
        f"submission: {submission.calls} SendBatch calls of {CHUNK:,} in {submission.seconds:.1f} s = {submission.per_second:,.0f} recipients/s; "
        f"per call p50 {benchlib.percentile(p, 50) * 1000:,.0f} ms, p99 {benchlib.percentile(p, 99) * 1000:,.0f} ms; "
        f"server CPU {submission.server_cpu / max(submission.accepted, 1) * 1e6:,.0f} us/recipient",
        "",
        benchlib.table(
            ["sender", "messages", "seconds", "msgs/s", "dup", "missing", "rcpt twice", "sender CPU us/msg", "sink CPU us/msg", "machine CPU"],
            rows,
        ),
        "",
        "worker / baseline (msgs/s): " + ", ".join(f"{b.name}: {benchlib.ratio(campaign.per_second, b.per_second)}" for b in baselines),
        f"sink: {campaign.sink['received']:,} messages, {campaign.sink['distinct_ids']:,} distinct Message-IDs, "
        f"{campaign.sink['duplicates']} duplicates, {campaign.sink['missing']} recipients missing, {campaign.sink['unexpected']} unexpected",
        f"database: {', '.join(f'{k} {v:,}' for k, v in x['statuses'].items())}; sent twice {x['db']['sent_twice']}, "
        f"more than one attempt {x['db']['more_than_one_attempt']}, NotificationSent events {x['db']['sent_events']:,}"
        + "".join(f"\n  requeued {n}x: {reason}" for reason, n in x["db"]["requeued"].items()),
        f"worker RSS at the end: {', '.join(f'{r / 1024:,.0f} MiB' for r in x['rss_kib'])} "
        f"(peak {', '.join(f'{r / 1024:,.0f} MiB' for r in x['peak_rss_kib'])}; "
        f"after the first tenth {', '.join(f'{r / 1024:,.0f} MiB' for r in x['early_rss_kib'] or [])}); "
        f"worker start to first message {x['time_to_first']:.1f} s; gRPC server (outbox relay) CPU while delivering "
        f"{x['server_cpu'] / campaign.messages * 1e6:,.0f} us/msg; PostgreSQL sessions opened while delivering {x['sessions']:,}",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000, help="recipients of the campaign (default 100000)")
    parser.add_argument("--workers", type=int, default=1, help="crm-notifications worker processes (default 1)")
    parser.add_argument("--concurrency", type=int, default=20, help="CRM_NOTIFICATIONS_SEND_CONCURRENCY of each worker (default 20)")
    parser.add_argument("--baseline", type=int, default=None, help="messages per baseline loop (default: as many as recipients)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (process logs) and print its path")
    args = parser.parse_args(argv)
    benchlib.exit_on_sigterm()
    benchlib.quiet_repeated_instrumentation()
    load_before = benchlib.load_average()

    import grpc

    from crm.notifications.v1 import notifications_pb2_grpc
    from crm_chassis import migrations
    from crm_chassis.auth import TokenIssuer, generate_key_pair
    from crm_notifications.entrypoints.cli import SPEC

    workdir = Path(tempfile.mkdtemp(prefix="crm-campaign-"))
    processes: list[Service] = []
    sink = None
    try:
        with benchlib.postgres_database() as database_url, benchlib.rabbitmq_vhost() as amqp_url:
            migrations.upgrade(SPEC.migrations, database_url)
            private, public = workdir / "private.pem", workdir / "public.pem"
            generate_key_pair(private, public)
            issuer = TokenIssuer(private.read_bytes(), issuer=benchlib.JWT_ISSUER, audience=benchlib.JWT_AUDIENCE)
            sink = Sink()
            grpc_port = free_port()
            env = {
                **os.environ,
                "CRM_VAR_DIR": str(workdir / "var"),
                "CRM_NOTIFICATIONS_DATABASE_URL": database_url,
                "CRM_AMQP_URL": amqp_url,
                "CRM_NOTIFICATIONS_JWT_PUBLIC_KEY_FILE": str(public),
                "CRM_NOTIFICATIONS_GRPC_PORT": str(grpc_port),
                "CRM_NOTIFICATIONS_METRICS_PORT": "0",
                "CRM_NOTIFICATIONS_WORKER_METRICS_PORT": "0",
                "CRM_NOTIFICATIONS_SMTP_PORT": str(sink.port),
                "CRM_NOTIFICATIONS_SEND_CONCURRENCY": str(args.concurrency),
                "CRM_NOTIFICATIONS_DELIVERY_SWEEP_SECONDS": "1",
            }
            server = Service("serve", env, workdir / "serve.log")
            processes.append(server)
            wait_for_grpc(grpc_port, server)
            campaign = f"notice-{uuid.uuid4().hex[:8]}"
            with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
                stub = notifications_pb2_grpc.NotificationsServiceStub(channel)
                create_template(stub, issuer.issue("bench-editor", ["marketing"]))
                print(f"submitting {args.recipients:,} recipients ...", file=sys.stderr)
                submission = submit(stub, issuer.issue("bench-campaigns", ["service"]), args.recipients, campaign, server)
            print(f"delivering with {args.workers} worker(s) ...", file=sys.stderr)
            workers = [Service("worker", env, workdir / f"worker-{i}.log") for i in range(args.workers)]
            processes.extend(workers)
            delivery = deliver(sink, workers, server, args.recipients, database_url)
            sample = sink.sample()
            phases = [delivery]
            for p in reversed(processes):  # the baselines have the machine to themselves
                p.stop()
            for reuse in (False, True):
                print(f"baseline, {'one connection' if reuse else 'connection per message'} ...", file=sys.stderr)
                phases.append(baseline(sink, sample, args.baseline or args.recipients, reuse))
    finally:
        for p in reversed(processes):
            p.stop()
        if sink is not None:
            sink.stop()
        if args.keep:
            print(f"work directory kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(render(args, submission, phases, load_before))
    return 0


if __name__ == "__main__":
    sys.exit(main())
