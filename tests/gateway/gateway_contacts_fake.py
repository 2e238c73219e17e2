"""In-memory ContactsService RPCs of the customer file's areas (beyond create/get/list persons) for the gateway tests.

`ContactsAreasFake` is mixed into conftest's FakeContacts: it answers as the contract says where the gateway cares
(field paths of bad fields, NOT_FOUND, ALREADY_EXISTS with the duplicate candidates, FAILED_PRECONDITION for a stale
etag) and records every request through `_called`. The roles are the service's (entrypoints/roles.py).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from google.protobuf.timestamp_pb2 import Timestamp

from crm.contacts.v1 import accounts_pb2, contacts_pb2, custom_fields_pb2, duplicates_pb2, search_pb2, transfer_pb2
from crm_chassis import auth, errors

READERS = ["sales", "marketing", "support", "viewer"]
WRITERS = ["sales", "marketing", "support"]
ADMINS: list[str] = []  # admin only

CONTACTS_AREA_ROLES = {
    "UpdatePerson": WRITERS,
    "ErasePerson": WRITERS,
    "AddOwnedProduct": WRITERS,
    "ListOwnedProducts": READERS,
    "UpdateOwnedProduct": WRITERS,
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
    "CreateCustomField": ADMINS,
    "GetCustomField": READERS,
    "ListCustomFields": READERS,
    "UpdateCustomField": ADMINS,
    "DeleteCustomField": ADMINS,
    "SearchPersons": READERS,
    "SearchAccounts": READERS,
    "CreateSavedSearch": READERS,
    "GetSavedSearch": READERS,
    "ListSavedSearches": READERS,
    "UpdateSavedSearch": READERS,
    "DeleteSavedSearch": READERS,
    "FindPersonDuplicates": READERS,
    "FindAccountDuplicates": READERS,
    "StartDuplicateScan": ADMINS,
    "GetDuplicateScan": ADMINS,
    "ListDuplicatePairs": READERS,
    "DismissDuplicatePair": WRITERS,
    "MergePersons": WRITERS,
    "GetPersonMerge": READERS,
    "UndoMerge": WRITERS,
    "MergeAccounts": WRITERS,
    "GetAccountMerge": READERS,
    "UndoAccountMerge": WRITERS,
    "CreateImportMapping": WRITERS,
    "GetImportMapping": WRITERS,
    "ListImportMappings": WRITERS,
    "DeleteImportMapping": WRITERS,
    "StartImport": WRITERS,
    "UploadImportChunk": WRITERS,
    "GetImportJob": WRITERS,
    "ListImportJobs": WRITERS,
    "ResumeImport": WRITERS,
    "ListImportRejects": WRITERS,
    "ExportPersons": READERS,
}
_IMPORT_FIELDS = {"given_name", "family_name", "email", "email.work", "phone", "tags", "ignore"}
_COUNTERPARTS = {"spouse": "spouse", "parent": "child", "child": "parent", "manager": "assistant", "assistant": "manager"}
_ACCOUNT_COUNTERPARTS = {"customer": "supplier", "supplier": "customer", "partner": "partner", "competitor": "competitor"}


def now() -> Timestamp:
    stamp = Timestamp()
    stamp.GetCurrentTime()
    return stamp


def new_id() -> str:
    return str(uuid.uuid4())


def _bad(path: str, description: str) -> errors.InvalidArgument:
    return errors.InvalidArgument([errors.FieldViolation(path, description)])


def _apply_mask(stored, changes, paths) -> None:
    """Copies the masked fields (top level) of `changes` onto `stored`, as the service does."""
    for path in paths:
        stored.ClearField(path)
        descriptor = changes.DESCRIPTOR.fields_by_name[path]
        value = getattr(changes, path)
        if descriptor.is_repeated and descriptor.message_type is not None and descriptor.message_type.GetOptions().map_entry:
            for key, item in value.items():
                getattr(stored, path)[key].CopyFrom(item)
        elif descriptor.is_repeated:
            getattr(stored, path).extend(value)
        elif descriptor.message_type is not None:
            if changes.HasField(path):
                getattr(stored, path).CopyFrom(value)
        elif descriptor.has_presence and not changes.HasField(path):
            continue
        else:
            setattr(stored, path, value)


def _check_etag(kind: str, stored, etag: str) -> None:
    current = stored.etag or '"1"'
    if etag and etag != current:
        raise errors.FailedPrecondition(
            f"{kind} {stored.id} was changed by someone else (etag {etag} is stale, now {current}); read it again",
            reason=errors.STALE_VERSION,
        )


def _bump(stored) -> None:
    version = int((stored.etag or '"1"').strip('"')) + 1
    stored.etag = f'"{version}"'
    stored.update_time.CopyFrom(now())


@dataclass
class ContactsAreasFake:
    owned_products: dict[str, contacts_pb2.OwnedProduct] = field(default_factory=dict)
    history: dict[str, list[contacts_pb2.HistoryEntry]] = field(default_factory=dict)
    accounts: dict[str, accounts_pb2.Account] = field(default_factory=dict)
    account_history: dict[str, list[accounts_pb2.AccountHistoryEntry]] = field(default_factory=dict)
    links: dict[str, accounts_pb2.PersonAccountLink] = field(default_factory=dict)
    person_relations: dict[str, accounts_pb2.PersonRelation] = field(default_factory=dict)
    account_relations: dict[str, accounts_pb2.AccountRelation] = field(default_factory=dict)
    custom_fields: dict[str, custom_fields_pb2.CustomField] = field(default_factory=dict)
    saved_searches: dict[str, search_pb2.SavedSearch] = field(default_factory=dict)
    scans: dict[str, duplicates_pb2.DuplicateScan] = field(default_factory=dict)
    pairs: dict[str, duplicates_pb2.DuplicatePair] = field(default_factory=dict)
    merges: dict[str, duplicates_pb2.PersonMerge] = field(default_factory=dict)
    account_merges: dict[str, duplicates_pb2.AccountMerge] = field(default_factory=dict)
    import_mappings: dict[str, transfer_pb2.ImportMapping] = field(default_factory=dict)
    imports: dict[str, transfer_pb2.ImportJob] = field(default_factory=dict)
    # Each import's file as the parts it arrived in.
    import_parts: dict[str, list[bytes]] = field(default_factory=dict)
    import_max_bytes: int = 1 << 20
    rejects: dict[str, list[transfer_pb2.ImportReject]] = field(default_factory=dict)
    # Export pages after the first fail with this (contacts going away in the middle of a download).
    export_fails_later: Exception | None = None
    # Persons whose writes answer ALREADY_EXISTS with these candidates (unless allow_duplicates).
    duplicates_of: dict[str, list[duplicates_pb2.DuplicateCandidate]] = field(default_factory=dict)
    # Accounts written with this name answer ALREADY_EXISTS with these candidates (unless allow_duplicates).
    account_duplicates_named: dict[str, list[duplicates_pb2.AccountDuplicateCandidate]] = field(default_factory=dict)

    # -- persons --------------------------------------------------------------------------------------------------

    def _person(self, person_id: str) -> contacts_pb2.Person:
        if person_id not in self.persons:
            raise errors.NotFound(f"no person {person_id}")
        return self.persons[person_id]

    def UpdatePerson(self, request, context):
        self._called(request)
        stored = self._person(request.person.id)
        if stored.erased:
            raise errors.FailedPrecondition(f"person {stored.id} is erased and cannot be changed")
        _check_etag("person", stored, request.person.etag)
        paths = list(request.update_mask.paths)
        bad = errors.Violations()
        if not paths:
            bad.add("update_mask", "must name the fields to change")
        if "family_name" in paths and not request.person.family_name:
            bad.add("person.family_name", "must not be empty")
        for i, email in enumerate(request.person.emails if "emails" in paths else ()):
            if "@" not in email.address:
                bad.add(f"person.emails[{i}].address", "is not an email address")
        bad.raise_if_any()
        candidates = self.duplicates_of.get(stored.id)
        if candidates and not request.allow_duplicates:
            raise errors.AlreadyExists("the person looks like others", details=(duplicates_pb2.DuplicatesFound(candidates=candidates),))
        _apply_mask(stored, request.person, paths)
        _bump(stored)
        return stored

    def ErasePerson(self, request, context):
        self._called(request)
        stored = self._person(request.id)
        kept = {"id": stored.id, "owner": stored.owner, "team": stored.team, "territory": stored.territory}
        stored.Clear()
        stored.MergeFrom(contacts_pb2.Person(**kept, erased=True, erase_time=now(), create_time=now(), update_time=now()))
        self.history[stored.id] = [contacts_pb2.HistoryEntry(id=new_id(), person_id=stored.id, kind="PersonErased", summary="Erased")]
        return stored

    def ListPersonHistory(self, request, context):
        self._called(request)
        self._person(request.person_id)
        return contacts_pb2.ListPersonHistoryResponse(entries=self.history.get(request.person_id, []))

    # -- owned products -------------------------------------------------------------------------------------------

    def AddOwnedProduct(self, request, context):
        self._called(request)
        product = request.owned_product
        bad = errors.Violations()
        if bool(product.person_id) == bool(product.account_id):
            bad.add("owned_product.person_id", "exactly one of person_id and account_id is needed")
        if not product.name:
            bad.add("owned_product.name", "must not be empty")
        if product.purchased_on and len(product.purchased_on) != 10:
            bad.add("owned_product.purchased_on", "is not a date (YYYY-MM-DD)")
        bad.raise_if_any()
        if product.person_id:
            self._person(product.person_id)
        elif product.account_id not in self.accounts:
            raise errors.NotFound(f"no account {product.account_id}")
        stored = contacts_pb2.OwnedProduct()
        stored.CopyFrom(product)
        stored.id, stored.active, stored.quantity = new_id(), True, product.quantity or 1
        stored.source = product.source or "manual"
        stored.create_time.CopyFrom(now())
        stored.update_time.CopyFrom(now())
        self.owned_products[stored.id] = stored
        return stored

    def ListOwnedProducts(self, request, context):
        self._called(request)
        if request.person_id:
            self._person(request.person_id)
        found = [
            p
            for p in self.owned_products.values()
            if (p.person_id, p.account_id) == (request.person_id, request.account_id) and (p.active or not request.active_only)
        ]
        return contacts_pb2.ListOwnedProductsResponse(owned_products=found)

    def UpdateOwnedProduct(self, request, context):
        self._called(request)
        if request.owned_product.id not in self.owned_products:
            raise errors.NotFound(f"no owned product {request.owned_product.id}")
        if "quantity" in request.update_mask.paths and request.owned_product.quantity < 1:
            raise _bad("owned_product.quantity", "must be at least 1")
        stored = self.owned_products[request.owned_product.id]
        _apply_mask(stored, request.owned_product, request.update_mask.paths)
        stored.update_time.CopyFrom(now())
        return stored

    # -- accounts -------------------------------------------------------------------------------------------------

    def _account(self, account_id: str) -> accounts_pb2.Account:
        if account_id not in self.accounts:
            raise errors.NotFound(f"no account {account_id}")
        return self.accounts[account_id]

    def _check_account(self, account, paths, bad: errors.Violations) -> None:
        if "name" in paths and not account.name:
            bad.add("account.name", "must not be empty")
        if "parent" in paths and bool(account.parent_id) != bool(account.parent_kind):
            bad.add("account.parent_kind", "is needed with a parent_id, and only with one")
        for i, website in enumerate(account.websites if "websites" in paths else ()):
            if " " in website.url:
                bad.add(f"account.websites[{i}].url", "is not an http(s) URL")

    def _check_account_duplicates(self, name: str, allow_duplicates: bool) -> None:
        candidates = self.account_duplicates_named.get(name)
        if candidates and not allow_duplicates:
            found = duplicates_pb2.DuplicatesFound(account_candidates=candidates)
            raise errors.AlreadyExists("the account looks like others", details=(found,))

    def CreateAccount(self, request, context):
        self._called(request)
        bad = errors.Violations()
        self._check_account(request.account, ("name", "parent", "websites"), bad)
        bad.raise_if_any()
        self._check_account_duplicates(request.account.name, request.allow_duplicates)
        if request.account.parent_id:
            self._account(request.account.parent_id)
        account = accounts_pb2.Account()
        account.CopyFrom(request.account)
        account.id, account.etag, account.owner = new_id(), '"1"', auth.current_principal().subject
        account.create_time.CopyFrom(now())
        account.update_time.CopyFrom(now())
        self.accounts[account.id] = account
        self.account_history[account.id] = [
            accounts_pb2.AccountHistoryEntry(
                id=new_id(), account_id=account.id, kind="AccountCreated", summary="Created", source="contacts"
            )
        ]
        return account

    def GetAccount(self, request, context):
        self._called(request)
        return self._account(request.id)

    def ListAccounts(self, request, context):
        self._called(request)
        start = int(request.page_token or 0)
        size = request.page_size or 50
        found = list(self.accounts.values())
        more = start + size < len(found)
        return accounts_pb2.ListAccountsResponse(accounts=found[start : start + size], next_page_token=str(start + size) if more else "")

    def UpdateAccount(self, request, context):
        self._called(request)
        stored = self._account(request.account.id)
        if stored.merged_into:
            raise errors.FailedPrecondition(f"account {stored.id} was merged into {stored.merged_into}")
        _check_etag("account", stored, request.account.etag)
        paths = list(request.update_mask.paths)
        bad = errors.Violations()
        self._check_account(request.account, paths, bad)
        bad.raise_if_any()
        self._check_account_duplicates(request.account.name if "name" in paths else stored.name, request.allow_duplicates)
        fields = [p for p in paths if p != "parent"] + (["parent_id", "parent_kind"] if "parent" in paths else [])
        _apply_mask(stored, request.account, fields)
        _bump(stored)
        return stored

    def ListAccountChildren(self, request, context):
        self._called(request)
        self._account(request.account_id)
        found, level = [], [(request.account_id, 0)]
        while level:
            parent, depth = level.pop(0)
            children = [a for a in self.accounts.values() if a.parent_id == parent]
            found += [accounts_pb2.AccountNode(account=a, depth=depth + 1) for a in children]
            if request.recursive:
                level += [(a.id, depth + 1) for a in children]
        return accounts_pb2.ListAccountChildrenResponse(children=found)

    def ListAccountHistory(self, request, context):
        self._called(request)
        self._account(request.account_id)
        return accounts_pb2.ListAccountHistoryResponse(entries=self.account_history.get(request.account_id, []))

    # -- relations ------------------------------------------------------------------------------------------------

    def LinkPersonToAccount(self, request, context):
        self._called(request)
        link = request.link
        if link.end_date and link.start_date and link.end_date < link.start_date:
            raise _bad("link.end_date", "is before start_date")
        self._person(link.person_id)
        self._account(link.account_id)
        stored = accounts_pb2.PersonAccountLink()
        stored.CopyFrom(link)
        stored.id = new_id()
        stored.create_time.CopyFrom(now())
        self.links[stored.id] = stored
        return stored

    def UpdatePersonAccountLink(self, request, context):
        self._called(request)
        if request.link.id not in self.links:
            raise errors.NotFound(f"no link {request.link.id}")
        stored = self.links[request.link.id]
        _apply_mask(stored, request.link, request.update_mask.paths)
        if stored.end_date and stored.start_date and stored.end_date < stored.start_date:
            raise _bad("link.end_date", "is before start_date")
        return stored

    def UnlinkPersonFromAccount(self, request, context):
        self._called(request)
        if self.links.pop(request.link_id, None) is None:
            raise errors.NotFound(f"no link {request.link_id}")
        return accounts_pb2.UnlinkPersonFromAccountResponse()

    def _links(self, include_ended: bool, **match) -> accounts_pb2.ListPersonAccountLinksResponse:
        found = [
            link
            for link in self.links.values()
            if all(getattr(link, k) == v for k, v in match.items()) and (include_ended or not link.end_date)
        ]
        return accounts_pb2.ListPersonAccountLinksResponse(links=found)

    def ListAccountPersons(self, request, context):
        self._called(request)
        self._account(request.account_id)
        return self._links(request.include_ended, account_id=request.account_id)

    def ListPersonAccounts(self, request, context):
        self._called(request)
        self._person(request.person_id)
        return self._links(request.include_ended, person_id=request.person_id)

    def RelatePersons(self, request, context):
        self._called(request)
        relation = request.relation
        if relation.label not in _COUNTERPARTS:
            raise _bad("relation.label", f"is not one of {', '.join(sorted(_COUNTERPARTS))}")
        self._person(relation.person_id)
        self._person(relation.related_person_id)
        stored = accounts_pb2.PersonRelation(id=new_id(), create_time=now())
        stored.MergeFrom(relation)
        self.person_relations[stored.id] = stored
        return stored

    def ListPersonRelations(self, request, context):
        self._called(request)
        self._person(request.person_id)
        found = []
        for r in self.person_relations.values():
            if r.person_id == request.person_id:
                found.append(r)
            elif r.related_person_id == request.person_id:
                found.append(
                    accounts_pb2.PersonRelation(
                        id=r.id, person_id=r.related_person_id, related_person_id=r.person_id, label=_COUNTERPARTS[r.label]
                    )
                )
        return accounts_pb2.ListPersonRelationsResponse(relations=found)

    def DeletePersonRelation(self, request, context):
        self._called(request)
        if self.person_relations.pop(request.relation_id, None) is None:
            raise errors.NotFound(f"no relation {request.relation_id}")
        return accounts_pb2.DeletePersonRelationResponse()

    def RelateAccounts(self, request, context):
        self._called(request)
        relation = request.relation
        if relation.label not in _ACCOUNT_COUNTERPARTS:
            raise _bad("relation.label", "is not a relation between accounts")
        if relation.account_id == relation.related_account_id:
            raise errors.FailedPrecondition("an account cannot be related to itself")
        self._account(relation.account_id)
        self._account(relation.related_account_id)
        stored = accounts_pb2.AccountRelation(id=new_id(), create_time=now())
        stored.MergeFrom(relation)
        self.account_relations[stored.id] = stored
        return stored

    def ListAccountRelations(self, request, context):
        self._called(request)
        self._account(request.account_id)
        found = [r for r in self.account_relations.values() if request.account_id in (r.account_id, r.related_account_id)]
        return accounts_pb2.ListAccountRelationsResponse(relations=found)

    def DeleteAccountRelation(self, request, context):
        self._called(request)
        if self.account_relations.pop(request.relation_id, None) is None:
            raise errors.NotFound(f"no relation {request.relation_id}")
        return accounts_pb2.DeleteAccountRelationResponse()

    # -- custom fields --------------------------------------------------------------------------------------------

    def _custom_field(self, field_id: str) -> custom_fields_pb2.CustomField:
        if field_id not in self.custom_fields:
            raise errors.NotFound(f"no custom field {field_id}")
        return self.custom_fields[field_id]

    def CreateCustomField(self, request, context):
        self._called(request)
        definition = request.custom_field
        bad = errors.Violations()
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", definition.key):
            bad.add("custom_field.key", "must match ^[a-z][a-z0-9_]{0,62}$")
        if not definition.entity:
            bad.add("custom_field.entity", "must be person or account")
        choices = (custom_fields_pb2.CUSTOM_FIELD_TYPE_CHOICE, custom_fields_pb2.CUSTOM_FIELD_TYPE_MULTI_CHOICE)
        if definition.type in choices and not definition.options:
            bad.add("custom_field.options", "a choice field needs options")
        if definition.validation.max_length and definition.type != custom_fields_pb2.CUSTOM_FIELD_TYPE_TEXT:
            bad.add("custom_field.validation.max_length", "is a rule of text fields")
        bad.raise_if_any()
        if any((f.entity, f.key) == (definition.entity, definition.key) for f in self.custom_fields.values()):
            raise errors.AlreadyExists(f"a field {definition.key} exists already")
        stored = custom_fields_pb2.CustomField()
        stored.CopyFrom(definition)
        stored.id = new_id()
        stored.create_time.CopyFrom(now())
        self.custom_fields[stored.id] = stored
        return stored

    def GetCustomField(self, request, context):
        self._called(request)
        return self._custom_field(request.id)

    def ListCustomFields(self, request, context):
        self._called(request)
        found = sorted(
            (
                f
                for f in self.custom_fields.values()
                if (not request.entity or f.entity == request.entity) and (request.include_retired or not f.HasField("retire_time"))
            ),
            key=lambda f: f.key,
        )
        return custom_fields_pb2.ListCustomFieldsResponse(custom_fields=found)

    def UpdateCustomField(self, request, context):
        self._called(request)
        stored = self._custom_field(request.custom_field.id)
        if "label" in request.update_mask.paths and not request.custom_field.label:
            raise _bad("custom_field.label", "must not be empty")
        _apply_mask(stored, request.custom_field, request.update_mask.paths)
        stored.update_time.CopyFrom(now())
        return stored

    def DeleteCustomField(self, request, context):
        self._called(request)
        stored = self._custom_field(request.id)
        stored.retire_time.CopyFrom(now())
        if request.purge:
            del self.custom_fields[request.id]
        return stored

    # -- search ---------------------------------------------------------------------------------------------------

    def _search(self, request, records, default_columns):
        query = request.query
        if request.saved_search_id:
            saved = self._saved_search(request.saved_search_id)
            query = " and ".join(q for q in (saved.query, query) if q)
        if "citty" in query:
            raise _bad("query", f"column {query.index('citty') + 1}: unknown field 'citty'; did you mean 'city'?")
        wanted = re.findall(r'(\w+) = "([^"]*)"', query)
        columns = list(request.columns) or default_columns
        found = [r for r in records if all(str(getattr(r, name, "")) == value for name, value in wanted)]
        start = int(request.page_token or 0)
        size = request.page_size or 50
        rows = [
            search_pb2.SearchResultRow(id=r.id, values={c: str(getattr(r, c, "")) for c in columns}) for r in found[start : start + size]
        ]
        more = start + size < len(found)
        response = search_pb2.SearchResponse(rows=rows, columns=columns, next_page_token=str(start + size) if more else "")
        if request.include_count:
            response.total_count = len(found)
        return response

    def SearchPersons(self, request, context):
        self._called(request)
        return self._search(request, list(self.persons.values()), ["given_name", "family_name"])

    def SearchAccounts(self, request, context):
        self._called(request)
        return self._search(request, list(self.accounts.values()), ["name", "industry"])

    def _saved_search(self, search_id: str) -> search_pb2.SavedSearch:
        if search_id not in self.saved_searches:
            raise errors.NotFound(f"no saved search {search_id}")
        return self.saved_searches[search_id]

    def CreateSavedSearch(self, request, context):
        self._called(request)
        saved = request.saved_search
        bad = errors.Violations()
        if not saved.name:
            bad.add("saved_search.name", "must not be empty")
        if "citty" in saved.query:
            bad.add("saved_search.query", "column 1: unknown field 'citty'; did you mean 'city'?")
        bad.raise_if_any()
        if any((s.entity, s.name) == (saved.entity, saved.name) for s in self.saved_searches.values()):
            raise errors.AlreadyExists(f"a saved search {saved.name} exists already")
        stored = search_pb2.SavedSearch()
        stored.CopyFrom(saved)
        stored.id, stored.owner = new_id(), auth.current_principal().subject
        stored.create_time.CopyFrom(now())
        self.saved_searches[stored.id] = stored
        return stored

    def GetSavedSearch(self, request, context):
        self._called(request)
        return self._saved_search(request.id)

    def ListSavedSearches(self, request, context):
        self._called(request)
        found = sorted((s for s in self.saved_searches.values() if not request.entity or s.entity == request.entity), key=lambda s: s.name)
        return search_pb2.ListSavedSearchesResponse(saved_searches=found)

    def UpdateSavedSearch(self, request, context):
        self._called(request)
        stored = self._saved_search(request.saved_search.id)
        _apply_mask(stored, request.saved_search, request.update_mask.paths)
        stored.update_time.CopyFrom(now())
        return stored

    def DeleteSavedSearch(self, request, context):
        self._called(request)
        self._saved_search(request.id)
        del self.saved_searches[request.id]
        return search_pb2.DeleteSavedSearchResponse()

    # -- duplicates -----------------------------------------------------------------------------------------------

    def FindPersonDuplicates(self, request, context):
        self._called(request)
        if request.person_id:
            self._person(request.person_id)
            candidates = self.duplicates_of.get(request.person_id, [])
        else:
            bad = errors.Violations()
            for i, email in enumerate(request.person.emails):
                if "@" not in email.address:
                    bad.add(f"person.emails[{i}].address", "is not an email address")
            bad.raise_if_any()
            candidates = [
                duplicates_pb2.DuplicateCandidate(
                    person_id=p.id, display_name=f"{p.given_name} {p.family_name}", score=0.9, reasons=["same family name"]
                )
                for p in self.persons.values()
                if p.family_name == request.person.family_name
            ]
        return duplicates_pb2.FindPersonDuplicatesResponse(candidates=[c for c in candidates if c.score >= (request.min_score or 0.5)])

    def FindAccountDuplicates(self, request, context):
        self._called(request)
        if request.account_id:
            name = self._account(request.account_id).name
        else:
            name = request.account.name
        found = [
            duplicates_pb2.AccountDuplicateCandidate(account_id=a.id, name=a.name, score=0.95, reasons=["same name"])
            for a in self.accounts.values()
            if a.name == name and a.id != request.account_id
        ]
        return duplicates_pb2.FindAccountDuplicatesResponse(candidates=found)

    def StartDuplicateScan(self, request, context):
        self._called(request)
        if request.min_score > 1:
            raise _bad("min_score", "must be between 0 and 1")
        scan = duplicates_pb2.DuplicateScan(
            id=new_id(),
            status=duplicates_pb2.DUPLICATE_SCAN_STATUS_PENDING,
            min_score=request.min_score or 0.6,
            requested_by=auth.current_principal().subject,
            request_time=now(),
        )
        self.scans[scan.id] = scan
        return scan

    def GetDuplicateScan(self, request, context):
        self._called(request)
        if request.id not in self.scans:
            raise errors.NotFound(f"no scan {request.id}")
        return self.scans[request.id]

    def ListDuplicatePairs(self, request, context):
        self._called(request)
        status = request.status or duplicates_pb2.DUPLICATE_PAIR_STATUS_OPEN
        found = sorted((p for p in self.pairs.values() if p.status == status and p.score >= request.min_score), key=lambda p: -p.score)
        return duplicates_pb2.ListDuplicatePairsResponse(pairs=found)

    def DismissDuplicatePair(self, request, context):
        self._called(request)
        if request.id not in self.pairs:
            raise errors.NotFound(f"no pair {request.id}")
        pair = self.pairs[request.id]
        if pair.status == duplicates_pb2.DUPLICATE_PAIR_STATUS_MERGED:
            raise errors.FailedPrecondition("the pair was merged")
        pair.status, pair.decided_by = duplicates_pb2.DUPLICATE_PAIR_STATUS_DISMISSED, auth.current_principal().subject
        pair.decide_time.CopyFrom(now())
        return pair

    def _merge(self, request, get, merges: dict, lineage):
        """MergePersons and MergeAccounts: `get` finds a record (NOT_FOUND otherwise), `lineage` is the merge's message."""
        self._called(request)
        bad = errors.Violations()
        if not request.merged_ids:
            bad.add("merged_ids", "must name at least one record")
        for i, merged in enumerate(request.merged_ids):
            if merged == request.survivor_id:
                bad.add(f"merged_ids[{i}]", "is the survivor")
        ids = {request.survivor_id, *request.merged_ids}
        for name, chosen in sorted(request.field_choices.items()):
            if chosen not in ids:
                bad.add(f"field_choices.{name}", "is not one of the records merged")
        bad.raise_if_any()
        for record_id in ids:
            if get(record_id).merged_into:
                raise errors.FailedPrecondition(f"{record_id} was merged already")
        survivor = get(request.survivor_id)
        for name, chosen in request.field_choices.items():
            setattr(survivor, name, getattr(get(chosen), name))
        for merged in request.merged_ids:
            get(merged).merged_into = survivor.id
        merge = lineage(
            id=new_id(),
            survivor_id=survivor.id,
            merged_ids=request.merged_ids,
            merged_by=auth.current_principal().subject,
            merge_time=now(),
            undoable=True,
        )
        merges[merge.id] = merge
        return merge

    def _lineage(self, request, merges: dict, merge_id: str):
        self._called(request)
        if merge_id not in merges:
            raise errors.NotFound(f"no merge {merge_id}")
        return merges[merge_id]

    def _undo(self, request, get, merges: dict):
        merge = self._lineage(request, merges, request.merge_id)
        if not merge.undoable:
            raise errors.FailedPrecondition("the merge cannot be undone: it was undone already or the survivor changed")
        for merged in merge.merged_ids:
            get(merged).merged_into = ""
        merge.undoable, merge.undone_by = False, auth.current_principal().subject
        merge.undo_time.CopyFrom(now())
        return merge

    def MergePersons(self, request, context):
        return self._merge(request, self._person, self.merges, duplicates_pb2.PersonMerge)

    def GetPersonMerge(self, request, context):
        return self._lineage(request, self.merges, request.id)

    def UndoMerge(self, request, context):
        return self._undo(request, self._person, self.merges)

    def MergeAccounts(self, request, context):
        return self._merge(request, self._account, self.account_merges, duplicates_pb2.AccountMerge)

    def GetAccountMerge(self, request, context):
        return self._lineage(request, self.account_merges, request.id)

    def UndoAccountMerge(self, request, context):
        return self._undo(request, self._account, self.account_merges)

    # -- import and export ----------------------------------------------------------------------------------------

    def _check_columns(self, columns, path: str, bad: errors.Violations) -> None:
        for i, column in enumerate(columns):
            if column.field not in _IMPORT_FIELDS and not column.field.startswith("cf."):
                bad.add(f"{path}columns[{i}].field", f"unknown field {column.field!r}")

    def CreateImportMapping(self, request, context):
        self._called(request)
        bad = errors.Violations()
        if not request.mapping.name:
            bad.add("mapping.name", "must not be empty")
        self._check_columns(request.mapping.columns, "mapping.", bad)
        bad.raise_if_any()
        if request.mapping.name in self.import_mappings:
            raise errors.AlreadyExists(f"you have a mapping {request.mapping.name} already")
        stored = transfer_pb2.ImportMapping()
        stored.CopyFrom(request.mapping)
        stored.create_time.CopyFrom(now())
        self.import_mappings[stored.name] = stored
        return stored

    def GetImportMapping(self, request, context):
        self._called(request)
        if request.name not in self.import_mappings:
            raise errors.NotFound(f"no mapping {request.name}")
        return self.import_mappings[request.name]

    def ListImportMappings(self, request, context):
        self._called(request)
        return transfer_pb2.ListImportMappingsResponse(mappings=sorted(self.import_mappings.values(), key=lambda m: m.name))

    def DeleteImportMapping(self, request, context):
        self._called(request)
        if self.import_mappings.pop(request.name, None) is None:
            raise errors.NotFound(f"no mapping {request.name}")
        return transfer_pb2.DeleteImportMappingResponse()

    def StartImport(self, request, context):
        self._called(request)
        bad = errors.Violations()
        if not request.format:
            bad.add("format", "must be csv or vcard")
        if not request.file and not request.chunked:
            bad.add("file", "is empty")
        if len(request.file) > 3 * 1024 * 1024:
            bad.add("file", "must be at most 3,145,728 bytes per call")
        if request.mapping_name and request.mapping_name not in self.import_mappings:
            bad.add("mapping_name", f"you have no import mapping named {request.mapping_name!r}")
        self._check_columns(request.columns, "", bad)
        bad.raise_if_any()
        job = transfer_pb2.ImportJob(
            id=new_id(),
            status=transfer_pb2.IMPORT_STATUS_UPLOADING if request.chunked else transfer_pb2.IMPORT_STATUS_QUEUED,
            format=request.format,
            dry_run=request.dry_run,
            allow_duplicates=request.allow_duplicates,
            mapping_name=request.mapping_name,
            file_name=request.file_name,
            file_size=len(request.file),
            owner=auth.current_principal().subject,
            create_time=now(),
        )
        self.imports[job.id] = job
        self.import_parts[job.id] = [request.file]
        return job

    def _job(self, job_id: str) -> transfer_pb2.ImportJob:
        if job_id not in self.imports:
            raise errors.NotFound(f"no import {job_id}")
        return self.imports[job_id]

    def UploadImportChunk(self, request, context):
        self._called(request)
        job = self._job(request.job_id)
        if job.status != transfer_pb2.IMPORT_STATUS_UPLOADING:
            raise errors.FailedPrecondition(f"import {job.id} is not uploading: chunks are no longer accepted")
        if job.file_size + len(request.data) > self.import_max_bytes:
            raise _bad("data", f"the file would exceed {self.import_max_bytes:,} bytes, the limit of one import")
        self.import_parts[job.id].append(request.data)
        job.file_size += len(request.data)
        if request.last:
            job.status = transfer_pb2.IMPORT_STATUS_QUEUED
        return job

    def GetImportJob(self, request, context):
        self._called(request)
        return self._job(request.id)

    def ListImportJobs(self, request, context):
        self._called(request)
        return transfer_pb2.ListImportJobsResponse(jobs=list(self.imports.values())[::-1])

    def ResumeImport(self, request, context):
        self._called(request)
        job = self._job(request.id)
        if job.status != transfer_pb2.IMPORT_STATUS_FAILED:
            raise errors.FailedPrecondition(f"import {job.id} has not failed")
        job.status = transfer_pb2.IMPORT_STATUS_QUEUED
        return job

    def ListImportRejects(self, request, context):
        self._called(request)
        self._job(request.job_id)
        rows = self.rejects.get(request.job_id, [])
        if request.outcome == transfer_pb2.IMPORT_ROW_OUTCOME_REJECTED:
            rows = [r for r in rows if r.outcome == request.outcome]
        elif request.outcome:
            rows = [r for r in rows if r.outcome != transfer_pb2.IMPORT_ROW_OUTCOME_REJECTED]
        return transfer_pb2.ListImportRejectsResponse(rows=rows)

    def ExportPersons(self, request, context):
        self._called(request)
        bad = errors.Violations()
        if not request.format:
            bad.add("format", "must be csv, vcard_3 or vcard_4")
        if request.query:
            bad.add("query", "must be empty for now")
        bad.raise_if_any()
        if request.page_token and self.export_fails_later is not None:
            raise self.export_fails_later
        persons = [p for p in self.persons.values() if not p.erased]
        start = int(request.page_token or 0)
        size = request.page_size or 1000
        page = persons[start : start + size]
        if request.format == transfer_pb2.EXPORT_FORMAT_CSV:
            columns = list(request.columns) or ["given_name", "family_name"]
            text = ("\ufeff" + ",".join(columns) + "\r\n") if start == 0 else ""
            text += "".join(",".join(getattr(p, c) for c in columns) + "\r\n" for p in page)
            content_type = "text/csv; charset=utf-8"
        else:
            version = "3.0" if request.format == transfer_pb2.EXPORT_FORMAT_VCARD_3 else "4.0"
            text = "".join(f"BEGIN:VCARD\r\nVERSION:{version}\r\nFN:{p.given_name} {p.family_name}\r\nEND:VCARD\r\n" for p in page)
            content_type = "text/vcard; charset=utf-8"
        more = start + size < len(persons)
        return transfer_pb2.ExportPersonsResponse(
            data=text.encode(), count=len(page), next_page_token=str(start + size) if more else "", content_type=content_type
        )
