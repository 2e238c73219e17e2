"""Every setting a process reads is in the README's configuration table, under the name it is read by."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from crm_chassis.settings import CommonSettings, env_names
from crm_contacts.config import ContactsSettings
from crm_gateway.config import GatewaySettings
from crm_notifications.config import NotificationsSettings
from crm_sales.config import SalesSettings

README = Path(__file__).resolve().parents[2] / "README.md"
COMMON = {f.name for f in dataclasses.fields(CommonSettings)}


def documented() -> set[str]:
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", README.read_text(), flags=re.MULTILINE))


def test_every_setting_is_in_the_readme_table():
    expected = set()
    for service, cls in (("contacts", ContactsSettings), ("notifications", NotificationsSettings), ("gateway", GatewaySettings), ("sales", SalesSettings)):
        for field in dataclasses.fields(cls):
            specific, shared = env_names(service, field.name)
            expected.add(shared if field.name in COMMON else specific)
    missing = expected - documented()
    assert not missing, f"settings missing from the README's configuration table: {sorted(missing)}"


def test_the_readme_lists_no_setting_that_does_not_exist():
    known = set()
    for service, cls in (("contacts", ContactsSettings), ("notifications", NotificationsSettings), ("gateway", GatewaySettings), ("sales", SalesSettings)):
        for field in dataclasses.fields(cls):
            known.update(env_names(service, field.name))
    outside_dataclasses = {"CRM_VAR_DIR", "CRM_SMTP_SINK_PORT", "CRM_FAKE_PROVIDERS_PORT", "OTEL_EXPORTER_OTLP_ENDPOINT", "CRM_TEST_POSTGRES_URL", "CRM_TEST_AMQP_URL"}
    stale = documented() - known - outside_dataclasses
    assert not stale, f"the README documents settings nothing reads: {sorted(stale)}"
