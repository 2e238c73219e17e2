"""Benchmark: GetPerson on a generated customer file at concurrency 16 (and 1), the real server beside bare grpcio.

    .venv/bin/python bench/contacts_get.py [--persons 1000000] [--accounts 200000] [--duration 10] [--url URL]

The load, the two servers and the report are those of bench/grpc_query.py; the data is bench/contacts_generate.py's
(persons with emails, phones, addresses, tags, links and name words, owned by 200 users), and the caller is a sales
user who may see the persons it asks for (its team's or its territory's). Without --url the data is generated into
a throwaway database, dropped afterwards.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import benchlib
import contacts_generate as gen
from grpc_query import ServerProcess, drive, fetch_sample, report, serve_bare, serve_contacts

USER, TEAM, TERRITORY = "user003", "team3", "ro"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per cell (default 10)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each cell (default 1)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16], help="client threads per cell (default 1 16)")
    parser.add_argument("--url", default="", help="an already generated database (kept); default: generate into a throwaway one")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    benchlib.exit_on_sigterm()
    benchlib.quiet_repeated_instrumentation()
    load_before = benchlib.load_average()

    from crm_chassis.auth import TokenIssuer, generate_key_pair

    servers: list[ServerProcess] = []
    with (nullcontext(args.url) if args.url else benchlib.postgres_database()) as database_url, tempfile.TemporaryDirectory() as keys:
        try:
            if not args.url:
                started = time.perf_counter()
                gen.generate(database_url, args.persons, args.accounts, args.seed)
                print(f"generated {args.persons:,} persons in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            else:
                args.persons, args.accounts = gen.row_counts(database_url)
            ids = gen.visible_person_ids(database_url, TEAM, TERRITORY)
            private, public = Path(keys) / "private.pem", Path(keys) / "public.pem"
            generate_key_pair(private, public)
            token = TokenIssuer(private.read_bytes(), issuer=benchlib.JWT_ISSUER, audience=benchlib.JWT_AUDIENCE).issue(
                USER, ("sales",), team=TEAM, territory=TERRITORY)
            contacts = ServerProcess.spawn("contacts", serve_contacts, database_url, public.read_bytes())
            servers.append(contacts)
            sample = fetch_sample(contacts, ids[0], token)
            bare = ServerProcess.spawn("bare", serve_bare, sample)
            servers.append(bare)
            cells = []
            for conc in args.concurrency:
                for server in (bare, contacts):
                    print(f"{server.name}, concurrency {conc} ...", file=sys.stderr)
                    cells.append(drive(server, conc, args.duration, args.warmup, ids, token))
        finally:
            for server in servers:
                server.stop()
    print(report(cells, args, len(sample), load_before))
    print(f"(generated data: {args.persons:,} persons, {args.accounts:,} accounts; {len(ids):,} of them visible to the caller and asked for)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
