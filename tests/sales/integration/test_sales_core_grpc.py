"""SalesService's core over real gRPC: tokens and roles, rich errors, record-level access, and ConvertLead
through a real contacts server (in-process) with the caller's token passed on."""
from __future__ import annotations

from pathlib import Path

import grpc
import pytest
from google.protobuf import field_mask_pb2
from sales_support import migrate

import crm_contacts
from crm.contacts.v1 import accounts_pb2 as apb
from crm.contacts.v1 import contacts_pb2 as cpb
from crm.contacts.v1 import contacts_pb2_grpc
from crm.sales.v1 import sales_pb2 as pb
from crm.sales.v1 import sales_pb2_grpc
from crm_chassis import migrations
from crm_contacts.bootstrap import bootstrap as contacts_bootstrap
from crm_contacts.config import ContactsSettings
from crm_contacts.entrypoints.grpc_servicer import registrations as contacts_registrations
from crm_sales.adapters.contacts_client import ContactsClient
from crm_sales.bootstrap import bootstrap
from crm_sales.config import SalesSettings
from crm_sales.entrypoints.grpc_servicer import registrations
from tests.conftest import free_port
from tests.grpc_testing import TIMEOUT, bad_fields, failure, serving


@pytest.fixture
def contacts_server(tmp_path, jwt_keys):
    """A real contacts server on SQLite; its port is chosen first because the sales app is given its address."""
    url = f"sqlite:///{tmp_path / 'contacts.db'}"
    migrations.upgrade(Path(crm_contacts.__file__).resolve().parent / "migrations", url)
    app = contacts_bootstrap(ContactsSettings(database_url=url))
    port = free_port()
    with serving(contacts_registrations(app), jwt_keys.verifier, port=port) as channel:
        yield port, contacts_pb2_grpc.ContactsServiceStub(channel)
    app.engine.dispose()


@pytest.fixture
def stub(database_url, contacts_server, jwt_keys):
    """Overrides the conftest's: this sales app calls the real contacts server instead of a fake."""
    migrate(database_url)
    port, _ = contacts_server
    app = bootstrap(SalesSettings(database_url=database_url), contacts=ContactsClient(f"localhost:{port}", 10.0))
    with serving(registrations(app), jwt_keys.verifier) as channel:
        yield sales_pb2_grpc.SalesServiceStub(channel)
    app.engine.dispose()


def standard_pipeline(stub, admin) -> pb.Pipeline:
    stages = [pb.Stage(name="Prospect", probability=10, expected_days=14), pb.Stage(name="Proposal", probability=50, expected_days=20),
              pb.Stage(name="Negotiation", probability=80, expected_days=10)]
    return stub.CreatePipeline(pb.CreatePipelineRequest(pipeline=pb.Pipeline(name="Standard", stages=stages)), metadata=admin, timeout=TIMEOUT)


def test_admin_configures_sales_users_work_and_others_are_refused(stub, as_user):
    admin, alice, viewer = as_user("root", ("admin",)), as_user(), as_user("vera", ("viewer",))
    request = pb.CreatePipelineRequest(pipeline=pb.Pipeline(name="X", stages=[pb.Stage(name="A", probability=1)]))
    assert failure(stub.CreatePipeline, request, alice).code() == grpc.StatusCode.PERMISSION_DENIED
    assert failure(stub.CreateLead, pb.CreateLeadRequest(lead=pb.Lead(family_name="Pop")), viewer).code() == grpc.StatusCode.PERMISSION_DENIED
    assert failure(stub.ListLeads, pb.ListLeadsRequest(), None).code() == grpc.StatusCode.UNAUTHENTICATED
    pipeline = standard_pipeline(stub, admin)
    assert [s.position for s in pipeline.stages] == [1, 2, 3] and pipeline.is_default
    assert stub.ListPipelines(pb.ListPipelinesRequest(), metadata=viewer, timeout=TIMEOUT).pipelines == [pipeline]


def test_bad_input_lists_every_field(stub, as_user):
    alice = as_user()
    error = failure(stub.CreateLead, pb.CreateLeadRequest(lead=pb.Lead(email="x", country="XX", phone="1")), alice)
    assert set(bad_fields(error)) == {"lead.email", "lead.country", "lead.phone", "lead.family_name"}
    standard_pipeline(stub, as_user("root", ("admin",)))
    opp = pb.Opportunity(name="", amount=pb.Money(amount_minor=-1, currency="ABC"), expected_close_date="2020-13-01")
    error = failure(stub.CreateOpportunity, pb.CreateOpportunityRequest(opportunity=opp), alice)
    assert set(bad_fields(error)) == {"opportunity.name", "opportunity.amount.amount_minor", "opportunity.amount.currency",
                                 "opportunity.expected_close_date"}


