"""Fixtures of the chassis integration tests; the shared ones live in tests/conftest.py."""
from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from urllib.parse import quote

import pytest
from chassis_support import Broker, Store

from crm_chassis import telemetry


def _rabbitmqctl(*args: str) -> bool:
    if shutil.which("rabbitmqctl") is None:
        return False
    return subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, timeout=60).returncode == 0


@pytest.fixture(scope="session")
def shared_amqp_url():
    """One virtual host for the tests that keep apart through random service names and exclusive queues.

    A virtual host of its own (`amqp_url`) costs about 3 s of rabbitmqctl, too much for the
    dozens of parametrised relay tests.
    """
    base = os.environ.get("CRM_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    vhost = f"crm-chassis-{uuid.uuid4().hex[:10]}"
    if not _rabbitmqctl("add_vhost", vhost):
        yield base
        return
    _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    yield base.rstrip("/") + "/" + quote(vhost, safe="")
    _rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(scope="session")
def tracing():
    """A real tracer provider, so that spans have ids to propagate."""
    return telemetry.setup_tracing("chassis-tests", "pytest")


@pytest.fixture
def store(database_url):
    store = Store.create(database_url)
    yield store
    store.engine.dispose()


@pytest.fixture
def broker(shared_amqp_url):
    broker = Broker(shared_amqp_url)
    yield broker
    broker.close()
