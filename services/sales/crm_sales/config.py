"""Settings of the sales processes (see the README's configuration table)."""
from __future__ import annotations

import dataclasses

from crm_chassis.settings import CommonSettings, load, var_dir


@dataclasses.dataclass(frozen=True)
class SalesSettings(CommonSettings):
    database_url: str = dataclasses.field(default_factory=lambda: f"sqlite:///{var_dir() / 'sales.db'}")
    grpc_port: int = 50052
    metrics_port: int = 9052
    worker_metrics_port: int = 9152
    # Where ConvertLead finds the contacts service.
    contacts_target: str = "localhost:50051"
    # Deadline of each call to contacts, in seconds.
    contacts_deadline_seconds: float = 5.0
    # --- core ---
    # --- end core ---
    # --- commerce ---
    # A quote whose total discount exceeds this many basis points (2000 = 20 %) needs an approver's yes before sending.
    quote_approval_threshold_bp: int = 2000
    # --- end commerce ---


def settings() -> SalesSettings:
    return load(SalesSettings, "sales")
