"""The RPCs of crm.contacts.v1.ContactsService for duplicate detection, merge and undo."""
from __future__ import annotations

from crm.contacts.v1 import duplicates_pb2 as dpb
from crm_chassis.access import Viewer
from crm_chassis.auth import current_principal
from crm_chassis.errors import InvalidArgument, Violations
from crm_contacts.adapters import duplicate_messages
from crm_contacts.bootstrap import Contacts
from crm_contacts.domain import matching, model
from crm_contacts.domain.merge import MergePlan
from crm_contacts.entrypoints import mappers
from crm_contacts.entrypoints.roles import ADMINS, READERS, WRITERS
from crm_contacts.service_layer import duplicates

PAIR_STATUS_WORDS = {number: word for word, number in duplicate_messages.PAIR_STATUS.items()} | {dpb.DUPLICATE_PAIR_STATUS_UNSPECIFIED: "open"}


def probe(p: dpb.PersonProbe, default_phone_region: str | None) -> matching.Probe:
    """A would-be person, validated and normalised as CreatePerson does it (unset kinds are fine here)."""
    problems = Violations()
    raw = {
        "given_name": p.given_name,
        "family_name": p.family_name,
        "emails": [(e.address, "work") for e in p.emails],
        "phones": [(n.number, "work") for n in p.phones],
        "addresses": [("other", list(a.lines), a.postal_code, a.city, a.region, a.country) for a in p.addresses],
    }
    values = model.validate_fields(raw, problems, default_phone_region=default_phone_region, today=model.utcnow().date())
    if not values["given_name"] and not values["family_name"] and not values["emails"] and not values["phones"]:
        problems.add("given_name", "give a name, an email or a phone to look for")
    problems.raise_if_any()
    return matching.Probe(
        "", values["given_name"], values["family_name"], tuple(e.address for e in values["emails"]), tuple(n.number for n in values["phones"]),
        tuple(matching.Address(a.lines, a.postal_code, a.city, a.country) for a in values["addresses"]),
    )


def account_probe(a: dpb.AccountProbe, default_phone_region: str | None) -> matching.AccountProbe:
    """A would-be account; phones validated as everywhere, the rest compared as given."""
    problems = Violations()
    values = model.validate_fields({"phones": [(n.number, "work") for n in a.phones]}, problems,
                                   default_phone_region=default_phone_region, today=model.utcnow().date())
    if not (a.name.strip() or a.legal_name.strip() or a.registration_ids or a.websites or a.phones or a.emails):
        problems.add("name", "give a name, a registration id, a website, a phone or an email to look for")
    problems.raise_if_any()
    return matching.AccountProbe(
        "", a.name.strip(), a.legal_name.strip(), tuple(("vat", r) for r in a.registration_ids), tuple(a.websites),
        tuple(n.number for n in values["phones"]), tuple(e.address.strip() for e in a.emails if e.address.strip()),
    )


