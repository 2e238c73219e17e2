"""Generates a realistic customer file in PostgreSQL fast: persons, accounts, links, tags, name words (COPY).

    .venv/bin/python bench/contacts_generate.py [--persons 1000000] [--accounts 200000] [--url URL] [--seed 1]

Without --url it creates a database `crm_bench_contacts_<random>`, migrates it, fills it and prints its URL (it
is kept: drop it yourself, or let contacts_search.py / contacts_get.py make and drop their own). Other benchmarks
import `generate()`; `iter_persons()` yields the same persons (ids included) without a database.

Data: Romanian and English given/family names (a few with diacritics), 0–2 emails, a phone, an address in one
of 30 cities, 0–3 tags, lifecycle, birth dates for 70 %, creation times spread over three years; accounts with
industries, sizes, cities and tags; 60 % of persons linked to an account (10 % of links ended). Owners are 200
users in 20 teams and 5 territories, so record-level access filters as in a real file.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import benchlib

GIVEN = (
    "Ion Andrei Mihai Alexandru Gheorghe Vasile Constantin Nicolae Ștefan Florin Adrian Cristian Bogdan Radu Dan Paul Marius "
    "Maria Elena Ioana Ana Andreea Mihaela Cristina Alexandra Gabriela Raluca Simona Daniela Irina Oana Ramona Alina Ileana "
    "James John Robert Michael William David Richard Thomas Charles Daniel Mary Patricia Jennifer Linda Elizabeth Susan "
    "Sarah Emma Olivia Sophie George Oliver Harry Jack Amelia Isla Grace Lucy"
).split()
FAMILY = (
    "Popescu Ionescu Popa Pop Radu Dumitru Stoica Stan Gheorghe Rusu Munteanu Matei Constantin Șerban Moldovan Ciobanu "
    "Lazăr Florea Dinu Mihai Toma Barbu Nistor Ene Tudor Marin Cristea Ungureanu Dobre Vlad Sandu Țăranu Bălan Neagu Preda "
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker White "
    "Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore"
).split()
CITIES = (
    ("Bucharest", "RO", "010011"), ("Cluj-Napoca", "RO", "400001"), ("Iași", "RO", "700001"), ("Timișoara", "RO", "300001"),
    ("Constanța", "RO", "900001"), ("Brașov", "RO", "500001"), ("Craiova", "RO", "200001"), ("Galați", "RO", "800001"),
    ("Oradea", "RO", "410001"), ("Sibiu", "RO", "550001"), ("Ploiești", "RO", "100001"), ("Arad", "RO", "310001"),
    ("Pitești", "RO", "110001"), ("Bacău", "RO", "600001"), ("Suceava", "RO", "720001"), ("London", "GB", "EC1A 1BB"),
    ("Manchester", "GB", "M1 1AE"), ("Birmingham", "GB", "B1 1AA"), ("Leeds", "GB", "LS1 1UR"), ("Glasgow", "GB", "G1 1XQ"),
    ("Bristol", "GB", "BS1 4DJ"), ("Edinburgh", "GB", "EH1 1YZ"), ("Berlin", "DE", "10115"), ("Munich", "DE", "80331"),
    ("Hamburg", "DE", "20095"), ("Vienna", "AT", "1010"), ("Budapest", "HU", "1051"), ("Debrecen", "HU", "4024"),
    ("Paris", "FR", "75001"), ("Lyon", "FR", "69001"),
)
STREETS = ("Str. Lungă", "Bd. Unirii", "Calea Victoriei", "Str. Mihai Eminescu", "High Street", "Station Road", "Church Lane", "Hauptstraße")
INDUSTRIES = ("FMCG", "Retail", "Construction", "Banking", "Insurance", "Software", "Telecom", "Energy", "Healthcare", "Pharma",
              "Logistics", "Automotive", "Agriculture", "Hospitality", "Education", "Public sector", "Media", "Manufacturing")
PERSON_TAGS = ("VIP", "newsletter", "event-2025", "partner", "press", "churn-risk", "golf", "wine", "speaker", "beta")
ACCOUNT_TAGS = ("key-account", "strategic", "reseller", "supplier", "prospect-2026", "public-tender", "export")
LIFECYCLES = ("prospect", "customer", "former")
ORIGINS = ("advert", "partner", "website", "fair", "campaign", "referral", "event", "import", "other")
ROLES = ("decision_maker", "influencer", "billing", "technical", "purchasing", "accountant", "legal", "executive", "employee", "")
SUFFIXES = ("SRL", "SA", "Ltd", "PLC", "GmbH", "Group", "& Co", "Holding", "Solutions", "Systems")
WORDS = ("Carpați", "Dunărea", "Nord", "Sud", "Alpha", "Omega", "Delta", "Vest", "Est", "Global", "Blue", "Green", "Star", "Atlas",
         "Titan", "Nova", "Prima", "Unirea", "Metro", "Euro", "Trans", "Agro", "Tech", "Med", "Fin", "Construct", "Logistic")
TEAMS = tuple(f"team{i}" for i in range(20))
TERRITORIES = ("ro", "ro", "ro", "gb", "gb", "de", "hu", "fr")  # weighted
START = datetime(2023, 11, 1, tzinfo=UTC)
SPAN_SECONDS = 3 * 365 * 86400


def _fold_ascii(text: str) -> str:
    from crm_contacts.domain.query import fold

    return "".join(ch for ch in fold(text) if ch.isalnum())


@dataclass
class GeneratedPerson:
    id: str
    given_name: str
    family_name: str
    owner: str
    team: str
    territory: str
    created_at: datetime
    birth_date: date | None
    lifecycle: str
    origin_kind: str
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    city: tuple[str, str, str] = ("", "", "")
    street: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class GeneratedAccount:
    id: str
    name: str
    legal_name: str
    industry: str
    employees: int | None
    turnover_minor: int | None
    owner: str
    team: str
    territory: str
    created_at: datetime
    lifecycle: str
    city: tuple[str, str, str]
    tags: list[str]


def _owner(rng: random.Random) -> tuple[str, str, str]:
    user = rng.randrange(200)
    return f"user{user:03d}", TEAMS[user % 20], rng.choice(TERRITORIES)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def iter_persons(count: int, seed: int = 1) -> Iterator[GeneratedPerson]:
    rng = random.Random(seed)
    for i in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        if rng.random() < 0.08:
            given = f"{given}-{rng.choice(GIVEN)}"
        owner, team, territory = _owner(rng)
        created = START + timedelta(seconds=SPAN_SECONDS * i / max(count, 1) + rng.random() * 3600)
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55)) if rng.random() < 0.7 else None
        p = GeneratedPerson(_uuid(rng), given, family, owner, team, territory, created, birth, rng.choice(LIFECYCLES), rng.choice(ORIGINS))
        local = f"{_fold_ascii(given)}.{_fold_ascii(family)}{i}"
        for n in range(rng.choice((0, 1, 1, 1, 2))):
            p.emails.append(f"{local}@{('example.com', 'example.ro', 'mail.example.org')[n]}")
        if rng.random() < 0.8:
            p.phones.append(f"+40{rng.choice('237')}{rng.randrange(10**8):08d}")
        p.city = rng.choice(CITIES)
        p.street = f"{rng.choice(STREETS)} {rng.randrange(1, 200)}"
        p.tags = rng.sample(PERSON_TAGS, rng.choice((0, 0, 0, 1, 1, 2, 3)))
        yield p


def iter_accounts(count: int, seed: int = 1) -> Iterator[GeneratedAccount]:
    rng = random.Random(seed + 1_000_003)
    for i in range(count):
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SUFFIXES)}"
        owner, team, territory = _owner(rng)
        created = START + timedelta(seconds=SPAN_SECONDS * i / max(count, 1))
        employees = int(rng.lognormvariate(3, 1.6)) if rng.random() < 0.85 else None
        turnover = employees * rng.randrange(2_000_000, 20_000_000) if employees else None
        yield GeneratedAccount(
            _uuid(rng), name, f"{name} {i}", rng.choice(INDUSTRIES), employees, turnover, owner, team, territory, created,
            rng.choice(LIFECYCLES), rng.choice(CITIES), rng.sample(ACCOUNT_TAGS, rng.choice((0, 1, 1, 2))),
        )


class _Copier:
    """CSV buffers per table, flushed with COPY FROM STDIN."""

    def __init__(self, raw_connection, columns: dict[str, tuple[str, ...]]):
        self.raw = raw_connection
        self.columns = columns
        self.buffers = {t: io.StringIO() for t in columns}
        self.writers = {t: csv.writer(b) for t, b in self.buffers.items()}
        self.rows = dict.fromkeys(columns, 0)

    def add(self, table: str, *values) -> None:
        self.writers[table].writerow([r"\N" if v is None else v for v in values])
        self.rows[table] += 1

    def flush(self) -> None:
        with self.raw.cursor() as cursor:
            for table, buffer in self.buffers.items():
                buffer.seek(0)
                cols = ", ".join(f'"{c}"' for c in self.columns[table])
                cursor.copy_expert(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
                buffer.seek(0)
                buffer.truncate()
        self.raw.commit()


COLUMNS = {
    "persons": ("id", "given_name", "family_name", "owner", "team", "territory", "created_at", "updated_at", "birth_date", "lifecycle",
                "origin_kind"),
    "person_emails": ("person_id", "position", "address", "kind"),
    "person_phones": ("person_id", "position", "number", "kind"),
    "person_addresses": ("person_id", "position", "kind", "lines", "postal_code", "city", "region", "country"),
    "person_tags": ("person_id", "position", "tag"),
    "accounts": ("id", "name", "legal_name", "industry", "employees", "turnover_minor", "turnover_currency", "lifecycle", "owner", "team",
                 "territory", "created_at", "updated_at"),
    "account_addresses": ("account_id", "position", "kind", "lines", "postal_code", "city", "region", "country"),
    "account_tags": ("account_id", "position", "tag"),
    "person_accounts": ("id", "person_id", "account_id", "role", "is_primary", "start_date", "end_date", "created_at", "updated_at"),
    "search_name_tokens": ("entity", "entity_id", "token"),
}


def generate(database_url: str, persons: int = 1_000_000, accounts: int = 200_000, seed: int = 1, batch: int = 20_000,
             progress=None) -> dict[str, int]:
    """Migrates `database_url` (PostgreSQL) and fills it; returns the rows written per table."""
    import json

    import sqlalchemy as sa

    from crm_chassis import db, migrations
    from crm_contacts.domain.query import name_tokens
    from crm_contacts.entrypoints.cli import SPEC

    migrations.upgrade(SPEC.migrations, database_url)
    engine = db.create_engine(database_url)
    try:
        raw = engine.raw_connection()
        try:
            copier = _Copier(raw.driver_connection, COLUMNS)
            account_ids: list[str] = []
            for n, a in enumerate(iter_accounts(accounts, seed), 1):
                account_ids.append(a.id)
                copier.add("accounts", a.id, a.name, a.legal_name, a.industry, a.employees, a.turnover_minor, "RON" if a.turnover_minor else "",
                           a.lifecycle, a.owner, a.team, a.territory, a.created_at.isoformat(), a.created_at.isoformat())
                city, country, postal = a.city
                copier.add("account_addresses", a.id, 0, "work", json.dumps(["Str. Industriei 1"]), postal, city, "", country)
                for i, tag in enumerate(a.tags):
                    copier.add("account_tags", a.id, i, tag)
                for token in name_tokens(a.name, a.legal_name):
                    copier.add("search_name_tokens", "account", a.id, token)
                if n % batch == 0:
                    copier.flush()
                    if progress:
                        progress(f"{n:,} accounts")
            copier.flush()
            rng = random.Random(seed + 7)
            today = date.today()
            for n, p in enumerate(iter_persons(persons, seed), 1):
                at = p.created_at.isoformat()
                copier.add("persons", p.id, p.given_name, p.family_name, p.owner, p.team, p.territory, at, at, p.birth_date, p.lifecycle,
                           p.origin_kind)
                for i, email in enumerate(p.emails):
                    copier.add("person_emails", p.id, i, email, "work" if i == 0 else "personal")
                for i, phone in enumerate(p.phones):
                    copier.add("person_phones", p.id, i, phone, "mobile")
                city, country, postal = p.city
                copier.add("person_addresses", p.id, 0, "home", json.dumps([p.street], ensure_ascii=False), postal, city, "", country)
                for i, tag in enumerate(p.tags):
                    copier.add("person_tags", p.id, i, tag)
                for token in name_tokens(p.given_name, p.family_name):
                    copier.add("search_name_tokens", "person", p.id, token)
                if account_ids and rng.random() < 0.6:
                    ended = rng.random() < 0.1
                    end = (today - timedelta(days=rng.randrange(1, 700))) if ended else None
                    copier.add("person_accounts", _uuid(rng), p.id, rng.choice(account_ids), rng.choice(ROLES), "t" if not ended else "f",
                               date(2020, 1, 1), end, at, at)
                if n % batch == 0:
                    copier.flush()
                    if progress:
                        progress(f"{n:,} persons")
            copier.flush()
        finally:
            raw.close()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    finally:
        engine.dispose()
    return copier.rows


def visible_person_ids(database_url: str, team: str, territory: str, limit: int = 100_000) -> list[str]:
    """Ids of persons a user of `team` and `territory` may see (for GetPerson loads)."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text("SELECT id FROM persons WHERE team = :team OR territory = :territory LIMIT :limit"),
                                     {"team": team, "territory": territory, "limit": limit}).scalars())
    finally:
        engine.dispose()


def row_counts(database_url: str) -> tuple[int, int]:
    """Persons and accounts in an already generated database."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return (conn.execute(sa.text("SELECT count(*) FROM persons")).scalar_one(),
                    conn.execute(sa.text("SELECT count(*) FROM accounts")).scalar_one())
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", default="", help="an existing empty PostgreSQL database; default: create one and keep it")
    args = parser.parse_args(argv)
    benchlib.quiet_repeated_instrumentation()
    url = args.url
    if not url:
        import sqlalchemy as sa

        name = f"crm_bench_contacts_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(benchlib.POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        url = sa.make_url(benchlib.POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    started = time.perf_counter()
    rows = generate(url, args.persons, args.accounts, args.seed, progress=lambda m: print(m, file=sys.stderr))
    elapsed = time.perf_counter() - started
    total = sum(rows.values())
    print(f"{args.persons:,} persons and {args.accounts:,} accounts ({total:,} rows) in {elapsed:.1f} s, {total / elapsed:,.0f} rows/s")
    print(benchlib.table(["table", "rows"], sorted(rows.items())))
    print(f"database: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
