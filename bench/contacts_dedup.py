"""Benchmark: the batch duplicate scan and the online duplicate check on a generated customer file (PostgreSQL).

    .venv/bin/python bench/contacts_dedup.py [--persons 1000000] [--accounts 200000] [--copies 0.02] [--probes 1000] [--url URL]

The file is bench/contacts_generate.py's; on top of it a share (`--copies`) of the persons get a typo-laden copy
(transposed letters, diacritics dropped, given and family name swapped, a Gmail-style email variant, the phone
written again), whose origin is known, so the scan's recall can be measured. Figures, each beside a same-run
baseline:

- match keys for persons bulk-loaded without them (the scan's first step) — beside a plain SQL rewrite of the
  emails table into itself (INSERT … SELECT lower(address)), the cheapest pass over the file SQL can do;
- the scan (blocking, scoring, pairs) — beside the exact-duplicate query a DBA would run (persons sharing an
  email ignoring case: one GROUP BY); with recall of the planted copies for both;
- the online check (`duplicates.find`, as CreatePerson runs it, in-process) p50/p99 over `--probes` would-be
  persons (half typo-laden copies, half new) — beside one indexed email lookup in SQL.

Without --url the data is generated into a throwaway database, dropped afterwards.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import unicodedata
import uuid
from contextlib import nullcontext

import benchlib
import contacts_generate as gen


def _typo(word: str, rng: random.Random) -> str:
    """One transposition or one dropped diacritic: what hurried typing does."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    if plain != word and rng.random() < 0.5:
        return plain
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _email_variant(address: str, rng: random.Random) -> str:
    local, _, domain = address.partition("@")
    return rng.choice((f"{local}+news@{domain}", address.upper(), f"{local.replace('.', '')}@{domain}" if domain == "gmail.com" else address))


def plant_copies(database_url: str, share: float, seed: int) -> tuple[dict[str, str], set[str]]:
    """Inserts typo-laden copies of a share of the persons; returns copy id → original id, and the copies that
    share no email or phone with their original (their original has neither): only their name tells."""
    import sqlalchemy as sa

    rng = random.Random(seed + 99)
    engine = sa.create_engine(database_url)
    planted: dict[str, str] = {}
    name_only: set[str] = set()
    try:
        with engine.begin() as conn:
            total = conn.execute(sa.text("SELECT count(*) FROM persons")).scalar_one()
            sample = conn.execute(
                sa.text("SELECT id, given_name, family_name, owner, team, territory, created_at FROM persons ORDER BY id LIMIT :n"),
                {"n": int(total * share)},
            ).all()
            ids = [r.id for r in sample]
            emails = {r.person_id: r.address for r in conn.execute(sa.text("SELECT person_id, address FROM person_emails WHERE position = 0 AND person_id = ANY(:ids)"), {"ids": ids})}
            phones = {r.person_id: r.number for r in conn.execute(sa.text("SELECT person_id, number FROM person_phones WHERE position = 0 AND person_id = ANY(:ids)"), {"ids": ids})}
            persons, email_rows, phone_rows = [], [], []
            for r in sample:
                given, family = _typo(r.given_name, rng), _typo(r.family_name, rng)
                if rng.random() < 0.2:
                    given, family = family, given
                copy_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                planted[copy_id] = r.id
                persons.append({"id": copy_id, "given_name": given, "family_name": family, "owner": r.owner, "team": r.team,
                                "territory": r.territory, "created_at": r.created_at, "updated_at": r.created_at})
                # Each copy keeps at least one of email and phone (else only the name could tell, as for a namesake).
                keep_email = r.id in emails and (r.id not in phones or rng.random() < 0.6)
                if keep_email:
                    email_rows.append({"person_id": copy_id, "position": 0, "address": _email_variant(emails[r.id], rng), "kind": "work"})
                if r.id in phones and (not keep_email or rng.random() < 0.5):
                    phone_rows.append({"person_id": copy_id, "position": 0, "number": phones[r.id], "kind": "mobile"})
                if r.id not in emails and r.id not in phones:
                    name_only.add(copy_id)
            columns = "id, given_name, family_name, owner, team, territory, created_at, updated_at"
            conn.execute(sa.text(f"INSERT INTO persons ({columns}) VALUES (:{', :'.join(columns.split(', '))})"), persons)
            if email_rows:
                conn.execute(sa.text("INSERT INTO person_emails (person_id, position, address, kind) VALUES (:person_id, :position, :address, :kind)"), email_rows)
            if phone_rows:
                conn.execute(sa.text("INSERT INTO person_phones (person_id, position, number, kind) VALUES (:person_id, :position, :number, :kind)"), phone_rows)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    finally:
        engine.dispose()
    return planted, name_only


