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
    # duplicates: the lowest score (0..1) at which CreatePerson/UpdatePerson refuse a likely duplicate.
    duplicate_threshold: float = 0.8
    # import: rows per transaction; the largest file one import may have (all chunks together).
    import_batch_size: int = 500
    import_max_bytes: int = 256 * 1024 * 1024


def settings() -> ContactsSettings:
    return load(ContactsSettings, "contacts")
