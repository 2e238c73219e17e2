"""CSV import of persons with validation and duplicate check, in rows/s, beside PostgreSQL COPY of the same file.

    .venv/bin/python bench/contacts_import.py [--rows 1000000] [--existing 100000] [--batch 500]

In a fresh PostgreSQL database (dropped afterwards): `--existing` persons from bench/contacts_generate.py (so that
the duplicate check has a file to search), then a CSV of `--rows` other persons from the same generator (names,
1-2 emails, a phone, an address, tags, birth dates), with 1 % of rows broken (bad email, missing name) and 1 %
repeating an existing person's email. The import goes the way the service runs it: the file uploaded in chunks
(StartImport + UploadImportChunk through the service layer), then the worker's own function (`run_job`) reading,
validating with Person.create, checking duplicates and writing batches in this process. The baseline is
`COPY ... FROM STDIN (FORMAT csv, HEADER)` of the same bytes into a plain table of text columns: no validation,
no indexes, one statement. A dry run of the same file (read, validate, duplicate check, report; no person
written) shows what the writing costs. Figures are rows of the file per second of wall time.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time

import benchlib
import contacts_generate

from crm_chassis.access import Viewer

COLUMNS = ("given_name", "family_name", "email", "phone.mobile", "address.lines", "address.postal_code", "address.city",
           "address.country", "birth_date", "tags")
CHUNK = 2 * 1024 * 1024


def make_csv(rows: int, existing_emails: list[str], seed: int = 7) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for i, p in enumerate(contacts_generate.iter_persons(rows, seed=seed)):
        emails = ";".join(p.emails)
        given = p.given_name
        roll = rng.random()
        if roll < 0.005:
            emails = f"broken-{i}-at-example.com"
        elif roll < 0.01:
            given = ""
            p = p.__class__(**{**p.__dict__, "family_name": ""})
        elif roll < 0.02 and existing_emails:
            emails = rng.choice(existing_emails)
        city, country, postal = p.city
        phone = f"+4072{i % 10_000_000:07d}" if p.phones else ""  # a valid mobile number (the generator's may not be)
        writer.writerow((given, p.family_name, emails, phone, p.street, postal, city, country,
                         p.birth_date.isoformat() if p.birth_date else "", ";".join(p.tags)))
    return out.getvalue().encode("utf-8")


def run_import(url: str, data: bytes, batch: int, dry_run: bool = False) -> tuple[float, dict]:
    from crm_contacts.bootstrap import bootstrap
    from crm_contacts.config import ContactsSettings
    from crm_contacts.service_layer import transfer

    app = bootstrap(ContactsSettings(database_url=url))
    viewer = Viewer("bench", team="bench", territory="bench")
    try:
        started = time.perf_counter()
        job = transfer.start_import(transfer.StartImport("csv", data[:CHUNK], "bench.csv", chunked=True, dry_run=dry_run), app.uow(), viewer)
        for offset in range(CHUNK, len(data), CHUNK):
            transfer.upload_chunk(job.id, data[offset:offset + CHUNK], False, app.uow(), viewer)
        transfer.upload_chunk(job.id, b"", True, app.uow(), viewer)
        transfer.run_job(app.uow, job.id, default_phone_region=None, batch_size=batch)
        elapsed = time.perf_counter() - started
        job = transfer.get_job(job.id, app.uow(), viewer)
        return elapsed, {"accepted": job.rows_accepted, "rejected": job.rows_rejected, "duplicate": job.rows_duplicate, "status": job.status}
    finally:
        app.engine.dispose()


def run_copy(url: str, data: bytes) -> float:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("CREATE TABLE copy_baseline (" + ", ".join(f'"{c}" text' for c in COLUMNS) + ")")
            raw.commit()
            started = time.perf_counter()
            cursor.copy_expert("COPY copy_baseline FROM STDIN (FORMAT csv, HEADER)", io.BytesIO(data))
            raw.commit()
            return time.perf_counter() - started
        finally:
            raw.close()
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the CSV file (default 1,000,000)")
    parser.add_argument("--existing", type=int, default=100_000, help="persons in the database before the import (default 100,000)")
    parser.add_argument("--batch", type=int, default=500, help="rows per transaction (default 500, the service's default)")
    args = parser.parse_args(argv)
    benchlib.exit_on_sigterm()
    benchlib.quiet_repeated_instrumentation()
    load_before = benchlib.load_average()
    with benchlib.postgres_database("crm_bench_import") as url:
        contacts_generate.generate(url, persons=args.existing, accounts=0)
        existing_emails = [e for p in contacts_generate.iter_persons(min(args.existing, 10_000)) for e in p.emails]
        data = make_csv(args.rows, existing_emails)
        print(f"file: {args.rows:,} rows, {len(data) / 1e6:.1f} MB; {args.existing:,} persons already in the database", file=sys.stderr)
        copy_seconds = run_copy(url, data)
        dry_seconds, _ = run_import(url, data, args.batch, dry_run=True)
        import_seconds, outcome = run_import(url, data, args.batch)
    import_rate, dry_rate, copy_rate = args.rows / import_seconds, args.rows / dry_seconds, args.rows / copy_seconds
    print(benchlib.table(
        ["path", "rows", "seconds", "rows/s"],
        [["import (validate, dedup, write)", f"{args.rows:,}", f"{import_seconds:.1f}", f"{import_rate:,.0f}"],
         ["dry run (validate, dedup)", f"{args.rows:,}", f"{dry_seconds:.1f}", f"{dry_rate:,.0f}"],
         ["PostgreSQL COPY", f"{args.rows:,}", f"{copy_seconds:.2f}", f"{copy_rate:,.0f}"]],
    ))
    print(f"import outcome: {outcome}")
    print(f"ratio import / COPY: {import_rate / copy_rate:.5f}x (COPY {copy_rate / import_rate:,.0f}x faster); "
          f"dry run / COPY: {dry_rate / copy_rate:.5f}x")
    print(benchlib.machine_line(load_before))
    return 0


if __name__ == "__main__":
    sys.exit(main())
