"""Generated protobuf code is never edited by hand and never stale: regenerating changes nothing."""
from __future__ import annotations

from pathlib import Path

from tools.gen_proto import PROTO_ROOT, generate


def test_generated_modules_match_the_protos(tmp_path):
    written = generate(tmp_path)
    assert written, "protoc generated nothing"
    stale = []
    for fresh in written:
        committed = PROTO_ROOT / fresh.relative_to(tmp_path)
        if not committed.exists() or committed.read_bytes() != fresh.read_bytes():
            stale.append(str(committed.relative_to(PROTO_ROOT)))
    assert not stale, f"run `make proto`: stale or missing generated files {stale}"


def test_no_generated_module_lacks_its_proto():
    orphans = [
        str(p.relative_to(PROTO_ROOT))
        for p in PROTO_ROOT.glob("crm/**/*_pb2*.py*")
        if not (p.parent / (p.name.split("_pb2")[0] + ".proto")).exists()
    ]
    assert not orphans, f"generated files without a .proto: {orphans}"


def test_every_service_has_health_reflection_and_access_rules():
    """Every RPC in proto/ has a role rule in its servicer (the server refuses to start otherwise)."""
    from crm.contacts.v1 import contacts_pb2
    from crm.notifications.v1 import notifications_pb2
    from crm.sales.v1 import sales_pb2
    from crm_contacts.entrypoints.grpc_servicer import ContactsServicer
    from crm_notifications.entrypoints.grpc_servicer import NotificationsServicer
    from crm_sales.entrypoints.grpc_servicer import SalesServicer

    for module, service, servicer in (
        (contacts_pb2, "ContactsService", ContactsServicer),
        (notifications_pb2, "NotificationsService", NotificationsServicer),
        (sales_pb2, "SalesService", SalesServicer),
    ):
        methods = {m.name for m in module.DESCRIPTOR.services_by_name[service].methods}
        assert methods == set(servicer.ROLES), f"{service}: rules for {sorted(servicer.ROLES)}, methods {sorted(methods)}"


def test_generated_code_is_committed_beside_its_proto():
    assert Path(PROTO_ROOT / "crm/contacts/v1/contacts_pb2.py").exists()