class DuplicateRpcs:
    ROLES: dict[str, tuple[str, ...]] = {
        "FindPersonDuplicates": READERS,
        "StartDuplicateScan": ADMINS,
        "GetDuplicateScan": ADMINS,
        "ListDuplicatePairs": READERS,
        "DismissDuplicatePair": WRITERS,
        "MergePersons": WRITERS,  # and every record must be visible to the caller
        "GetPersonMerge": READERS,
        "UndoMerge": WRITERS,
        "FindAccountDuplicates": READERS,
        "MergeAccounts": WRITERS,  # and every account must be visible to the caller
        "GetAccountMerge": READERS,
        "UndoAccountMerge": WRITERS,
    }
    app: Contacts

    def FindPersonDuplicates(self, request: dpb.FindPersonDuplicatesRequest, context) -> dpb.FindPersonDuplicatesResponse:
        found = None
        if request.HasField("person"):
            try:
                found = probe(request.person, self.app.settings.default_phone_region or None)
            except InvalidArgument as exc:
                raise mappers.under("person", exc) from None
        matches = duplicates.find_person_duplicates(
            self.app.uow, Viewer.of(current_principal()), person_id=request.person_id, probe=found,
            min_score=request.min_score, limit=request.page_size,
        )
        return dpb.FindPersonDuplicatesResponse(candidates=[duplicate_messages.candidate(m) for m in matches])

    def StartDuplicateScan(self, request: dpb.StartDuplicateScanRequest, context) -> dpb.DuplicateScan:
        return duplicate_messages.scan(duplicates.start_scan(self.app.uow, Viewer.of(current_principal()), request.min_score))

    def GetDuplicateScan(self, request: dpb.GetDuplicateScanRequest, context) -> dpb.DuplicateScan:
        return duplicate_messages.scan(duplicates.get_scan(self.app.uow, request.id))

    def ListDuplicatePairs(self, request: dpb.ListDuplicatePairsRequest, context) -> dpb.ListDuplicatePairsResponse:
        status = PAIR_STATUS_WORDS.get(request.status, "")
        pairs, token, names = duplicates.list_pairs(
            self.app.uow, Viewer.of(current_principal()), status, request.min_score, request.page_size, request.page_token
        )
        return dpb.ListDuplicatePairsResponse(pairs=[duplicate_messages.pair(p, names) for p in pairs], next_page_token=token)

    def DismissDuplicatePair(self, request: dpb.DismissDuplicatePairRequest, context) -> dpb.DuplicatePair:
        viewer = Viewer.of(current_principal())
        pair = duplicates.dismiss_pair(self.app.uow, viewer, request.id)
        return duplicate_messages.pair(pair, {})

    def MergePersons(self, request: dpb.MergePersonsRequest, context) -> dpb.PersonMerge:
        plan = MergePlan(request.survivor_id, tuple(request.merged_ids), dict(request.field_choices))
        _, record = duplicates.merge_persons(self.app.uow, Viewer.of(current_principal()), plan)
        return duplicate_messages.merge(record, undoable=True)

    def GetPersonMerge(self, request: dpb.GetPersonMergeRequest, context) -> dpb.PersonMerge:
        record, undoable = duplicates.get_merge(self.app.uow, Viewer.of(current_principal()), request.id)
        return duplicate_messages.merge(record, undoable)

    def UndoMerge(self, request: dpb.UndoMergeRequest, context) -> dpb.PersonMerge:
        record, _ = duplicates.undo_merge(self.app.uow, Viewer.of(current_principal()), request.merge_id)
        return duplicate_messages.merge(record, undoable=False)

    def FindAccountDuplicates(self, request: dpb.FindAccountDuplicatesRequest, context) -> dpb.FindAccountDuplicatesResponse:
        found = None
        if request.HasField("account"):
            try:
                found = account_probe(request.account, self.app.settings.default_phone_region or None)
            except InvalidArgument as exc:
                raise mappers.under("account", exc) from None
        matches = duplicates.find_account_duplicates(
            self.app.uow, Viewer.of(current_principal()), account_id=request.account_id, probe=found,
            min_score=request.min_score, limit=request.page_size,
        )
        return dpb.FindAccountDuplicatesResponse(candidates=[duplicate_messages.account_candidate(m) for m in matches])

    def MergeAccounts(self, request: dpb.MergeAccountsRequest, context) -> dpb.AccountMerge:
        plan = MergePlan(request.survivor_id, tuple(request.merged_ids), dict(request.field_choices))
        _, record = duplicates.merge_accounts(self.app.uow, Viewer.of(current_principal()), plan)
        return duplicate_messages.account_merge(record, undoable=True)

    def GetAccountMerge(self, request: dpb.GetAccountMergeRequest, context) -> dpb.AccountMerge:
        record, undoable = duplicates.get_account_merge(self.app.uow, Viewer.of(current_principal()), request.id)
        return duplicate_messages.account_merge(record, undoable)

    def UndoAccountMerge(self, request: dpb.UndoAccountMergeRequest, context) -> dpb.AccountMerge:
        record, _ = duplicates.undo_account_merge(self.app.uow, Viewer.of(current_principal()), request.merge_id)
        return duplicate_messages.account_merge(record, undoable=False)
