"""The command line every backend service shares: `serve`, `worker`, `migrate`.

Heavy imports happen inside the subcommands because `worker` must patch the
process with eventlet before anything opens a socket or starts a thread,
and `serve` must never be patched (grpcio cannot run under eventlet).
"""
from __future__ import annotations

import argparse
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceSpec:
    """Where a service keeps the parts the shared commands need ("module:attribute")."""

    name: str
    settings: str  # () -> settings dataclass
    bootstrap: str  # (settings) -> app
    registrations: str  # (app) -> list[Registration]
    worker: str  # nameko service class
    migrations: Path


def _load(ref: str):
    module, _, attribute = ref.partition(":")
    return getattr(importlib.import_module(module), attribute)


def _settings(spec: ServiceSpec):
    return _load(spec.settings)()


def migrate(spec: ServiceSpec) -> None:
    from crm_chassis import migrations, telemetry

    settings = _settings(spec)
    telemetry.setup_logging(spec.name, "migrate", settings.log_level)
    migrations.upgrade(spec.migrations, settings.database_url)
    log.info("database migrated")


def serve(spec: ServiceSpec) -> None:
    from crm_chassis import telemetry
    from crm_chassis.auth import TokenVerifier
    from crm_chassis.grpc_server import GrpcServer, run_until_signalled
    from crm_chassis.outbox import wake_relay_for_shutdown

    settings = _settings(spec)
    telemetry.setup(spec.name, "grpc", log_level=settings.log_level, metrics_port=settings.metrics_port)
    verifier = TokenVerifier.from_file(settings.jwt_public_key_file, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    app = _load(spec.bootstrap)(settings)
    server = GrpcServer(_load(spec.registrations)(app), verifier=verifier, port=settings.grpc_port).start()
    relay_thread, relay_stop = app.relay().start()
    log.info("%s gRPC listening on port %d", spec.name, server.port)

    def stop_relay() -> None:
        relay_stop.set()
        wake_relay_for_shutdown()
        relay_thread.join(timeout=10)

    run_until_signalled(server, grace=settings.shutdown_grace_seconds, on_stop=[stop_relay, telemetry.shutdown])


def worker(spec: ServiceSpec) -> None:
    import warnings

    with warnings.catch_warnings():
        # eventlet warns on import that it is in maintenance mode; nameko 2 needs it (see the README).
        warnings.simplefilter("ignore")
        import eventlet
    eventlet.monkey_patch()
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()
    from crm_chassis import telemetry
    from crm_chassis import worker as chassis_worker

    settings = _settings(spec)
    telemetry.setup(spec.name, "worker", log_level=settings.log_level, metrics_port=settings.worker_metrics_port)
    app = _load(spec.bootstrap)(settings)
    chassis_worker.run(_load(spec.worker), chassis_worker.nameko_config(settings.amqp_url, settings.worker_concurrency, app))


COMMANDS: dict[str, Callable[[ServiceSpec], None]] = {"serve": serve, "worker": worker, "migrate": migrate}


def main(spec: ServiceSpec, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"crm-{spec.name}", description=f"The {spec.name} service.")
    parser.add_argument(
        "command",
        choices=sorted(COMMANDS),
        help="serve: the gRPC server and outbox relay; worker: the nameko event worker; migrate: upgrade the database",
    )
    args = parser.parse_args(argv)
    COMMANDS[args.command](spec)
    return 0
