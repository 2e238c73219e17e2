"""Settings of the contacts processes (see the README's configuration table)."""
from __future__ import annotations

import dataclasses

from crm_chassis.settings import CommonSettings, load, var_dir


@dataclasses.dataclass(frozen=True)
class ContactsSettings(CommonSettings):
    database_url: str = dataclasses.field(default_factory=lambda: f"sqlite:///{var_dir() / 'contacts.db'}")
    grpc_port: int = 50051
    metrics_port: int = 9051
    worker_metrics_port: int = 9151
    # Region used to read phone numbers written without a +country prefix; empty: E.164 only.
    default_phone_region: str = ""


def settings() -> ContactsSettings:
    return load(ContactsSettings, "contacts")