def sql_baselines(database_url: str, planted: dict[str, str]) -> tuple[float, float, float]:
    """(seconds of the emails rewrite, seconds of the exact-email GROUP BY, its recall of the planted copies)."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TEMP TABLE email_keys (person_id varchar(36), key varchar(320))"))
            started = time.perf_counter()
            conn.execute(sa.text("INSERT INTO email_keys SELECT person_id, lower(address) FROM person_emails"))
            rewrite = time.perf_counter() - started
            started = time.perf_counter()
            groups = conn.execute(sa.text(
                "SELECT array_agg(person_id) FROM person_emails GROUP BY lower(address) HAVING count(*) > 1"
            )).scalars().all()
            exact = time.perf_counter() - started
    finally:
        engine.dispose()
    together = {frozenset(pair) for ids in groups for pair in _pairs(ids)}
    recall = sum(1 for c, o in planted.items() if frozenset((c, o)) in together) / max(len(planted), 1)
    return rewrite, exact, recall


def _pairs(ids):
    ids = sorted(ids)
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]


def online_probes(database_url: str, planted: dict[str, str], count: int, seed: int):
    """Would-be persons: half typo-laden copies of stored persons, half new people."""
    import sqlalchemy as sa

    from crm_contacts.domain.matching import Probe

    rng = random.Random(seed + 5)
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT p.id, p.given_name, p.family_name, e.address, ph.number FROM persons p "
                "LEFT JOIN person_emails e ON e.person_id = p.id AND e.position = 0 "
                "LEFT JOIN person_phones ph ON ph.person_id = p.id AND ph.position = 0 "
                "WHERE p.id <> ALL(:planted) ORDER BY md5(p.id) LIMIT :n"
            ), {"planted": list(planted), "n": count // 2}).all()
    finally:
        engine.dispose()
    probes = []
    for r in rows:
        probes.append(Probe("", _typo(r.given_name, rng), r.family_name, (_email_variant(r.address, rng),) if r.address else (),
                            (r.number,) if r.number and not r.address else ()))
    for i in range(count - len(probes)):
        probes.append(Probe("", rng.choice(gen.GIVEN), f"{rng.choice(gen.FAMILY)}escu{i}", (f"new{i}@example.net",), (f"+4079{i:07d}",)))
    rng.shuffle(probes)
    return probes, [r.address for r in rows if r.address]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--copies", type=float, default=0.02, help="share of persons given a typo-laden copy (default 0.02)")
    parser.add_argument("--probes", type=int, default=1000, help="online checks timed (default 1000)")
    parser.add_argument("--batch", type=int, default=2000, help="persons per scan transaction (default 2000)")
    parser.add_argument("--url", default="", help="an already generated database (kept, copies are added to it); default: a throwaway one")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    benchlib.exit_on_sigterm()
    benchlib.quiet_repeated_instrumentation()
    load_before = benchlib.load_average()

    import sqlalchemy as sa

    from crm_contacts.adapters import orm
    from crm_contacts.bootstrap import bootstrap
    from crm_contacts.config import ContactsSettings
    from crm_contacts.domain.merge import DuplicateScan
    from crm_contacts.service_layer import duplicates

    with nullcontext(args.url) if args.url else benchlib.postgres_database("crm_bench_dedup") as database_url:
        if not args.url:
            started = time.perf_counter()
            gen.generate(database_url, args.persons, args.accounts, args.seed)
            print(f"generated {args.persons:,} persons in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        planted, name_only = plant_copies(database_url, args.copies, args.seed)
        persons = gen.row_counts(database_url)[0]
        print(f"planted {len(planted):,} typo-laden copies; {persons:,} persons", file=sys.stderr)
        rewrite, exact, exact_recall = sql_baselines(database_url, planted)

        app = bootstrap(ContactsSettings(database_url=database_url))
        try:
            started = time.perf_counter()
            keyed = duplicates.build_missing_keys(app.uow, args.batch)
            keys_seconds = time.perf_counter() - started
            scan = DuplicateScan.request(duplicates.DEFAULT_SCAN_MIN_SCORE, "bench")
            with app.uow() as uow:
                uow.duplicates.add_scan(scan)
                uow.commit()
            started = time.perf_counter()
            duplicates.run_scan(app.uow, scan, args.batch)
            scan_seconds = time.perf_counter() - started
            d = orm.duplicate_pairs
            with app.engine.connect() as conn:
                found = {frozenset((r.person_a, r.person_b)) for r in conn.execute(sa.select(d.c.person_a, d.c.person_b))}
            contact = {c: o for c, o in planted.items() if c not in name_only}
            strong = sum(1 for c, o in contact.items() if frozenset((c, o)) in found)
            recall = strong / max(len(contact), 1)
            weak = sum(1 for c in name_only if frozenset((c, planted[c])) in found)

            probes, addresses = online_probes(database_url, planted, args.probes, args.seed)
            timings, flagged = [], 0
            with app.uow() as uow:
                for probe in probes[:20]:  # warm-up
                    duplicates.find(uow, probe, threshold=app.settings.duplicate_threshold)
            for probe in probes:
                with app.uow() as uow:
                    uow.session.execute(sa.text("SELECT 1"))  # as in CreatePerson: the transaction is already open
                    started = time.perf_counter()
                    flagged += bool(duplicates.find(uow, probe, threshold=app.settings.duplicate_threshold))
                    timings.append(time.perf_counter() - started)
            sql_timings = []
            with app.engine.connect() as conn:
                e = orm.person_emails
                for address in addresses:
                    started = time.perf_counter()
                    conn.execute(sa.select(e.c.person_id).where(e.c.address == address)).all()
                    sql_timings.append(time.perf_counter() - started)
        finally:
            app.engine.dispose()

    timings.sort()
    sql_timings.sort()
    ms = 1000
    print(f"\n{persons:,} persons ({len(planted):,} planted copies), batch {args.batch}, threshold {app.settings.duplicate_threshold}\n")
    print(benchlib.table(
        ["step", "seconds", "persons/s", "baseline", "baseline s", "ratio"],
        [
            ["match keys", f"{keys_seconds:.1f}", f"{keyed / keys_seconds:,.0f}", "SQL emails rewrite", f"{rewrite:.2f}", benchlib.ratio(keys_seconds, rewrite)],
            ["scan (block+score)", f"{scan_seconds:.1f}", f"{persons / scan_seconds:,.0f}", "SQL exact-email GROUP BY", f"{exact:.2f}",
             benchlib.ratio(scan_seconds, exact)],
        ],
    ))
    print(f"\nscan: {scan.pairs_found:,} pairs at score >= {scan.min_score}; recall of the planted copies sharing an email or phone "
          f"with their original {recall:.1%} ({strong:,}/{len(contact):,}); of the {len(name_only):,} sharing only a misspelt name "
          f"{weak:,} (by design: a name alone scores at most 0.7); exact-email SQL recall of all copies {exact_recall:.1%}")
    print()
    print(benchlib.table(
        ["online check", "calls", "p50 ms", "p99 ms", "flagged"],
        [
            ["duplicates.find", len(timings), f"{benchlib.percentile(timings, 50) * ms:.2f}", f"{benchlib.percentile(timings, 99) * ms:.2f}",
             f"{flagged}/{len(timings)}"],
            ["SQL email lookup", len(sql_timings), f"{benchlib.percentile(sql_timings, 50) * ms:.2f}",
             f"{benchlib.percentile(sql_timings, 99) * ms:.2f}", ""],
        ],
    ))
    print(f"\np99 ratio: {benchlib.ratio(benchlib.percentile(timings, 99), benchlib.percentile(sql_timings, 99))}")
    print(benchlib.machine_line(load_before))
    return 0


if __name__ == "__main__":
    sys.exit(main())
