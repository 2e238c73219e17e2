"""Helpers of the contacts integration tests: migrating, polling, counting rows, building commands."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

import crm_contacts
from crm_chassis import migrations
from crm_chassis.access import Viewer
from crm_contacts.adapters import orm
from crm_contacts.domain import commands

MIGRATIONS = Path(crm_contacts.__file__).resolve().parent / "migrations"
TABLES = tuple(orm.metadata.tables)  # every table, so that row counts prove nothing was half-written

ALICE = Viewer("alice", team="north", territory="ro")  # a sales user in Romania
BOB = Viewer("bob", team="south", territory="de")  # another team in another territory
CAROL = Viewer("carol", team="east", territory="ro")  # another team, Alice's territory
ADMIN = Viewer("root", is_admin=True)


def migrate(url: str) -> None:
    migrations.upgrade(MIGRATIONS, url)


def wait_until(predicate: Callable[[], object], timeout: float = 15.0, interval: float = 0.05, message: str = "condition"):
    """Polls `predicate` until it returns something truthy, which is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def counts(engine: sa.Engine) -> dict[str, int]:
    """Rows per table, read on a connection of its own so only committed rows count."""
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def jane(**overrides) -> commands.CreatePerson:
    fields = dict(
        given_name="Jane",
        family_name="Doe",
        emails=[("Jane.Doe@EXAMPLE.com", "work")],
        phones=[("+40 721 234 567", "mobile")],
        consents=[("email", "marketing", True, "web form", None)],
    )
    return commands.CreatePerson(**(fields | overrides))
