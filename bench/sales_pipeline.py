"""Benchmark: MoveOpportunityStage throughput with its events, beside a bare grpcio server and the same writes in raw SQL.

    .venv/bin/python bench/sales_pipeline.py [--moves 2000] [--opportunities 400] [--concurrency 1 8]

Three cells per concurrency, in the same run on the same PostgreSQL:
- sales: the real `crm-sales serve` server (interceptors, JWT, tracing provider, unit of work, stage history,
  outbox) in a spawned process with its outbox relay publishing to RabbitMQ, and a pika consumer here counting
  the `OpportunityStageChanged` events as they arrive on a queue bound to `sales.events`;
- bare: grpcio with the generated servicer answering a constant Opportunity (no auth, no database, no events);
- sql: the writes a move makes, as raw SQL from N threads (lock the row, update it, close the open history row,
  insert the new one, insert the outbox row) — the database's floor for the command, no gRPC, no publishing.
Each client thread moves its own opportunities (no lock contention between threads), cycling through the five
stages forwards and then backwards, so both kinds of move are measured.
"""
from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import benchlib

SUBJECT = "bench-user"
SERVER_THREADS = 16
STAGES = 5


def serve_sales(database_url: str, amqp_url: str, public_key_pem: bytes, conn) -> None:
    from crm_chassis import telemetry
    from crm_chassis.auth import TokenVerifier
    from crm_chassis.grpc_server import GrpcServer
    from crm_chassis.outbox import wake_relay_for_shutdown
    from crm_sales.bootstrap import bootstrap
    from crm_sales.config import SalesSettings
    from crm_sales.entrypoints.grpc_servicer import registrations

    telemetry.setup_logging("sales", "grpc", "WARNING")
    telemetry.setup_tracing("sales", "grpc")
    settings = SalesSettings(database_url=database_url, amqp_url=amqp_url)
    verifier = TokenVerifier(public_key_pem, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    app = bootstrap(settings, contacts=object())
    server = GrpcServer(registrations(app), verifier=verifier, port=0, host="127.0.0.1", max_workers=SERVER_THREADS).start()
    relay_thread, relay_stop = app.relay().start()
    conn.send(server.port)
    try:
        conn.recv()
    except EOFError:
        pass
    server.stop(0)
    relay_stop.set()
    wake_relay_for_shutdown()
    relay_thread.join(10)
    app.engine.dispose()


def serve_bare(answer: bytes, conn) -> None:
    from concurrent import futures

    import grpc

    from crm.sales.v1 import sales_pb2, sales_pb2_grpc

    opportunity = sales_pb2.Opportunity.FromString(answer)

    class BareSales(sales_pb2_grpc.SalesServiceServicer):
        def MoveOpportunityStage(self, request, context):
            return opportunity

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=SERVER_THREADS))
    sales_pb2_grpc.add_SalesServiceServicer_to_server(BareSales(), server)
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
        return cls(name, process, parent, parent.recv())

    def stop(self) -> None:
        try:
            self.conn.send("stop")
        except (BrokenPipeError, OSError):
            pass
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()


def seed(database_url: str, count: int) -> tuple[list[str], list[str]]:
    """A five-stage pipeline and `count` opportunities in its first stage, created through the handlers."""
    import sqlalchemy as sa

    from crm_chassis import migrations
    from crm_chassis.access import Viewer
    from crm_sales.adapters import orm
    from crm_sales.bootstrap import bootstrap
    from crm_sales.config import SalesSettings
    from crm_sales.domain.opportunities import OpportunityData
    from crm_sales.domain.pipelines import StageSpec
    from crm_sales.entrypoints.cli import SPEC
    from crm_sales.service_layer import handlers

    migrations.upgrade(SPEC.migrations, database_url)
    app = bootstrap(SalesSettings(database_url=database_url), contacts=object())
    try:
        owner = Viewer(SUBJECT, team="bench", territory="RO")
        specs = [StageSpec("", f"Stage {i + 1}", 10 + 20 * i, 7) for i in range(STAGES)]
        pipeline = handlers.create_pipeline(app.uow(), "Bench", specs, True)
        ids = [handlers.create_opportunity(app.uow(), OpportunityData(name=f"Deal {i}", amount_minor=100_000 + i, currency="EUR"), owner).id
               for i in range(count)]
        with app.engine.begin() as conn:
            conn.execute(sa.update(orm.outbox).values(state="published"))  # the relay starts with nothing to do
        with app.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
        return ids, [s.id for s in pipeline.stages]
    finally:
        app.engine.dispose()


@dataclass
class Cell:
    name: str
    concurrency: int
    moves: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    events: int = 0
    events_done_after: float | None = None  # seconds from the first move until the last event arrived
    server_cpu: float = 0.0

    def p(self, q: float) -> float:
        return benchlib.percentile(self.latencies, q) * 1000


