"""`crm-gateway serve`: the HTTP server, with telemetry and a graceful stop on SIGTERM."""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from fastapi import FastAPI

from crm_chassis import telemetry
from crm_chassis.auth import TokenVerifier
from crm_chassis.settings import SettingsError
from crm_gateway import config
from crm_gateway.app import create_app

log = logging.getLogger(__name__)


def build(settings: config.GatewaySettings) -> FastAPI:
    """The traced application `serve` runs."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    verifier = TokenVerifier.from_file(settings.jwt_public_key_file, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    app = create_app(settings, verifier)
    FastAPIInstrumentor.instrument_app(app, excluded_urls="/healthz,/readyz,/metrics")
    return app


def _serve(settings: config.GatewaySettings) -> int:
    import uvicorn

    telemetry.setup("gateway", "http", log_level=settings.log_level, metrics_port=0)
    try:
        app = build(settings)
    except RuntimeError as exc:
        log.error("%s", exc)
        return 2
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,  # keep the chassis' JSON logging
            timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        )
    )
    # uvicorn drains on SIGTERM/SIGINT, then restores the previous handlers and raises the signal again;
    # with the default handlers still in place that would kill the process before spans are flushed.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)
    try:
        server.run()
    finally:
        telemetry.shutdown()
    log.info("stopped")
    return 0 if server.started else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crm-gateway", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve the REST API, /healthz, /readyz and /metrics on CRM_GATEWAY_HTTP_PORT")
    parser.parse_args(argv)
    try:
        settings = config.load()
    except SettingsError as exc:
        print(f"crm-gateway: {exc}", file=sys.stderr)
        return 2
    return _serve(settings)


if __name__ == "__main__":
    sys.exit(main())
