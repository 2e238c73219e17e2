"""The gateway's settings, read from CRM_GATEWAY_* (then CRM_*) environment variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crm_chassis import settings


@dataclass(frozen=True)
class GatewaySettings(settings.CommonSettings):
    http_port: int = 8080
    http_host: str = "0.0.0.0"
    contacts_addr: str = "127.0.0.1:50051"
    notifications_addr: str = "127.0.0.1:50055"
    sales_addr: str = "127.0.0.1:50052"
    # Per downstream call; a request that composes several calls makes them concurrently.
    deadline_seconds: float = 5.0


def load(environ: Mapping[str, str] | None = None) -> GatewaySettings:
    return settings.load(GatewaySettings, "gateway", environ)
