"""Fixtures on real infrastructure: RabbitMQ, PostgreSQL, SQLite files, SMTP, JWT keys.

Defaults match CI and the developer machines; override with
CRM_TEST_POSTGRES_URL and CRM_TEST_AMQP_URL.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

pytest.register_assert_rewrite("tests.grpc_testing")  # its asserts explain themselves like a test's

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tools/ (smtp sink, suite runner, proto generator)

_LOCAL_POSTGRES = ROOT / "var" / "postgres-url"  # written by tools/ensure_system.sh when it set PostgreSQL up
POSTGRES_URL = os.environ.get("CRM_TEST_POSTGRES_URL") or (
    _LOCAL_POSTGRES.read_text().strip() if _LOCAL_POSTGRES.exists() else "postgresql://postgres@127.0.0.1:5432/test"
)
AMQP_URL = os.environ.get("CRM_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def postgres_database_url():
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def sqlite_database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request):
    """Every storage test runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue({"sqlite": "sqlite_database_url", "postgresql": "postgres_database_url"}[request.param])


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url_factory(request, tmp_path):
    """Makes as many fresh databases of the parametrised backend as a test needs."""
    made: list[str] = []
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")

    def make(label: str = "db") -> str:
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path / f'{label}-{uuid.uuid4().hex[:6]}.db'}"
        name = f"crm_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        made.append(name)
        return sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    make.backend = request.param
    yield make
    with admin.connect() as conn:
        for name in made:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _rabbitmqctl(*args: str) -> bool:
    if shutil.which("rabbitmqctl") is None:
        return False
    return subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, timeout=60).returncode == 0


@pytest.fixture
def amqp_url():
    """A RabbitMQ virtual host of this test's own, so no test sees another's queues.

    Falls back to the default virtual host where rabbitmqctl cannot be used.
    """
    vhost = f"crm-test-{uuid.uuid4().hex[:10]}"
    if not _rabbitmqctl("add_vhost", vhost):
        yield AMQP_URL
        return
    _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    yield AMQP_URL.rstrip("/") + "/" + quote(vhost, safe="")
    _rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(scope="session")
def jwt_keys(tmp_path_factory):
    """A key pair on disk plus an issuer and a verifier using it; one per run (RSA keys are slow to make)."""
    from crm_chassis.auth import TokenIssuer, TokenVerifier, generate_key_pair

    folder = tmp_path_factory.mktemp("keys")
    private, public = folder / "private.pem", folder / "public.pem"
    generate_key_pair(private, public)

    class Keys:
        private_path = private
        public_path = public
        issuer = TokenIssuer.from_file(private, issuer="crm", audience="crm")
        verifier = TokenVerifier.from_file(public, issuer="crm", audience="crm")

        def token(self, user: str = "alice", roles=("admin",), **claims) -> str:
            return self.issuer.issue(user, roles, **claims)

    return Keys()


@pytest.fixture
def as_user(jwt_keys):
    """Call metadata carrying a bearer token of a user with the given roles, team and territory."""

    def metadata(user="alice", roles=("sales",), team="north", territory="ro"):
        return [("authorization", f"Bearer {jwt_keys.token(user, roles, team=team, territory=territory)}")]

    return metadata


@pytest.fixture
def smtp_sink(tmp_path):
    from tools.smtp_sink import SmtpSink

    sink = SmtpSink(tmp_path / "mail", port=free_port()).start()
    yield sink
    sink.stop()


@pytest.fixture
def spans():
    """Every span this process finishes during the test, kept in memory."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from crm_chassis import telemetry

    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = telemetry.setup_tracing("crm-tests", "pytest")
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()  # the processor stays registered; a shut exporter drops what it is given
