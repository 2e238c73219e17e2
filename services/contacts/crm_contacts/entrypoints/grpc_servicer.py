"""crm.contacts.v1.ContactsService over grpcio: one servicer made of one part per area of the customer file."""
from __future__ import annotations

from crm.contacts.v1 import contacts_pb2 as pb
from crm.contacts.v1 import contacts_pb2_grpc
from crm_chassis.grpc_server import Registration
from crm_contacts.bootstrap import Contacts
from crm_contacts.entrypoints.grpc_accounts import AccountRpcs
from crm_contacts.entrypoints.grpc_custom_fields import CustomFieldRpcs
from crm_contacts.entrypoints.grpc_duplicates import DuplicateRpcs
from crm_contacts.entrypoints.grpc_persons import PersonRpcs
from crm_contacts.entrypoints.grpc_search import SearchRpcs
from crm_contacts.entrypoints.grpc_transfer import TransferRpcs

AREAS = (PersonRpcs, AccountRpcs, CustomFieldRpcs, SearchRpcs, DuplicateRpcs, TransferRpcs)


class ContactsServicer(PersonRpcs, AccountRpcs, CustomFieldRpcs, SearchRpcs, DuplicateRpcs, TransferRpcs, contacts_pb2_grpc.ContactsServiceServicer):
    ROLES = {name: roles for area in AREAS for name, roles in area.ROLES.items()}

    def __init__(self, app: Contacts):
        self.app = app


def registrations(app: Contacts) -> list[Registration]:
    return [Registration(
        add_to_server=contacts_pb2_grpc.add_ContactsServiceServicer_to_server,
        servicer=ContactsServicer(app),
        service_full_name=pb.DESCRIPTOR.services_by_name["ContactsService"].full_name,
        roles=ContactsServicer.ROLES,
    )]
