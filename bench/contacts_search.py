"""Benchmark: SearchPersons with three criteria through the real gRPC server beside the same SQL run directly.

    .venv/bin/python bench/contacts_search.py [--persons 1000000] [--accounts 200000] [--queries 200] [--url URL]

Without --url it generates the data (bench/contacts_generate.py) into a throwaway database, dropped afterwards;
with --url it searches an already generated one. The caller is a sales user of one team and territory, so
record-level access filters as in production. For each query shape, `--queries` searches with random values
(first page of 50 rows, three columns) are timed one after another through gRPC (token check, parsing, compiling,
two SQL statements, protobuf) and then the same two SQL statements, compiled once per search beforehand, are run
on a psycopg2 connection (the floor the database sets). The ratio is what the service adds.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path

import benchlib
import contacts_generate as gen
from grpc_query import ServerProcess, serve_contacts

USER, TEAM, TERRITORY = "user003", "team3", "ro"
COLUMNS = ("given_name", "family_name", "created_time")
PAGE = 50


def shapes(rng: random.Random) -> dict[str, callable]:
    """Query makers: each returns a query with three criteria and fresh random values."""
    def names_cities() -> str:
        return f'family_name = "{rng.choice(gen.FAMILY)}" and city = "{rng.choice(gen.CITIES)[0]}" and created within 365 days'

    def prefix_tag_birth() -> str:
        prefix = rng.choice(gen.FAMILY)[: rng.randint(3, 5)]
        return f'name ~ "{prefix}" and tags = "{rng.choice(gen.PERSON_TAGS)}" and birth_date between 1970-01-01 and 1990-12-31'

    def linked_accounts() -> str:
        return (f'account.industry = "{rng.choice(gen.INDUSTRIES)}" and account.city = "{rng.choice(gen.CITIES)[0]}" '
                f'and lifecycle = "customer"')

    return {"family_name, city, created": names_cities, "name prefix, tag, birth_date": prefix_tag_birth,
            "account.industry, account.city, lifecycle": linked_accounts}


def direct_statements(database_url: str, queries: list[str]) -> list[tuple[str, dict]]:
    """The page statement of each query exactly as the service builds it, as psycopg2 SQL and parameters (compiled by
    the connected dialect, which knows the server's string escaping)."""
    from crm_chassis.access import Viewer
    from crm_contacts.bootstrap import bootstrap
    from crm_contacts.config import ContactsSettings
    from crm_contacts.domain import query as q
    from crm_contacts.service_layer.search import DEFAULT_ORDER

    app = bootstrap(ContactsSettings(database_url=database_url))
    viewer = Viewer(USER, TEAM, TERRITORY)
    today = datetime.now(UTC).date()
    out = []
    try:
        with app.uow() as uow:
            cat = uow.search.catalogue("person")
            for text in queries:
                node = q.check(q.parse(text), cat.fields, cat.aliases)
                statement = uow.search.find_statement("person", viewer, node, DEFAULT_ORDER, None, PAGE + 1, today)
                compiled = statement.compile(dialect=app.engine.dialect, compile_kwargs={"render_postcompile": True})
                out.append((str(compiled), dict(compiled.params)))
    finally:
        app.engine.dispose()
    return out


def run_direct(database_url: str, statements: list[tuple[str, dict]]) -> tuple[list[float], int]:
    import psycopg2

    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    latencies, rows = [], 0
    try:
        with conn.cursor() as cursor:
            for sql, params in statements[:5]:  # warm-up
                cursor.execute(sql, params)
                cursor.fetchall()
            for sql, params in statements:
                began = time.perf_counter()
                cursor.execute(sql, params)
                ids = [r[-1] for r in cursor.fetchall()][:PAGE]
                cursor.execute("SELECT id, given_name, family_name, created_at FROM persons WHERE id = ANY(%s)", (ids,))
                cursor.fetchall()
                latencies.append(time.perf_counter() - began)
                rows += len(ids)
    finally:
        conn.close()
    return sorted(latencies), rows


def run_grpc(server: ServerProcess, token: str, queries: list[str]) -> tuple[list[float], int]:
    import grpc

    from crm.contacts.v1 import contacts_pb2_grpc
    from crm.contacts.v1 import search_pb2 as spb

    metadata = (("authorization", f"Bearer {token}"),)
    latencies, rows = [], 0
    with grpc.insecure_channel(server.target) as channel:
        stub = contacts_pb2_grpc.ContactsServiceStub(channel)
        for text in queries[:5]:
            stub.SearchPersons(spb.SearchPersonsRequest(query=text, columns=COLUMNS, page_size=PAGE), metadata=metadata, timeout=60)
        for text in queries:
            began = time.perf_counter()
            response = stub.SearchPersons(spb.SearchPersonsRequest(query=text, columns=COLUMNS, page_size=PAGE), metadata=metadata, timeout=60)
            latencies.append(time.perf_counter() - began)
            rows += len(response.rows)
    return sorted(latencies), rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200, help="searches per query shape (default 200)")
    parser.add_argument("--url", default="", help="an already generated database (kept); default: generate into a throwaway one")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    benchlib.exit_on_sigterm()
    benchlib.quiet_repeated_instrumentation()
    load_before = benchlib.load_average()

    from crm_chassis.auth import TokenIssuer, generate_key_pair

    rng = random.Random(args.seed)
    results = []
    server = None
    with (nullcontext(args.url) if args.url else benchlib.postgres_database()) as database_url, tempfile.TemporaryDirectory() as keys:
        try:
            if not args.url:
                started = time.perf_counter()
                gen.generate(database_url, args.persons, args.accounts, args.seed)
                print(f"generated {args.persons:,} persons, {args.accounts:,} accounts in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            else:
                args.persons, args.accounts = gen.row_counts(database_url)
            private, public = Path(keys) / "private.pem", Path(keys) / "public.pem"
            generate_key_pair(private, public)
            token = TokenIssuer(private.read_bytes(), issuer=benchlib.JWT_ISSUER, audience=benchlib.JWT_AUDIENCE).issue(
                USER, ("sales",), team=TEAM, territory=TERRITORY)
            server = ServerProcess.spawn("contacts", serve_contacts, database_url, public.read_bytes())
            for label, make in shapes(rng).items():
                queries = [make() for _ in range(args.queries)]
                print(f"{label} ...", file=sys.stderr)
                statements = direct_statements(database_url, queries)
                via_grpc, grpc_rows = run_grpc(server, token, queries)
                direct, direct_rows = run_direct(database_url, statements)
                results.append((label, via_grpc, direct, grpc_rows / len(queries), direct_rows / len(queries)))
        finally:
            if server is not None:
                server.stop()
    table = []
    for label, via_grpc, direct, grpc_rows, direct_rows in results:
        p = benchlib.percentile
        table.append([
            label, f"{grpc_rows:.1f}", f"{p(via_grpc, 50) * 1000:.2f}", f"{p(via_grpc, 99) * 1000:.2f}",
            f"{p(direct, 50) * 1000:.2f}", f"{p(direct, 99) * 1000:.2f}",
            benchlib.ratio(p(via_grpc, 50), p(direct, 50)), benchlib.ratio(p(via_grpc, 99), p(direct, 99)),
            "" if abs(grpc_rows - direct_rows) < 1e-9 else f"rows differ: {direct_rows:.1f}",
        ])
    print("\n".join([
        f"SearchPersons, {args.persons:,} persons and {args.accounts:,} accounts on PostgreSQL, {args.queries} searches per shape, "
        f"first page of {PAGE}, caller {USER} ({TEAM}, {TERRITORY})",
        benchlib.machine_line(load_before),
        "",
        benchlib.table(["query shape", "rows/page", "gRPC p50 ms", "gRPC p99 ms", "SQL p50 ms", "SQL p99 ms", "p50 ratio", "p99 ratio", ""],
                       table),
    ]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
