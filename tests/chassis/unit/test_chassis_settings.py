"""Settings: CRM_<SERVICE>_X beats CRM_X beats the default, and a bad value names its variable."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from crm_chassis.settings import CommonSettings, SettingsError, env_names, load, var_dir


@dataclasses.dataclass(frozen=True)
class ProbeSettings:
    database_url: str = "sqlite:///default.db"
    port: int = 50051
    poll_interval: float = 0.5
    debug: bool = False
    key_file: Path = Path("default.pem")


def test_names_are_service_specific_then_suite_wide():
    assert env_names("contacts", "database_url") == ("CRM_CONTACTS_DATABASE_URL", "CRM_DATABASE_URL")


def test_defaults_apply_when_nothing_is_set():
    assert load(ProbeSettings, "probe", environ={}) == ProbeSettings()


def test_suite_wide_variable_beats_default():
    settings = load(ProbeSettings, "probe", environ={"CRM_DATABASE_URL": "postgresql://suite"})
    assert settings.database_url == "postgresql://suite"


def test_service_variable_beats_suite_wide_variable():
    environ = {"CRM_DATABASE_URL": "postgresql://suite", "CRM_PROBE_DATABASE_URL": "postgresql://probe"}
    assert load(ProbeSettings, "probe", environ=environ).database_url == "postgresql://probe"


def test_another_services_variable_is_ignored():
    settings = load(ProbeSettings, "probe", environ={"CRM_OTHER_PORT": "1"})
    assert settings.port == 50051


def test_values_are_parsed_to_the_field_types():
    environ = {
        "CRM_PROBE_PORT": "6000",
        "CRM_POLL_INTERVAL": "0.25",
        "CRM_PROBE_DEBUG": "yes",
        "CRM_KEY_FILE": "/etc/crm/key.pem",
    }
    settings = load(ProbeSettings, "probe", environ=environ)
    assert settings.port == 6000
    assert settings.poll_interval == 0.25
    assert settings.debug is True
    assert settings.key_file == Path("/etc/crm/key.pem")


@pytest.mark.parametrize("raw, expected", [("1", True), ("TRUE", True), (" on ", True), ("0", False), ("No", False), ("off", False)])
def test_booleans_accept_the_usual_spellings(raw, expected):
    assert load(ProbeSettings, "probe", environ={"CRM_DEBUG": raw}).debug is expected


@pytest.mark.parametrize(
    "name, raw",
    [
        ("CRM_PROBE_PORT", "fifty"),
        ("CRM_PORT", "1.5"),
        ("CRM_PROBE_PORT", ""),
        ("CRM_POLL_INTERVAL", "soon"),
        ("CRM_PROBE_DEBUG", "maybe"),
    ],
)
def test_unparseable_value_names_the_variable_and_the_value(name, raw):
    with pytest.raises(SettingsError) as caught:
        load(ProbeSettings, "probe", environ={name: raw})
    assert name in str(caught.value)
    assert repr(raw) in str(caught.value)


def test_bad_service_variable_is_reported_even_when_the_suite_wide_one_is_fine():
    with pytest.raises(SettingsError, match="CRM_PROBE_PORT"):
        load(ProbeSettings, "probe", environ={"CRM_PORT": "7000", "CRM_PROBE_PORT": "x"})


def test_settings_error_is_a_value_error():
    assert issubclass(SettingsError, ValueError)


def test_common_settings_load_with_the_var_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CRM_VAR_DIR", str(tmp_path))
    settings = load(CommonSettings, "contacts", environ={"CRM_CONTACTS_WORKER_CONCURRENCY": "3"})
    assert settings.worker_concurrency == 3
    assert settings.jwt_public_key_file == tmp_path / "keys" / "jwt-public.pem"
    assert var_dir() == tmp_path


def test_var_dir_defaults_to_var(monkeypatch):
    monkeypatch.delenv("CRM_VAR_DIR", raising=False)
    assert var_dir() == Path("var")