def test_records_of_other_teams_are_not_found(stub, as_user):
    alice, bob, manager = as_user(), as_user("bob", team="south", territory="de"), as_user("mia", team="north", territory="")
    lead = stub.CreateLead(pb.CreateLeadRequest(lead=pb.Lead(family_name="Pop", rating=pb.LEAD_RATING_HOT)), metadata=alice, timeout=TIMEOUT)
    assert (lead.owner, lead.team, lead.status, lead.rating) == ("alice", "north", pb.LEAD_STATUS_NEW, pb.LEAD_RATING_HOT)
    assert failure(stub.GetLead, pb.GetLeadRequest(id=lead.id), bob).code() == grpc.StatusCode.NOT_FOUND
    assert stub.GetLead(pb.GetLeadRequest(id=lead.id), metadata=manager, timeout=TIMEOUT) == lead
    update = pb.UpdateLeadRequest(lead=pb.Lead(id=lead.id, status=pb.LEAD_STATUS_QUALIFIED), update_mask=field_mask_pb2.FieldMask(paths=["status"]))
    assert failure(stub.UpdateLead, update, bob).code() == grpc.StatusCode.NOT_FOUND
    assert stub.UpdateLead(update, metadata=alice, timeout=TIMEOUT).status == pb.LEAD_STATUS_QUALIFIED


def test_convert_lead_through_contacts_then_move_close_and_read_history(stub, as_user, contacts_server):
    admin, alice = as_user("root", ("admin",)), as_user()
    _, contacts = contacts_server
    pipeline = standard_pipeline(stub, admin)
    won = stub.CreateCloseReason(pb.CreateCloseReasonRequest(reason=pb.CloseReason(kind=pb.CLOSE_REASON_KIND_WON, code="fit", label="Fit")),
                                 metadata=admin, timeout=TIMEOUT)
    lead = stub.CreateLead(pb.CreateLeadRequest(lead=pb.Lead(given_name="Ana", family_name="Pop", company="Acme SRL", title="CTO",
                                                             email="ana@acme.example", country="RO")), metadata=alice, timeout=TIMEOUT)
    request = pb.ConvertLeadRequest(lead_id=lead.id, create_account=True, opportunity=pb.Opportunity(
        name="Acme pumps", amount=pb.Money(amount_minor=1_000_000, currency="EUR"),
        products=[pb.OpportunityProduct(product_id="p-1", name="Pump", quantity=4, unit_price=pb.Money(amount_minor=250_000, currency="EUR"))]))
    done = stub.ConvertLead(request, metadata=alice, timeout=TIMEOUT)
    assert done.lead.status == pb.LEAD_STATUS_CONVERTED and done.opportunity.account_id == done.account_id
    person = contacts.GetPerson(cpb.GetPersonRequest(id=done.person_id), metadata=alice, timeout=TIMEOUT)
    assert (person.family_name, person.owner) == ("Pop", "alice")  # created with Alice's own token
    account = contacts.GetAccount(apb.GetAccountRequest(id=done.account_id), metadata=alice, timeout=TIMEOUT)
    assert account.name == "Acme SRL"
    assert stub.ConvertLead(request, metadata=alice, timeout=TIMEOUT).person_id == done.person_id  # idempotent

    opp_id = done.opportunity.id
    last = pipeline.stages[2].id
    moved = stub.MoveOpportunityStage(pb.MoveOpportunityStageRequest(id=opp_id, stage_id=last), metadata=alice, timeout=TIMEOUT)
    assert moved.probability == 80
    closed = stub.CloseOpportunity(pb.CloseOpportunityRequest(id=opp_id, outcome=pb.OPPORTUNITY_STATUS_WON, reason_id=won.id),
                                   metadata=alice, timeout=TIMEOUT)
    assert (closed.status, closed.probability) == (pb.OPPORTUNITY_STATUS_WON, 100)
    history = stub.ListStageHistory(pb.ListStageHistoryRequest(opportunity_id=opp_id), metadata=alice, timeout=TIMEOUT).changes
    assert [c.kind for c in history] == [pb.STAGE_CHANGE_KIND_CREATED, pb.STAGE_CHANGE_KIND_FORWARD, pb.STAGE_CHANGE_KIND_WON]
    assert history[0].leave_time == history[1].enter_time and not history[2].HasField("leave_time")
    again = failure(stub.MoveOpportunityStage, pb.MoveOpportunityStageRequest(id=opp_id, stage_id=pipeline.stages[0].id), alice)
    assert again.code() == grpc.StatusCode.FAILED_PRECONDITION
