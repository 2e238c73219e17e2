"""The RPCs of crm.contacts.v1.ContactsService for accounts, their branches and every relation."""
from __future__ import annotations

from crm.contacts.v1 import accounts_pb2 as apb
from crm_chassis.access import Viewer
from crm_chassis.auth import current_principal
from crm_chassis.errors import InvalidArgument
from crm_contacts.adapters import account_messages as messages
from crm_contacts.bootstrap import Contacts
from crm_contacts.entrypoints import account_mappers, mappers
from crm_contacts.entrypoints.roles import READERS, WRITERS
from crm_contacts.service_layer import accounts, relations


def _viewer() -> Viewer:
    return Viewer.of(current_principal())


class AccountRpcs:
    ROLES = {
        "CreateAccount": WRITERS,
        "GetAccount": READERS,
        "ListAccounts": READERS,
        "UpdateAccount": WRITERS,
        "ListAccountChildren": READERS,
        "ListAccountHistory": READERS,
        "LinkPersonToAccount": WRITERS,
        "UpdatePersonAccountLink": WRITERS,
        "UnlinkPersonFromAccount": WRITERS,
        "ListAccountPersons": READERS,
        "ListPersonAccounts": READERS,
        "RelatePersons": WRITERS,
        "ListPersonRelations": READERS,
        "DeletePersonRelation": WRITERS,
        "RelateAccounts": WRITERS,
        "ListAccountRelations": READERS,
        "DeleteAccountRelation": WRITERS,
    }
    app: Contacts

    # --- accounts ---
    def CreateAccount(self, request: apb.CreateAccountRequest, context) -> apb.Account:
        try:
            account = accounts.create_account(
                account_mappers.create_account(request), self.app.uow(), _viewer(), self.app.settings.default_phone_region or None
            )
        except InvalidArgument as exc:
            raise mappers.under("account", exc, request_fields=("request_id",)) from None
        return messages.account(account)

    def GetAccount(self, request: apb.GetAccountRequest, context) -> apb.Account:
        return messages.account(accounts.get_account(request.id, self.app.uow(), _viewer()))

    def ListAccounts(self, request: apb.ListAccountsRequest, context) -> apb.ListAccountsResponse:
        found, token = accounts.list_accounts(self.app.uow(), _viewer(), request.page_size, request.page_token)
        return apb.ListAccountsResponse(accounts=[messages.account(a) for a in found], next_page_token=token)

    def UpdateAccount(self, request: apb.UpdateAccountRequest, context) -> apb.Account:
        try:
            account = accounts.update_account(
                account_mappers.update_account(request), self.app.uow(), _viewer(), self.app.settings.default_phone_region or None
            )
        except InvalidArgument as exc:
            raise mappers.under("account", exc, request_fields=("update_mask",)) from None
        return messages.account(account)

    def ListAccountChildren(self, request: apb.ListAccountChildrenRequest, context) -> apb.ListAccountChildrenResponse:
        found, token = accounts.list_children(
            request.account_id, request.recursive, self.app.uow(), _viewer(), request.page_size, request.page_token
        )
        return apb.ListAccountChildrenResponse(
            children=[apb.AccountNode(account=messages.account(a), depth=depth) for a, depth in found], next_page_token=token
        )

    def ListAccountHistory(self, request: apb.ListAccountHistoryRequest, context) -> apb.ListAccountHistoryResponse:
        entries, token = accounts.list_account_history(request.account_id, self.app.uow(), _viewer(), request.page_size, request.page_token)
        return apb.ListAccountHistoryResponse(entries=[messages.history_entry(e) for e in entries], next_page_token=token)

    # --- person ↔ account ---
    def LinkPersonToAccount(self, request: apb.LinkPersonToAccountRequest, context) -> apb.PersonAccountLink:
        try:
            link = relations.link_person_to_account(account_mappers.link_person_to_account(request), self.app.uow(), _viewer())
        except InvalidArgument as exc:
            raise mappers.under("link", exc, request_fields=("request_id",)) from None
        return messages.link(link)

    def UpdatePersonAccountLink(self, request: apb.UpdatePersonAccountLinkRequest, context) -> apb.PersonAccountLink:
        try:
            link = relations.update_person_account_link(account_mappers.update_person_account_link(request), self.app.uow(), _viewer())
        except InvalidArgument as exc:
            raise mappers.under("link", exc, request_fields=("update_mask",)) from None
        return messages.link(link)

    def UnlinkPersonFromAccount(self, request: apb.UnlinkPersonFromAccountRequest, context) -> apb.UnlinkPersonFromAccountResponse:
        relations.unlink_person_from_account(request.link_id, self.app.uow(), _viewer())
        return apb.UnlinkPersonFromAccountResponse()

    def ListAccountPersons(self, request: apb.ListAccountPersonsRequest, context) -> apb.ListPersonAccountLinksResponse:
        links, token = relations.list_links(
            self.app.uow(), _viewer(), account_id=request.account_id, include_ended=request.include_ended,
            page_size=request.page_size, page_token=request.page_token,
        )
        return apb.ListPersonAccountLinksResponse(links=[messages.link(x) for x in links], next_page_token=token)

    def ListPersonAccounts(self, request: apb.ListPersonAccountsRequest, context) -> apb.ListPersonAccountLinksResponse:
        links, token = relations.list_links(
            self.app.uow(), _viewer(), person_id=request.person_id, include_ended=request.include_ended,
            page_size=request.page_size, page_token=request.page_token,
        )
        return apb.ListPersonAccountLinksResponse(links=[messages.link(x) for x in links], next_page_token=token)

    # --- person ↔ person and account ↔ account ---
    def RelatePersons(self, request: apb.RelatePersonsRequest, context) -> apb.PersonRelation:
        try:
            relation = relations.relate(account_mappers.relate_persons(request), self.app.uow(), _viewer())
        except InvalidArgument as exc:
            raise mappers.under("relation", exc) from None
        return messages.person_relation(relation)

    def ListPersonRelations(self, request: apb.ListPersonRelationsRequest, context) -> apb.ListPersonRelationsResponse:
        found, token = relations.list_relations("person", request.person_id, self.app.uow(), _viewer(), request.page_size, request.page_token)
        return apb.ListPersonRelationsResponse(relations=[messages.person_relation(r) for r in found], next_page_token=token)

    def DeletePersonRelation(self, request: apb.DeletePersonRelationRequest, context) -> apb.DeletePersonRelationResponse:
        relations.delete_relation("person", request.relation_id, self.app.uow(), _viewer())
        return apb.DeletePersonRelationResponse()

    def RelateAccounts(self, request: apb.RelateAccountsRequest, context) -> apb.AccountRelation:
        try:
            relation = relations.relate(account_mappers.relate_accounts(request), self.app.uow(), _viewer())
        except InvalidArgument as exc:
            raise mappers.under("relation", exc) from None
        return messages.account_relation(relation)

    def ListAccountRelations(self, request: apb.ListAccountRelationsRequest, context) -> apb.ListAccountRelationsResponse:
        found, token = relations.list_relations("account", request.account_id, self.app.uow(), _viewer(), request.page_size, request.page_token)
        return apb.ListAccountRelationsResponse(relations=[messages.account_relation(r) for r in found], next_page_token=token)

    def DeleteAccountRelation(self, request: apb.DeleteAccountRelationRequest, context) -> apb.DeleteAccountRelationResponse:
        relations.delete_relation("account", request.relation_id, self.app.uow(), _viewer())
        return apb.DeleteAccountRelationResponse()
