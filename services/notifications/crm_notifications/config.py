"""Settings of the notifications processes (see the README's configuration table)."""
from __future__ import annotations

import dataclasses

from crm_chassis.settings import CommonSettings, load, var_dir


@dataclasses.dataclass(frozen=True)
class NotificationsSettings(CommonSettings):
    database_url: str = dataclasses.field(default_factory=lambda: f"sqlite:///{var_dir() / 'notifications.db'}")
    grpc_port: int = 50055
    metrics_port: int = 9055
    worker_metrics_port: int = 9155
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_tls: str = "none"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "CRM <crm@localhost>"
    max_attempts: int = 8
    retry_base_seconds: float = 30.0
    delivery_sweep_seconds: float = 5.0
    sending_lease_seconds: float = 300.0

    def __post_init__(self):
        if self.smtp_tls not in ("none", "starttls", "ssl"):
            raise ValueError(f"CRM_NOTIFICATIONS_SMTP_TLS={self.smtp_tls!r}: expected none, starttls or ssl")


def settings() -> NotificationsSettings:
    return load(NotificationsSettings, "notifications")
