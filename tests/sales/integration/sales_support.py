"""Helpers of the sales integration tests: migrating, counting rows, a fake contacts service."""
from __future__ import annotations

import itertools
from pathlib import Path

import sqlalchemy as sa

import crm_sales
from crm_chassis import migrations
from crm_chassis.access import Viewer
from crm_sales.adapters import orm

MIGRATIONS = Path(crm_sales.__file__).resolve().parent / "migrations"
TABLES = tuple(orm.metadata.tables)

ALICE = Viewer("alice", team="north", territory="ro")
BOB = Viewer("bob", team="south", territory="de")
CAROL = Viewer("carol", team="north", territory="de")  # Alice's team: a manager of north sees Alice's records
ADMIN = Viewer("root", is_admin=True)


def migrate(url: str) -> None:
    migrations.upgrade(MIGRATIONS, url)


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def outbox_types(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(orm.outbox.c.event_type).order_by(orm.outbox.c.position)).scalars())


class FakeContacts:
    """Stands in for the contacts gRPC API: records calls, can fail on demand."""

    def __init__(self):
        self.persons: dict[str, dict] = {}
        self.accounts: dict[str, dict] = {}
        self.links: list[tuple[str, str]] = []
        self.fail_on: str | None = None
        self._ids = itertools.count(1)
        self.request_ids: dict[tuple[str, str], str] = {}  # (method, request id) → what it made, as contacts keeps them

    def _maybe_fail(self, step: str) -> None:
        if self.fail_on == step:
            from crm_chassis.errors import FailedPrecondition

            raise FailedPrecondition(f"contacts is unavailable ({step})")

    def check_person(self, person_id: str, token: str) -> None:
        if person_id not in self.persons:
            from crm_chassis.errors import NotFound

            raise NotFound(f"person {person_id} not found")

    def check_account(self, account_id: str, token: str) -> None:
        if account_id not in self.accounts:
            from crm_chassis.errors import NotFound

            raise NotFound(f"account {account_id} not found")

    def create_person(self, lead, token: str, *, request_id: str = "") -> str:
        self._maybe_fail("person")
        if ("person", request_id) in self.request_ids:
            return self.request_ids["person", request_id]
        pid = f"person-{next(self._ids)}"
        self.persons[pid] = {"given_name": lead.data.given_name, "family_name": lead.data.family_name, "email": lead.data.email}
        if request_id:
            self.request_ids["person", request_id] = pid
        return pid

    def create_account(self, name: str, country: str, industry: str, token: str, *, request_id: str = "") -> str:
        self._maybe_fail("account")
        if ("account", request_id) in self.request_ids:
            return self.request_ids["account", request_id]
        aid = f"account-{next(self._ids)}"
        self.accounts[aid] = {"name": name}
        if request_id:
            self.request_ids["account", request_id] = aid
        return aid

    def link_person_to_account(self, person_id: str, account_id: str, title: str, token: str, *, request_id: str = "") -> None:
        self._maybe_fail("link")
        if ("link", request_id) in self.request_ids:
            return
        self.links.append((person_id, account_id))
        if request_id:
            self.request_ids["link", request_id] = f"{person_id}|{account_id}"


def wait_until(predicate, timeout: float = 15.0, interval: float = 0.05, message: str = "condition"):
    """Polls `predicate` until it returns something truthy, which is returned."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)
