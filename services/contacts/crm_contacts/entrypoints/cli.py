"""`crm-contacts serve|worker|migrate`."""
from __future__ import annotations

import sys
from pathlib import Path

from crm_chassis.service_cli import ServiceSpec
from crm_chassis.service_cli import main as run

SPEC = ServiceSpec(
    name="contacts",
    settings="crm_contacts.config:settings",
    bootstrap="crm_contacts.bootstrap:bootstrap",
    registrations="crm_contacts.entrypoints.grpc_servicer:registrations",
    worker="crm_contacts.entrypoints.worker:ContactsWorker",
    migrations=Path(__file__).resolve().parent.parent / "migrations",
)


def main() -> int:
    return run(SPEC, sys.argv[1:])
