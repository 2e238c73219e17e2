"""Benchmark: GetPerson throughput and latency of the real contacts gRPC server beside a bare grpcio server.

    .venv/bin/python bench/grpc_query.py [--duration 10] [--persons 10000] [--concurrency 1 16]

Both servers run in processes of their own (spawned, so neither shares the
client's GIL); the client drives each with N threads, one channel and one
blocking stub per thread. See bench/README.md for what is compared and why.
"""
from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import benchlib

SUBJECT = "bench-user"
ROLES = ("sales",)
# grpc.server's pool in GrpcServer; the bare server gets the same number of threads.
SERVER_THREADS = 16


# -- the two servers, each the body of a spawned process --------------------


def serve_contacts(database_url: str, public_key_pem: bytes, conn) -> None:
    """The production server: interceptors, JWT verification, tracing provider, handlers, PostgreSQL."""
    from crm_chassis import telemetry
    from crm_chassis.auth import TokenVerifier
    from crm_chassis.grpc_server import GrpcServer
    from crm_contacts.bootstrap import bootstrap
    from crm_contacts.config import ContactsSettings
    from crm_contacts.entrypoints.grpc_servicer import registrations

    # As `crm-contacts serve` does: an SDK tracer provider records every span (exported only if OTLP is configured).
    telemetry.setup_logging("contacts", "grpc", "WARNING")
    telemetry.setup_tracing("contacts", "grpc")
    settings = ContactsSettings(database_url=database_url)
    verifier = TokenVerifier(public_key_pem, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    app = bootstrap(settings)
    server = GrpcServer(registrations(app), verifier=verifier, port=0, host="127.0.0.1", max_workers=SERVER_THREADS).start()
    conn.send(server.port)
    try:
        conn.recv()  # anything, or EOF when the parent dies, means stop
    except EOFError:
        pass
    server.stop(0)
    app.engine.dispose()


def serve_bare(person_bytes: bytes, conn) -> None:
    """grpcio and the generated stub only: no interceptors, no auth, no database, a constant answer."""
    from concurrent import futures

    import grpc

    from crm.contacts.v1 import contacts_pb2, contacts_pb2_grpc

    person = contacts_pb2.Person.FromString(person_bytes)

    class BareContacts(contacts_pb2_grpc.ContactsServiceServicer):
        def GetPerson(self, request, context):
            return person

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=SERVER_THREADS))
    contacts_pb2_grpc.add_ContactsServiceServicer_to_server(BareContacts(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    conn.send(port)
    try:
        conn.recv()
    except EOFError:
        pass
    server.stop(0)


@dataclass
class ServerProcess:
    name: str
    process: multiprocessing.Process
    conn: object
    port: int

    @classmethod
    def spawn(cls, name: str, target, *args) -> "ServerProcess":
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        process = ctx.Process(target=target, args=(*args, child), name=name, daemon=True)
        process.start()
        child.close()
        if not parent.poll(60):
            process.terminate()
            raise SystemExit(f"{name} server did not start within 60 s")
        try:
            port = parent.recv()
        except EOFError:
            raise SystemExit(f"{name} server died while starting (exit code {process.exitcode})") from None
        return cls(name, process, parent, port)

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        try:
            self.conn.send("stop")
        except (BrokenPipeError, OSError):
            pass
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)


# -- seeding ----------------------------------------------------------------


def seed(database_url: str, count: int) -> list[str]:
    """Migrates the database and bulk-inserts `count` persons shaped as PersonRepository.add stores them.

    Every person has 2 emails, 1 phone and 2 consents and is owned by the
    benchmark's caller, so every GetPerson finds a visible person.
    """
    import sqlalchemy as sa

    from crm_chassis import db, migrations
    from crm_chassis.access import Viewer
    from crm_contacts.adapters import orm
    from crm_contacts.domain.model import Person
    from crm_contacts.entrypoints.cli import SPEC

    migrations.upgrade(SPEC.migrations, database_url)
    owner = Viewer(SUBJECT, team="bench", territory="RO")
    rows: dict[str, list[dict]] = {"persons": [], "emails": [], "phones": [], "consents": []}
    ids = []
    for i in range(count):
        # Through the domain constructor, so names, emails and phones are normalised exactly as in production.
        p = Person.create(**benchlib.person_fields(i), owner=owner)
        ids.append(p.id)
        rows["persons"].append(
            {"id": p.id, "given_name": p.given_name, "family_name": p.family_name, "owner": p.owner, "team": p.team,
             "territory": p.territory, "created_at": p.created_at, "updated_at": p.updated_at}
        )
        rows["emails"] += [{"person_id": p.id, "position": n, "address": e.address, "kind": e.kind} for n, e in enumerate(p.emails)]
        rows["phones"] += [{"person_id": p.id, "position": n, "number": t.number, "kind": t.kind} for n, t in enumerate(p.phones)]
        rows["consents"] += [
            {"person_id": p.id, "channel": c.channel, "purpose": c.purpose, "granted": c.granted, "source": c.source, "recorded_at": c.recorded_at}
            for c in p.consents
        ]
    tables = {"persons": orm.persons, "emails": orm.person_emails, "phones": orm.person_phones, "consents": orm.person_consents}
    engine = db.create_engine(database_url)
    try:
        with engine.begin() as conn:
            for key, table in tables.items():
                for start in range(0, len(rows[key]), 5000):
                    conn.execute(sa.insert(table), rows[key][start:start + 5000])
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")  # plans as on a long-lived database, not on empty-table statistics
    finally:
        engine.dispose()
    return ids


# -- the load ---------------------------------------------------------------


@dataclass
class Cell:
    server: str
    concurrency: int
    duration: float
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    server_cpu: float = 0.0
    client_cpu: float = 0.0

    @property
    def calls_per_second(self) -> float:
        return len(self.latencies) / self.duration

    @property
    def server_cpu_per_call(self) -> float:
        calls = len(self.latencies) + sum(self.errors.values())
        return self.server_cpu / calls if calls else float("nan")

    def p(self, q: float) -> float:
        return benchlib.percentile(self.latencies, q) * 1000


def drive(server: ServerProcess, concurrency: int, duration: float, warmup: float, ids: list[str], token: str) -> Cell:
    """Calls GetPerson from `concurrency` threads for `warmup` + `duration` s; only the last `duration` s count."""
    import grpc

    from crm.contacts.v1 import contacts_pb2, contacts_pb2_grpc

    metadata = (("authorization", f"Bearer {token}"),)
    window: dict[str, float] = {}

    def open_window() -> None:
        window["start"] = time.perf_counter() + warmup
        window["end"] = window["start"] + duration

    ready = threading.Barrier(concurrency + 1, action=open_window)
    per_thread: list[tuple[list[float], Counter]] = []
    failures: list[BaseException] = []

    def client(seed_: int) -> None:
        latencies: list[float] = []
        errors: Counter = Counter()
        per_thread.append((latencies, errors))
        rng = random.Random(seed_)
        requests = [contacts_pb2.GetPersonRequest(id=rng.choice(ids)) for _ in range(1024)]
        # A local subchannel pool gives each channel its own connection; by default grpc shares one between equal channels.
        channel = grpc.insecure_channel(server.target, options=[("grpc.use_local_subchannel_pool", 1)])
        try:
            stub = contacts_pb2_grpc.ContactsServiceStub(channel)
            stub.GetPerson(requests[0], metadata=metadata, timeout=30)  # connect before the clock starts
            ready.wait()
            start, end = window["start"], window["end"]
            n = 0
            while True:
                began = time.perf_counter()
                if began >= end:
                    break
                try:
                    stub.GetPerson(requests[n & 1023], metadata=metadata, timeout=10)
                    ok = True
                except grpc.RpcError as exc:
                    ok = False
                    if began >= start:
                        errors[exc.code().name] += 1
                if ok and began >= start:
                    latencies.append(time.perf_counter() - began)
                n += 1
        except BaseException as exc:  # reported by the main thread; a silent thread would skew the figures
            failures.append(exc)
            ready.abort()
        finally:
            channel.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        pass
    cell = Cell(server.name, concurrency, duration)
    if not failures:
        time.sleep(max(0.0, window["start"] - time.perf_counter()))
        cpu0, own0 = benchlib.cpu_seconds(server.process.pid), time.process_time()
        time.sleep(max(0.0, window["end"] - time.perf_counter()))
        cell.server_cpu = benchlib.cpu_seconds(server.process.pid) - cpu0
        cell.client_cpu = time.process_time() - own0
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"a client thread against the {server.name} server failed") from failures[0]
    for latencies, errors in per_thread:
        cell.latencies.extend(latencies)
        cell.errors.update(errors)
    cell.latencies.sort()
    return cell


