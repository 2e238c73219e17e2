"""Settings of the notifications processes (see the README's configuration table)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from crm_chassis.settings import CommonSettings, SettingsError, load, var_dir
from crm_notifications.domain.policy import QuietHours
from crm_notifications.service_layer.throttle import Throttle


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
    sms_url: str = ""
    sms_api_key: str = ""
    sms_sender: str = "CRM"
    fax_url: str = ""
    fax_api_key: str = ""
    fax_sender: str = ""
    letter_spool_dir: Path = dataclasses.field(default_factory=lambda: var_dir() / "letters")
    letter_sender: str = "CRM"
    phone_task_queue: str = "crm.phone-tasks"
    quiet_hours_email: str = ""
    quiet_hours_sms: str = "21:00-08:00"
    quiet_hours_phone: str = "20:00-09:00"
    quiet_hours_fax: str = "21:00-08:00"
    quiet_hours_letter: str = ""
    default_time_zone: str = "UTC"
    default_language: str = "en"
    rate_limits: str = ""
    send_concurrency: int = 10
    unsubscribe_url: str = "http://127.0.0.1:8080/v1/unsubscribe"
    unsubscribe_secret_file: Path = dataclasses.field(default_factory=lambda: var_dir() / "keys" / "unsubscribe.secret")
    request_sources: str = "sales,marketing,helpdesk,activities"
    max_attempts: int = 8
    retry_base_seconds: float = 30.0
    delivery_sweep_seconds: float = 5.0
    sending_lease_seconds: float = 300.0

    def __post_init__(self):
        if self.smtp_tls not in ("none", "starttls", "ssl"):
            raise SettingsError(f"CRM_NOTIFICATIONS_SMTP_TLS={self.smtp_tls!r}: expected none, starttls or ssl")
        for channel in ("email", "sms", "phone", "fax", "letter"):
            try:
                QuietHours.parse(getattr(self, f"quiet_hours_{channel}"))
            except ValueError as exc:
                raise SettingsError(f"CRM_NOTIFICATIONS_QUIET_HOURS_{channel.upper()}: {exc}") from None
        try:
            Throttle.parse(self.rate_limits)
        except ValueError as exc:
            raise SettingsError(f"CRM_NOTIFICATIONS_RATE_LIMITS: {exc}") from None

    def quiet_hours(self) -> dict[str, QuietHours]:
        windows = {channel: QuietHours.parse(getattr(self, f"quiet_hours_{channel}")) for channel in ("email", "sms", "phone", "fax", "letter")}
        return {channel: window for channel, window in windows.items() if window is not None}

    def sources(self) -> list[str]:
        return [s.strip() for s in self.request_sources.split(",") if s.strip()]


def settings() -> NotificationsSettings:
    return load(NotificationsSettings, "notifications")
