"""Calls to the contacts service for ConvertLead, with the caller's token passed on.

The caller's token goes along, so contacts applies the caller's own rights and record-level access;
contacts' errors come back as this service's errors with contacts' message. Creates carry the caller's request id,
so that contacts answers a retried create with what the first call made.
"""
from __future__ import annotations

import grpc

from crm_chassis import errors, grpc_client

_ERRORS = {
    grpc.StatusCode.NOT_FOUND: errors.NotFound,
    grpc.StatusCode.ALREADY_EXISTS: errors.AlreadyExists,
    grpc.StatusCode.PERMISSION_DENIED: errors.PermissionDenied,
    grpc.StatusCode.UNAUTHENTICATED: errors.Unauthenticated,
    grpc.StatusCode.ABORTED: errors.Aborted,
}
# Contacts cannot be reached, or did not answer in time: what it did is unknown, but every step of ConvertLead
# carries a request id, so the caller may simply retry.
_AWAY = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}


class ContactsClient:
    def __init__(self, target: str, deadline: float):
        self.target = target
        self.deadline = deadline
        self._stub = None

    def _contacts(self):
        # Imported late: a service that never converts a lead needs nothing of contacts' generated code.
        from crm.contacts.v1 import contacts_pb2_grpc

        if self._stub is None:
            self._stub = contacts_pb2_grpc.ContactsServiceStub(grpc_client.channel(self.target))
        return self._stub

    def _call(self, method: str, request, token: str):
        try:
            return getattr(self._contacts(), method)(request, timeout=self.deadline, metadata=grpc_client.call_metadata(token))
        except grpc.RpcError as exc:
            code, detail = exc.code(), exc.details() or ""
            what = f"contacts {method}: {detail}"
            if code in _ERRORS:
                raise _ERRORS[code](what) from None
            if code in _AWAY:
                raise errors.Unavailable(f"{what} ({code.name}); ConvertLead can be retried safely") from None
            # The lead's data did not satisfy contacts: nothing was created there, and a retry of ConvertLead
            # (after fixing the lead) continues from the last step that succeeded.
            raise errors.FailedPrecondition(f"{what} ({code.name}); ConvertLead can be retried safely") from None

    def check_person(self, person_id: str, token: str) -> None:
        """NOT_FOUND unless the person exists and the caller may see it."""
        from crm.contacts.v1 import contacts_pb2 as cpb

        self._call("GetPerson", cpb.GetPersonRequest(id=person_id), token)

    def check_account(self, account_id: str, token: str) -> None:
        from crm.contacts.v1 import accounts_pb2 as apb

        self._call("GetAccount", apb.GetAccountRequest(id=account_id), token)

    def create_person(self, lead, token: str, *, request_id: str = "") -> str:
        from crm.contacts.v1 import contacts_pb2 as cpb

        d = lead.data
        person = cpb.Person(given_name=d.given_name, family_name=d.family_name or d.company, team=d.team, territory=d.territory)
        if d.email:
            person.emails.add(address=d.email, kind=cpb.EMAIL_KIND_WORK)
        if d.phone:
            person.phones.add(number=d.phone, kind=cpb.PHONE_KIND_WORK)
        return self._call("CreatePerson", cpb.CreatePersonRequest(person=person, request_id=request_id), token).id

    def create_account(self, name: str, country: str, industry: str, token: str, *, request_id: str = "") -> str:
        from crm.contacts.v1 import accounts_pb2 as apb

        return self._call("CreateAccount", apb.CreateAccountRequest(account=apb.Account(name=name, industry=industry), request_id=request_id), token).id

    def link_person_to_account(self, person_id: str, account_id: str, title: str, token: str, *, request_id: str = "") -> None:
        from crm.contacts.v1 import accounts_pb2 as apb

        link = apb.PersonAccountLink(person_id=person_id, account_id=account_id, position=title)
        self._call("LinkPersonToAccount", apb.LinkPersonToAccountRequest(link=link, request_id=request_id), token)