def fetch_sample(server: ServerProcess, person_id: str, token: str) -> bytes:
    import grpc

    from crm.contacts.v1 import contacts_pb2, contacts_pb2_grpc

    with grpc.insecure_channel(server.target) as channel:
        stub = contacts_pb2_grpc.ContactsServiceStub(channel)
        person = stub.GetPerson(contacts_pb2.GetPersonRequest(id=person_id), metadata=(("authorization", f"Bearer {token}"),), timeout=30)
    return person.SerializeToString()


# -- report -----------------------------------------------------------------


def report(cells: list[Cell], args, sample_size: int, load_before: float) -> str:
    rows = []
    for c in cells:
        rows.append([
            c.server, c.concurrency, f"{c.calls_per_second:,.0f}", f"{c.p(50):.2f}", f"{c.p(99):.2f}",
            f"{c.server_cpu_per_call * 1e6:,.0f}",
            f"{c.server_cpu / c.duration:.0%}", f"{c.client_cpu / c.duration:.0%}",
            sum(c.errors.values()),
        ])
    by = {(c.server, c.concurrency): c for c in cells}
    ratios = []
    for conc in args.concurrency:
        real, bare = by[("contacts", conc)], by[("bare", conc)]
        ratios.append([
            conc,
            benchlib.ratio(real.calls_per_second, bare.calls_per_second),
            benchlib.ratio(real.p(50), bare.p(50)),
            benchlib.ratio(real.p(99), bare.p(99)),
            benchlib.ratio(real.server_cpu_per_call, bare.server_cpu_per_call),
        ])
    errors = {f"{c.server}/c{c.concurrency}": dict(c.errors) for c in cells if c.errors}
    return "\n".join([
        f"GetPerson, {args.persons:,} persons on PostgreSQL, {args.duration:g} s per cell after {args.warmup:g} s warm-up, "
        f"Person message {sample_size} bytes",
        benchlib.machine_line(load_before),
        "",
        benchlib.table(
            ["server", "conc", "calls/s", "p50 ms", "p99 ms", "srv CPU us/call", "srv CPU", "client CPU", "errors"], rows
        ),
        "",
        "contacts / bare:",
        benchlib.table(["conc", "calls/s", "p50", "p99", "srv CPU/call"], ratios),
        *([f"\nerrors: {errors}"] if errors else []),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per cell (default 10)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each cell (default 1)")
    parser.add_argument("--persons", type=int, default=10_000, help="persons to seed (default 10000)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16], help="client threads per cell (default 1 16)")
    args = parser.parse_args(argv)
    benchlib.exit_on_sigterm()
    benchlib.quiet_repeated_instrumentation()
    load_before = benchlib.load_average()

    from crm_chassis.auth import TokenIssuer, generate_key_pair

    servers: list[ServerProcess] = []
    with benchlib.postgres_database() as database_url, tempfile.TemporaryDirectory() as keys:
        try:
            started = time.perf_counter()
            ids = seed(database_url, args.persons)
            print(f"seeded {len(ids):,} persons in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            private, public = Path(keys) / "private.pem", Path(keys) / "public.pem"
            generate_key_pair(private, public)
            token = TokenIssuer(private.read_bytes(), issuer=benchlib.JWT_ISSUER, audience=benchlib.JWT_AUDIENCE).issue(SUBJECT, ROLES)

            contacts = ServerProcess.spawn("contacts", serve_contacts, database_url, public.read_bytes())
            servers.append(contacts)
            # The bare server answers with a real answer of the real server, so both put the same bytes on the wire.
            sample = fetch_sample(contacts, ids[0], token)
            servers.append(ServerProcess.spawn("bare", serve_bare, sample))
            bare = servers[1]

            cells = []
            for conc in args.concurrency:
                for server in (bare, contacts):
                    print(f"{server.name}, concurrency {conc} ...", file=sys.stderr)
                    cells.append(drive(server, conc, args.duration, args.warmup, ids, token))
        finally:
            for server in servers:
                server.stop()
    print(report(cells, args, len(sample), load_before))
    return 0


if __name__ == "__main__":
    sys.exit(main())
