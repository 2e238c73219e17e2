"""`crm-notifications serve|worker|migrate`."""
from __future__ import annotations

import sys
from pathlib import Path

from crm_chassis.service_cli import ServiceSpec
from crm_chassis.service_cli import main as run

SPEC = ServiceSpec(
    name="notifications",
    settings="crm_notifications.config:settings",
    bootstrap="crm_notifications.bootstrap:bootstrap",
    registrations="crm_notifications.entrypoints.grpc_servicer:registrations",
    worker="crm_notifications.entrypoints.worker:NotificationsWorker",
    migrations=Path(__file__).resolve().parent.parent / "migrations",
)


def main() -> int:
    return run(SPEC, sys.argv[1:])
