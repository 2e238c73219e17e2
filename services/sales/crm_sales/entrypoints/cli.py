"""`crm-sales serve|worker|migrate`."""
from __future__ import annotations

import sys
from pathlib import Path

from crm_chassis.service_cli import ServiceSpec
from crm_chassis.service_cli import main as run

SPEC = ServiceSpec(
    name="sales",
    settings="crm_sales.config:settings",
    bootstrap="crm_sales.bootstrap:bootstrap",
    registrations="crm_sales.entrypoints.grpc_servicer:registrations",
    worker="crm_sales.entrypoints.worker:SalesWorker",
    migrations=Path(__file__).resolve().parent.parent / "migrations",
)


def main() -> int:
    return run(SPEC, sys.argv[1:])
