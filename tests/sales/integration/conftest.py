"""Fixtures of the sales integration tests; the shared ones live in tests/conftest.py."""
from __future__ import annotations

import pytest
from sales_support import FakeContacts, migrate

from crm.sales.v1 import sales_pb2_grpc
from crm_sales.bootstrap import Sales, bootstrap
from crm_sales.config import SalesSettings
from crm_sales.entrypoints.grpc_servicer import registrations
from tests.grpc_testing import serving


@pytest.fixture
def contacts() -> FakeContacts:
    return FakeContacts()


@pytest.fixture
def app(database_url, contacts) -> Sales:
    """The sales object graph on a freshly migrated database of each backend, contacts faked."""
    migrate(database_url)
    sales = bootstrap(SalesSettings(database_url=database_url), contacts=contacts)
    yield sales
    sales.engine.dispose()


@pytest.fixture
def stub(app, jwt_keys) -> sales_pb2_grpc.SalesServiceStub:
    """SalesService through the real chassis gRPC server over `app`."""
    with serving(registrations(app), jwt_keys.verifier) as channel:
        yield sales_pb2_grpc.SalesServiceStub(channel)