def plan(ids: list[str], stages: list[str], threads: int, moves: int) -> list[list[tuple[str, str]]]:
    """Per thread, its (opportunity, target stage) moves: each opportunity walks 2,3,4,5,4,3,2,1,2,... in turn."""
    walk = list(range(1, STAGES)) + list(range(STAGES - 2, -1, -1))
    per_thread = [ids[t::threads] for t in range(threads)]
    out = []
    for t in range(threads):
        mine, steps = per_thread[t], []
        for n in range(moves // threads):
            opp = mine[n % len(mine)]
            steps.append((opp, stages[walk[(n // len(mine)) % len(walk)]]))
        out.append(steps)
    return out


def run_threads(concurrency: int, work) -> tuple[float, list[float], int]:
    barrier = threading.Barrier(concurrency + 1)
    results: list[tuple[list[float], int]] = []
    failures: list[BaseException] = []

    def body(t: int) -> None:
        try:
            results.append(work(t, barrier))
        except BaseException as exc:
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=body, args=(t,), daemon=True) for t in range(concurrency)]
    for th in threads:
        th.start()
    barrier.wait()
    started = time.perf_counter()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError("a client thread failed") from failures[0]
    latencies = sorted(x for lat, _ in results for x in lat)
    return elapsed, latencies, sum(e for _, e in results)


def drive_grpc(server: ServerProcess, steps: list[list[tuple[str, str]]], token: str) -> tuple[float, list[float], int]:
    import grpc

    from crm.sales.v1 import sales_pb2, sales_pb2_grpc

    metadata = (("authorization", f"Bearer {token}"),)

    def work(t: int, barrier) -> tuple[list[float], int]:
        channel = grpc.insecure_channel(f"127.0.0.1:{server.port}", options=[("grpc.use_local_subchannel_pool", 1)])
        stub = sales_pb2_grpc.SalesServiceStub(channel)
        grpc.channel_ready_future(channel).result(timeout=30)
        latencies, errors = [], 0
        barrier.wait()
        for opp, stage in steps[t]:
            began = time.perf_counter()
            try:
                stub.MoveOpportunityStage(sales_pb2.MoveOpportunityStageRequest(id=opp, stage_id=stage), metadata=metadata, timeout=30)
                latencies.append(time.perf_counter() - began)
            except grpc.RpcError:
                errors += 1
        channel.close()
        return latencies, errors

    return run_threads(len(steps), work)


def drive_sql(database_url: str, steps: list[list[tuple[str, str]]]) -> tuple[float, list[float], int]:
    """The move's writes as hand-written SQL in one transaction each: the floor the service is measured against."""
    import json

    import sqlalchemy as sa

    engine = sa.create_engine(database_url, pool_size=len(steps), max_overflow=0)
    payload = json.dumps({"opportunity": {"id": "x"}, "change": {"kind": "STAGE_CHANGE_KIND_FORWARD"}})

    def work(t: int, barrier) -> tuple[list[float], int]:
        latencies = []
        with engine.connect() as conn:
            barrier.wait()
            for opp, stage in steps[t]:
                began = time.perf_counter()
                with conn.begin():
                    row = conn.execute(sa.text("SELECT stage_id, amount_minor, currency FROM opportunities WHERE id = :id FOR UPDATE"),
                                       {"id": opp}).one()
                    conn.execute(sa.text("UPDATE opportunities SET stage_id = :s, probability = 50, stage_entered_at = now(), "
                                         "updated_at = now() WHERE id = :id"), {"s": stage, "id": opp})
                    conn.execute(sa.text("UPDATE opportunity_stage_history SET left_at = now() WHERE opportunity_id = :id AND left_at IS NULL"),
                                 {"id": opp})
                    conn.execute(sa.text(
                        "INSERT INTO opportunity_stage_history (id, opportunity_id, pipeline_id, stage_id, from_stage_id, status, kind, "
                        "amount_minor, currency, probability, entered_at, changed_by) "
                        "SELECT :hid, id, pipeline_id, :s, :f, 'open', 'forward', amount_minor, currency, 50, now(), 'bench' "
                        "FROM opportunities WHERE id = :id"), {"hid": str(uuid.uuid4()), "s": stage, "f": row.stage_id, "id": opp})
                    conn.execute(sa.text(
                        "INSERT INTO outbox (event_id, event_type, message_type, aggregate_type, aggregate_id, payload, occurred_at, state, attempts) "
                        "VALUES (:e, 'OpportunityStageChanged', 'crm.sales.v1.OpportunityStageChanged', 'opportunity', :id, :p, now(), "
                        "'published', 0)"), {"e": str(uuid.uuid4()), "id": opp, "p": payload})
                latencies.append(time.perf_counter() - began)
        return latencies, 0

    try:
        return run_threads(len(steps), work)
    finally:
        engine.dispose()


class EventCounter:
    """A pika consumer on its own queue bound to sales.events / OpportunityStageChanged, counting arrivals."""

    def __init__(self, amqp_url: str):
        import pika

        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        self.channel = self.connection.channel()
        self.channel.exchange_declare("sales.events", exchange_type="topic", durable=True)
        self.queue = self.channel.queue_declare("", exclusive=True).method.queue
        self.channel.queue_bind(self.queue, "sales.events", routing_key="OpportunityStageChanged")
        self.count = 0
        self.last_at = 0.0

    def wait_for(self, expected: int, timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while self.count < expected and time.perf_counter() < deadline:
            method, _props, _body = self.channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                self.connection.sleep(0.01)
                continue
            self.count += 1
            self.last_at = time.perf_counter()
        return self.count >= expected

    def close(self) -> None:
        self.connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=2000, help="stage moves per cell (default 2000)")
    parser.add_argument("--opportunities", type=int, default=400, help="opportunities seeded (default 400)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8], help="client threads per cell (default 1 8)")
    args = parser.parse_args(argv)
    benchlib.exit_on_sigterm()
    benchlib.quiet_repeated_instrumentation()
    from crm_chassis.auth import TokenIssuer, generate_key_pair

    load_before = benchlib.load_average()
    cells: list[Cell] = []
    with tempfile.TemporaryDirectory() as tmp, benchlib.postgres_database() as database_url, benchlib.rabbitmq_vhost() as amqp_url:
        private, public = Path(tmp) / "private.pem", Path(tmp) / "public.pem"
        generate_key_pair(private, public)
        issuer = TokenIssuer.from_file(private, issuer=benchlib.JWT_ISSUER, audience=benchlib.JWT_AUDIENCE)
        token = issuer.issue(SUBJECT, ("sales",), team="bench", territory="RO")
        print(f"seeding {args.opportunities} opportunities ...", file=sys.stderr)
        ids, stages = seed(database_url, args.opportunities)
        counter = EventCounter(amqp_url)
        sales = ServerProcess.spawn("sales", serve_sales, database_url, amqp_url, public.read_bytes())
        bare = None
        try:
            import grpc

            from crm.sales.v1 import sales_pb2, sales_pb2_grpc

            with grpc.insecure_channel(f"127.0.0.1:{sales.port}") as ch:
                sample = sales_pb2_grpc.SalesServiceStub(ch).GetOpportunity(
                    sales_pb2.GetOpportunityRequest(id=ids[0]), metadata=(("authorization", f"Bearer {token}"),), timeout=30)
            bare = ServerProcess.spawn("bare", serve_bare, sample.SerializeToString())
            for conc in args.concurrency:
                steps = plan(ids, stages, conc, args.moves)
                total = sum(len(s) for s in steps)
                for name in ("bare", "sales", "sql"):
                    print(f"{name} x{conc}: {total} moves ...", file=sys.stderr)
                    cell = Cell(name, conc, total)
                    if name == "sql":
                        cell.seconds, cell.latencies, cell.errors = drive_sql(database_url, steps)
                    else:
                        server = sales if name == "sales" else bare
                        cpu0 = benchlib.cpu_seconds(server.process.pid)
                        before = counter.count
                        started = time.perf_counter()
                        cell.seconds, cell.latencies, cell.errors = drive_grpc(server, steps, token)
                        if name == "sales":
                            if counter.wait_for(before + total - cell.errors, timeout=120):
                                cell.events_done_after = counter.last_at - started
                            cell.events = counter.count - before
                        cell.server_cpu = benchlib.cpu_seconds(server.process.pid) - cpu0
                    cells.append(cell)
        finally:
            sales.stop()
            if bare is not None:
                bare.stop()
            counter.close()
    print(report(cells, args, load_before))
    return 0


def report(cells: list[Cell], args, load_before: float) -> str:
    rows = []
    for c in cells:
        rows.append([
            c.name, c.concurrency, c.moves, f"{len(c.latencies) / c.seconds:,.0f}", f"{c.p(50):.2f}", f"{c.p(99):.2f}",
            f"{c.server_cpu / max(1, c.moves) * 1e6:,.0f}" if c.name != "sql" else "-",
            (f"{c.events} in {c.events_done_after:.2f} s = {c.events / c.events_done_after:,.0f}/s" if c.events_done_after else
             (f"{c.events} (incomplete)" if c.name == "sales" else "-")),
            c.errors,
        ])
    by = {(c.name, c.concurrency): c for c in cells}
    ratios = []
    for conc in args.concurrency:
        s, b, q = by[("sales", conc)], by[("bare", conc)], by[("sql", conc)]
        rate = lambda c: len(c.latencies) / c.seconds  # noqa: E731
        ratios.append([conc, benchlib.ratio(rate(s), rate(b)), benchlib.ratio(rate(s), rate(q)), benchlib.ratio(s.p(50), q.p(50))])
    return "\n".join([
        f"MoveOpportunityStage on PostgreSQL, {args.opportunities} opportunities in a {STAGES}-stage pipeline, {args.moves} moves per cell",
        benchlib.machine_line(load_before),
        "",
        benchlib.table(["server", "conc", "moves", "moves/s", "p50 ms", "p99 ms", "srv CPU us/move", "events consumed", "errors"], rows),
        "",
        "sales / bare and sales / sql:",
        benchlib.table(["conc", "moves/s vs bare", "moves/s vs sql", "p50 vs sql"], ratios),
    ])


if __name__ == "__main__":
    sys.exit(main())
