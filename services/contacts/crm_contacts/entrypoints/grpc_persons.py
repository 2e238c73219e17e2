"""The person RPCs of crm.contacts.v1.ContactsService: translate, call the handler, translate back."""
from __future__ import annotations

from crm.contacts.v1 import contacts_pb2 as pb
from crm_chassis.access import Viewer
from crm_chassis.auth import current_principal
from crm_chassis.errors import InvalidArgument
from crm_contacts.adapters import messages
from crm_contacts.bootstrap import Contacts
from crm_contacts.entrypoints import mappers
from crm_contacts.entrypoints.roles import READERS, WRITERS
from crm_contacts.service_layer import erasure, handlers


class PersonRpcs:
    ROLES = {
        "CreatePerson": WRITERS,
        "GetPerson": READERS,
        "ListPersons": READERS,
        "ListPersonHistory": READERS,
        "SetPersonConsent": WRITERS,
        "UpdatePerson": WRITERS,
        "ErasePerson": WRITERS,  # and the person must be visible to the caller
        "AddOwnedProduct": WRITERS,
        "ListOwnedProducts": READERS,
        "UpdateOwnedProduct": WRITERS,
    }
    app: Contacts

    def CreatePerson(self, request: pb.CreatePersonRequest, context) -> pb.Person:
        try:
            person = handlers.create_person(
                mappers.create_person(request),
                self.app.uow(),
                Viewer.of(current_principal()),
                self.app.settings.default_phone_region or None,
            )
        except InvalidArgument as exc:
            raise mappers.under("person", exc, request_fields=("request_id",)) from None
        return messages.person(person)

    def GetPerson(self, request: pb.GetPersonRequest, context) -> pb.Person:
        return messages.person(handlers.get_person(request.id, self.app.uow(), Viewer.of(current_principal())))

    def SetPersonConsent(self, request: pb.SetPersonConsentRequest, context) -> pb.Person:
        try:
            person = handlers.set_person_consent(mappers.set_person_consent(request), self.app.uow(), Viewer.of(current_principal()))
        except InvalidArgument as exc:
            raise mappers.under("consent", exc) from None
        return messages.person(person)

    def ListPersons(self, request: pb.ListPersonsRequest, context) -> pb.ListPersonsResponse:
        persons, token = handlers.list_persons(self.app.uow(), Viewer.of(current_principal()), request.page_size, request.page_token)
        return pb.ListPersonsResponse(persons=[messages.person(p) for p in persons], next_page_token=token)

    def ListPersonHistory(self, request: pb.ListPersonHistoryRequest, context) -> pb.ListPersonHistoryResponse:
        entries, token = handlers.list_history(
            request.person_id, self.app.uow(), Viewer.of(current_principal()), request.page_size, request.page_token
        )
        return pb.ListPersonHistoryResponse(entries=[messages.history_entry(e) for e in entries], next_page_token=token)


    def UpdatePerson(self, request: pb.UpdatePersonRequest, context) -> pb.Person:
        try:
            person = handlers.update_person(
                mappers.update_person(request),
                self.app.uow(),
                Viewer.of(current_principal()),
                self.app.settings.default_phone_region or None,
            )
        except InvalidArgument as exc:
            raise mappers.under("person", exc, request_fields=("update_mask",)) from None
        return messages.person(person)

    def ErasePerson(self, request: pb.ErasePersonRequest, context) -> pb.Person:
        return messages.person(erasure.erase_person(mappers.erase_person(request), self.app.uow(), Viewer.of(current_principal())))

    def AddOwnedProduct(self, request: pb.AddOwnedProductRequest, context) -> pb.OwnedProduct:
        try:
            product = handlers.add_owned_product(mappers.add_owned_product(request), self.app.uow(), Viewer.of(current_principal()))
        except InvalidArgument as exc:
            raise mappers.under("owned_product", exc) from None
        return messages.owned_product(product)

    def ListOwnedProducts(self, request: pb.ListOwnedProductsRequest, context) -> pb.ListOwnedProductsResponse:
        products, token = handlers.list_owned_products(
            request.person_id, request.account_id, request.active_only, self.app.uow(), Viewer.of(current_principal()),
            request.page_size, request.page_token,
        )
        return pb.ListOwnedProductsResponse(owned_products=[messages.owned_product(o) for o in products], next_page_token=token)

    def UpdateOwnedProduct(self, request: pb.UpdateOwnedProductRequest, context) -> pb.OwnedProduct:
        try:
            product = handlers.update_owned_product(mappers.update_owned_product(request), self.app.uow(), Viewer.of(current_principal()))
        except InvalidArgument as exc:
            raise mappers.under("owned_product", exc, request_fields=("update_mask",)) from None
        return messages.owned_product(product)
