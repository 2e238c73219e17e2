"""Settings read from environment variables, with safe local defaults.

A field `database_url` of the contacts service is read from
`CRM_CONTACTS_DATABASE_URL`, then from `CRM_DATABASE_URL`, then its default,
so one environment can configure the whole suite and still override one
service. Every name is listed in the README's configuration table.
"""
from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Mapping
from pathlib import Path


class SettingsError(ValueError):
    """A variable is set to something its setting cannot take."""


def var_dir() -> Path:
    """Where local state lives (SQLite files, keys, mail) unless told otherwise."""
    return Path(os.environ.get("CRM_VAR_DIR", "var"))


def env_names(service: str, field: str) -> tuple[str, str]:
    return f"CRM_{service.upper()}_{field.upper()}", f"CRM_{field.upper()}"


def _parse(raw: str, kind: typing.Any, name: str) -> typing.Any:
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise SettingsError(f"{name}={raw!r}: expected true or false")
    if kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            raise SettingsError(f"{name}={raw!r}: expected a {kind.__name__}") from None
    if kind is Path:
        return Path(raw)
    return raw


def load(cls: type, service: str, environ: Mapping[str, str] | None = None):
    """Builds the settings dataclass `cls` for `service` from the environment."""
    environ = os.environ if environ is None else environ
    hints = typing.get_type_hints(cls)
    values = {}
    for field in dataclasses.fields(cls):
        for name in env_names(service, field.name):
            if name in environ:
                values[field.name] = _parse(environ[name], hints[field.name], name)
                break
    return cls(**values)


@dataclasses.dataclass(frozen=True)
class CommonSettings:
    """What every service process needs; services subclass it."""

    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    jwt_public_key_file: Path = dataclasses.field(
        default_factory=lambda: var_dir() / "keys" / "jwt-public.pem"
    )
    jwt_issuer: str = "crm"
    jwt_audience: str = "crm"
    log_level: str = "INFO"
    relay_poll_interval: float = 0.5
    outbox_retention_hours: int = 168
    worker_concurrency: int = 10
    shutdown_grace_seconds: float = 20.0
