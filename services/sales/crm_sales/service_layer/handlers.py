"""The core use cases: one function per command or query, each one transaction (ConvertLead: a few, resumable)."""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Protocol

from crm_chassis import paging
from crm_chassis.access import Viewer
from crm_chassis.envelope import utcnow
from crm_chassis.errors import AlreadyExists, FailedPrecondition, FieldViolation, InvalidArgument, NotFound, Violations
from crm_sales.domain import events, leads, opportunities, pipelines
from crm_sales.domain.leads import Lead, LeadData
from crm_sales.domain.opportunities import Contact, Opportunity, OpportunityData, StageChange
from crm_sales.domain.pipelines import Pipeline, StageSpec
from crm_sales.service_layer.unit_of_work import SalesUnitOfWork

MAX_IMPORT_ROWS = 10_000
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _creator(viewer: Viewer) -> tuple[str, str, str]:
    return viewer.subject, viewer.team, viewer.territory


# --- pipelines ------------------------------------------------------------------------------------


def create_pipeline(uow: SalesUnitOfWork, name: str, stages: list[StageSpec], is_default: bool) -> Pipeline:
    with uow:
        pipeline = pipelines.new_pipeline(name, stages, is_default, utcnow())
        if uow.pipelines.name_taken(pipeline.name):
            raise AlreadyExists(f"a pipeline named {pipeline.name!r} exists")
        if uow.pipelines.default() is None:
            pipeline.is_default = True  # the first pipeline is where opportunities go unless told otherwise
        uow.pipelines.add(pipeline)
        uow.record(events.PipelineCreated(pipeline))
        uow.commit()
        return pipeline


def get_pipeline(uow: SalesUnitOfWork, pipeline_id: str) -> Pipeline:
    with uow:
        pipeline = uow.pipelines.get(pipeline_id)
        if pipeline is None:
            raise NotFound(f"pipeline {pipeline_id} not found")
        return pipeline


def list_pipelines(uow: SalesUnitOfWork) -> list[Pipeline]:
    with uow:
        return uow.pipelines.list()


def update_pipeline(uow: SalesUnitOfWork, pipeline_id: str, name: str, stages: list[StageSpec], is_default: bool) -> Pipeline:
    with uow:
        pipeline = uow.pipelines.get(pipeline_id, lock=True)
        if pipeline is None:
            raise NotFound(f"pipeline {pipeline_id} not found")
        pipelines.revise_pipeline(pipeline, name, stages, uow.pipelines.occupied_stages(pipeline_id), utcnow())
        if uow.pipelines.name_taken(pipeline.name, other_than=pipeline.id):
            raise AlreadyExists(f"a pipeline named {pipeline.name!r} exists")
        # The default can be moved to another pipeline, not switched off: there must always be one.
        pipeline.is_default = pipeline.is_default or is_default
        uow.pipelines.save(pipeline)
        uow.record(events.PipelineUpdated(pipeline))
        uow.commit()
        return pipeline


# --- close reasons and assignment rules ------------------------------------------------------------


def create_close_reason(uow: SalesUnitOfWork, kind: str, code: str, label: str) -> opportunities.CloseReason:
    with uow:
        reason = opportunities.new_close_reason(kind, code, label, utcnow())
        if uow.settings.reason_code_taken(reason.kind, reason.code):
            raise AlreadyExists(f"a {reason.kind} reason with code {reason.code!r} exists")
        uow.settings.add_reason(reason)
        uow.record(events.CloseReasonCreated(reason))
        uow.commit()
        return reason


def list_close_reasons(uow: SalesUnitOfWork, include_inactive: bool) -> list[opportunities.CloseReason]:
    with uow:
        return uow.settings.reasons(include_inactive)


def deactivate_close_reason(uow: SalesUnitOfWork, reason_id: str) -> opportunities.CloseReason:
    with uow:
        reason = uow.settings.reason(reason_id)
        if reason is None:
            raise NotFound(f"close reason {reason_id} not found")
        if reason.active:
            uow.settings.deactivate_reason(reason_id)
            reason = replace(reason, active=False)
            uow.record(events.CloseReasonDeactivated(reason))
            uow.commit()
        return reason


def create_assignment_rule(uow: SalesUnitOfWork, name: str, priority: int, countries: list[str], industries: list[str], owner: str,
                           members: list[str], team: str, territory: str) -> leads.AssignmentRule:
    with uow:
        rule = leads.new_rule(name, priority, countries, industries, owner, members, team, territory, utcnow())
        uow.settings.add_rule(rule)
        uow.record(events.AssignmentRuleCreated(rule))
        uow.commit()
        return rule


def list_assignment_rules(uow: SalesUnitOfWork) -> list[leads.AssignmentRule]:
    with uow:
        return uow.settings.rules()


def delete_assignment_rule(uow: SalesUnitOfWork, rule_id: str) -> None:
    with uow:
        if not uow.settings.delete_rule(rule_id):
            raise NotFound(f"assignment rule {rule_id} not found")
        uow.record(events.AssignmentRuleDeleted(rule_id))
        uow.commit()


# --- leads ---------------------------------------------------------------------------------------


def _assign_and_build(uow: SalesUnitOfWork, rules: list[leads.AssignmentRule], data: LeadData, viewer: Viewer, now: datetime,
                      origin_ref: str | None = None, at: str = "lead") -> Lead:
    country = data.country.strip().upper()
    rule = None if data.owner.strip() else leads.first_matching(rules, country, data.industry)
    lead = leads.new_lead(data, *_creator(viewer), now, rule=rule, origin_ref=origin_ref, at=at)
    if rule is not None:
        uow.settings.save_rule_cursor(rule)
    return lead


def create_lead(uow: SalesUnitOfWork, data: LeadData, viewer: Viewer) -> Lead:
    with uow:
        lead = _assign_and_build(uow, uow.settings.rules(lock=True), data, viewer, utcnow())
        uow.leads.add(lead)
        uow.commit()
        return lead


def get_lead(uow: SalesUnitOfWork, lead_id: str, viewer: Viewer) -> Lead:
    with uow:
        lead = uow.leads.get(lead_id, viewer)
        if lead is None:
            raise NotFound(f"lead {lead_id} not found")
        return lead


def list_leads(uow: SalesUnitOfWork, viewer: Viewer, page_size: int, page_token: str, status: str = "", owner: str = "") -> tuple[list[Lead], str]:
    size = paging.page_size(page_size)
    after = paging.decode_time_key(page_token)
    with uow:
        found = uow.leads.list(viewer, size, after, status, owner)
    return paging.page(found, size, lambda lead: paging.time_key(lead.created_at, lead.id))


def list_neglected_leads(uow: SalesUnitOfWork, viewer: Viewer, days: int, page_size: int, page_token: str) -> tuple[list[Lead], str]:
    size = paging.page_size(page_size)
    cutoff = leads.neglect_cutoff(days, utcnow())
    after = paging.decode_time_key(page_token)
    with uow:
        found = uow.leads.neglected(viewer, cutoff, leads.OPEN_STATUSES, size, after)
    return paging.page(found, size, lambda lead: paging.time_key(lead.last_activity_at, lead.id))


def update_lead(uow: SalesUnitOfWork, lead_id: str, data: LeadData, paths: tuple[str, ...], viewer: Viewer) -> Lead:
    problems = Violations()
    if not paths:
        problems.add("update_mask", "names no field to change")
    for p in paths:
        if p not in leads.UPDATABLE:
            problems.add("update_mask", f"{p!r} cannot be changed (paths: {', '.join(leads.UPDATABLE)})")
    problems.raise_if_any()
    cleaned = leads.clean(data, problems, "lead", paths)
    if "owner" in paths and not cleaned.owner:
        problems.add("lead.owner", "must not be empty")
    problems.raise_if_any()
    with uow:
        lead = uow.leads.get(lead_id, viewer, lock=True)
        if lead is None:
            raise NotFound(f"lead {lead_id} not found")
        lead.update(cleaned, paths, utcnow())
        if "family_name" in paths or "company" in paths:
            if not (lead.data.family_name or lead.data.company):
                raise InvalidArgument([FieldViolation("lead.family_name", "a lead needs a family name or a company")])
        uow.leads.save(lead)
        uow.commit()
        return lead


CSV_COLUMNS = tuple(name for name in (f.name for f in fields(LeadData)) if name != "status") + ("external_id",)


def import_leads(uow: SalesUnitOfWork, content: bytes, source: str, viewer: Viewer) -> list[Lead]:
    """All rows or none: every bad row and field is reported (`csv.rows[N].field`, N counting data rows from 1).

    A row with an `external_id` already imported is skipped, so a file can be sent again safely.
    """
    if len(content) > MAX_IMPORT_BYTES:
        raise InvalidArgument([FieldViolation("csv", f"must be at most {MAX_IMPORT_BYTES} bytes")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidArgument([FieldViolation("csv", "is not UTF-8")]) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    problems = Violations()
    if not header:
        problems.add("csv", "has no header row")
    for name in header:
        if name not in CSV_COLUMNS:
            problems.add("csv.header", f"unknown column {name!r} (known: {', '.join(CSV_COLUMNS)})")
    problems.raise_if_any()
    reader.fieldnames = header
    rows = []
    for i, row in enumerate(reader, start=1):
        if i > MAX_IMPORT_ROWS:
            raise InvalidArgument([FieldViolation("csv", f"must have at most {MAX_IMPORT_ROWS} rows")])
        if None in row:
            problems.add(f"csv.rows[{i}]", "has more cells than the header")
        rows.append((i, {k: (v or "").strip() for k, v in row.items() if k is not None}))
    if not rows:
        problems.add("csv", "has no data rows")
    problems.raise_if_any()
    now = utcnow()
    with uow:
        refs = [f"import:{r['external_id']}" for _, r in rows if r.get("external_id")]
        done = uow.leads.origin_exists(refs)
        rules = uow.settings.rules(lock=True)
        made: list[Lead] = []
        seen_refs: set[str] = set()
        for i, row in rows:
            ref = f"import:{row['external_id']}" if row.get("external_id") else None
            if ref in done:
                continue
            if ref in seen_refs:
                problems.add(f"csv.rows[{i}].external_id", "is in the file twice")
                continue
            if ref:
                seen_refs.add(ref)
            values = {k: v for k, v in row.items() if k != "external_id"}
            values["source"] = values.get("source") or source.strip() or "import"
            try:
                made.append(_assign_and_build(uow, rules, LeadData(**values), viewer, now, origin_ref=ref, at=f"csv.rows[{i}]"))
            except InvalidArgument as exc:
                problems.extend(list(exc.violations))
        problems.raise_if_any()
        uow.leads.add_many(made)
        uow.commit()
        return made


def lead_from_marketing_response(uow: SalesUnitOfWork, event_id: str, response_id: str, campaign_id: str, person_id: str,
                                 data: LeadData, consumer: str) -> Lead | None:
    """A campaign response becomes a lead of source "marketing", assigned by the rules; once per response."""
    with uow:
        if not uow.claim_event(consumer, event_id):
            return None
        ref = f"marketing:{response_id or event_id}"
        if uow.leads.origin_exists([ref]):
            uow.commit()
            return None
        data = replace(data, source="marketing", campaign_id=campaign_id, status=leads.NEW, owner="", team="", territory="")
        lead = _assign_and_build(uow, uow.settings.rules(lock=True), data, Viewer("service:marketing"), utcnow(), origin_ref=ref)
        lead.person_id = person_id
        uow.leads.add(lead)
        uow.commit()
        return lead


# --- lead conversion -----------------------------------------------------------------------------


class ContactsPort(Protocol):
    def check_person(self, person_id: str, token: str) -> None: ...
    def check_account(self, account_id: str, token: str) -> None: ...
    # request_id: contacts answers a retried create with what the first call made (see conversion_request_id)
    def create_person(self, lead: Lead, token: str, *, request_id: str = "") -> str: ...
    def create_account(self, name: str, country: str, industry: str, token: str, *, request_id: str = "") -> str: ...
    def link_person_to_account(self, person_id: str, account_id: str, title: str, token: str, *, request_id: str = "") -> None: ...


def conversion_request_id(lead_id: str, step: str, *ids: str) -> str:
    """The request id of one step of a lead's conversion in contacts, the same on every retry, so that a crash
    between contacts' answer and `_record_step` never makes a second person, account or link. A link's id names
    the person and the account (hashed: the request id must stay within 100 characters), since a retry may link
    other ones."""
    if not ids:
        return f"lead:{lead_id}:{step}"
    return f"lead:{lead_id}:{step}:{hashlib.sha256('|'.join(ids).encode()).hexdigest()[:32]}"


@dataclass(frozen=True)
class ConvertLead:
    lead_id: str
    create_account: bool = False
    account_id: str = ""
    person_id: str = ""
    opportunity: OpportunityData | None = None  # None: no opportunity


@dataclass(frozen=True)
class Conversion:
    lead: Lead
    person_id: str
    account_id: str
    opportunity: Opportunity | None


def convert_lead(make_uow, contacts: ContactsPort, cmd: ConvertLead, viewer: Viewer, token: str) -> Conversion:
    """Lead → person (+ account, linked) in contacts + opportunity here.

    Each step done in contacts is recorded in `lead_conversions` as soon as it succeeds, so a retry after a
    failure half way continues from there instead of creating a second person or account. Should the process die
    between contacts' answer and that record, the step's request id (the same on every retry) makes contacts
    answer what it made the first time. Converting a converted lead again answers the first conversion's result.
    """
    now = utcnow()
    with make_uow() as uow:
        lead = uow.leads.get(cmd.lead_id, viewer)
        if lead is None:
            raise NotFound(f"lead {cmd.lead_id} not found")
        if lead.data.status == leads.CONVERTED:
            opp = uow.opportunities.get(lead.opportunity_id) if lead.opportunity_id else None
            return Conversion(lead, lead.person_id, lead.account_id, opp)
        if lead.data.status == leads.DISQUALIFIED:
            raise FailedPrecondition("a disqualified lead cannot be converted; requalify it first")
        problems = Violations()
        if cmd.account_id and cmd.create_account:
            problems.add("create_account", "give either account_id or create_account, not both")
        if cmd.create_account and not lead.data.company:
            problems.add("create_account", "the lead has no company to make an account of")
        if cmd.opportunity is not None:
            # Check the opportunity now, before anything is created in contacts.
            pipeline = _pipeline_for(uow, cmd.opportunity)
            try:
                opportunities.new_opportunity(_opportunity_from_lead(cmd.opportunity, lead, "x", ""), pipeline, _creator(viewer), now)
            except InvalidArgument as exc:
                problems.extend(list(exc.violations))
        problems.raise_if_any()
        progress = uow.leads.conversion(lead.id) or ("", "", False)
    # Ids the caller names must be persons and accounts the caller may see in contacts.
    if cmd.person_id and cmd.person_id != progress[0]:
        contacts.check_person(cmd.person_id, token)
    if cmd.account_id and cmd.account_id != progress[1]:
        contacts.check_account(cmd.account_id, token)
    person_id = cmd.person_id or progress[0]
    account_id = cmd.account_id or progress[1]
    linked = progress[2] and account_id == progress[1]
    if not person_id:
        person_id = contacts.create_person(lead, token, request_id=conversion_request_id(lead.id, "person"))
        _record_step(make_uow, lead.id, person_id, account_id, linked)
    if cmd.create_account and not account_id:
        account_id = contacts.create_account(
            lead.data.company, lead.data.country, lead.data.industry, token, request_id=conversion_request_id(lead.id, "account")
        )
        _record_step(make_uow, lead.id, person_id, account_id, linked)
    if account_id and not linked:
        contacts.link_person_to_account(
            person_id, account_id, lead.data.title, token, request_id=conversion_request_id(lead.id, "link", person_id, account_id)
        )
        linked = True
        _record_step(make_uow, lead.id, person_id, account_id, linked)
    with make_uow() as uow:
        lead = uow.leads.get(cmd.lead_id, viewer, lock=True)
        if lead is None:
            raise NotFound(f"lead {cmd.lead_id} not found")
        if lead.data.status == leads.CONVERTED:  # a concurrent retry finished first
            opp = uow.opportunities.get(lead.opportunity_id) if lead.opportunity_id else None
            return Conversion(lead, lead.person_id, lead.account_id, opp)
        now = utcnow()
        opp = None
        if cmd.opportunity is not None:
            opp = opportunities.new_opportunity(
                _opportunity_from_lead(cmd.opportunity, lead, account_id, person_id), _pipeline_for(uow, cmd.opportunity), _creator(viewer), now
            )
            uow.opportunities.add(opp)
        lead.convert(person_id, account_id, opp.id if opp else "", now)
        uow.leads.save(lead)
        uow.leads.record_conversion_step(lead.id, person_id, account_id, linked, now)
        uow.leads.complete_conversion(lead.id, now)
        uow.commit()
        return Conversion(lead, person_id, account_id, opp)


def _record_step(make_uow, lead_id: str, person_id: str, account_id: str, linked: bool) -> None:
    with make_uow() as uow:
        uow.leads.record_conversion_step(lead_id, person_id, account_id, linked, utcnow())
        uow.commit()


def _opportunity_from_lead(data: OpportunityData, lead: Lead, account_id: str, person_id: str) -> OpportunityData:
    contacts = data.contacts or ((Contact(person_id, "decision_maker"),) if person_id else ())
    return replace(
        data, name=data.name or f"{lead.data.company or lead.data.family_name}", account_id=account_id, lead_id=lead.id,
        owner=data.owner or lead.data.owner, team=data.team or lead.data.team, territory=data.territory or lead.data.territory,
        contacts=contacts,
    )


# --- opportunities -------------------------------------------------------------------------------


def _pipeline_for(uow: SalesUnitOfWork, data: OpportunityData) -> Pipeline | None:
    return uow.pipelines.get(data.pipeline_id) if data.pipeline_id else uow.pipelines.default()


def create_opportunity(uow: SalesUnitOfWork, data: OpportunityData, viewer: Viewer) -> Opportunity:
    with uow:
        opp = opportunities.new_opportunity(data, _pipeline_for(uow, data), _creator(viewer), utcnow())
        uow.opportunities.add(opp)
        uow.commit()
        return opp


def _visible(uow: SalesUnitOfWork, opportunity_id: str, viewer: Viewer, lock: bool = False) -> Opportunity:
    opp = uow.opportunities.get(opportunity_id, viewer, lock=lock)
    if opp is None:
        raise NotFound(f"opportunity {opportunity_id} not found")
    return opp


def get_opportunity(uow: SalesUnitOfWork, opportunity_id: str, viewer: Viewer) -> Opportunity:
    with uow:
        return _visible(uow, opportunity_id, viewer)


def list_opportunities(uow: SalesUnitOfWork, viewer: Viewer, page_size: int, page_token: str, **filters: str) -> tuple[list[Opportunity], str]:
    size = paging.page_size(page_size)
    after = paging.decode_time_key(page_token)
    with uow:
        found = uow.opportunities.list(viewer, size, after, **filters)
    return paging.page(found, size, lambda o: paging.time_key(o.created_at, o.id))


def update_opportunity(uow: SalesUnitOfWork, opportunity_id: str, data: OpportunityData, paths: tuple[str, ...], viewer: Viewer) -> Opportunity:
    with uow:
        opp = _visible(uow, opportunity_id, viewer, lock=True)
        opportunities.update_opportunity(opp, data, paths, utcnow())
        uow.opportunities.save(opp)
        uow.commit()
        return opp


def move_opportunity_stage(uow: SalesUnitOfWork, opportunity_id: str, stage_id: str, viewer: Viewer) -> tuple[Opportunity, StageChange]:
    if not stage_id:
        raise InvalidArgument([FieldViolation("stage_id", "is required")])
    with uow:
        opp = _visible(uow, opportunity_id, viewer, lock=True)
        pipeline = uow.pipelines.get(opp.pipeline_id)
        change = opp.move_to(pipeline, stage_id, utcnow(), viewer.subject)
        uow.opportunities.save(opp, children=False)
        uow.commit()
        return opp, change


def close_opportunity(uow: SalesUnitOfWork, opportunity_id: str, outcome: str, reason_id: str, note: str, competitor_id: str,
                      competitor_price: tuple[int, str] | None, viewer: Viewer) -> Opportunity:
    with uow:
        reason = uow.settings.reason(reason_id) if reason_id else None
        opportunities.check_close(outcome, reason, note, competitor_id.strip(), competitor_price)
        opp = _visible(uow, opportunity_id, viewer, lock=True)
        opp.close(outcome, reason, note.strip(), competitor_id.strip(), competitor_price, utcnow(), viewer.subject)
        uow.opportunities.save(opp, children=False)
        uow.commit()
        return opp


def reopen_opportunity(uow: SalesUnitOfWork, opportunity_id: str, stage_id: str, viewer: Viewer) -> Opportunity:
    with uow:
        opp = _visible(uow, opportunity_id, viewer, lock=True)
        opp.reopen(uow.pipelines.get(opp.pipeline_id), stage_id, utcnow(), viewer.subject)
        uow.opportunities.save(opp, children=False)
        uow.commit()
        return opp


def set_opportunity_contacts(uow: SalesUnitOfWork, opportunity_id: str, contacts: list[Contact], viewer: Viewer) -> Opportunity:
    problems = Violations()
    cleaned = opportunities.clean_contacts(contacts, problems, "contacts")
    problems.raise_if_any()
    with uow:
        opp = _visible(uow, opportunity_id, viewer, lock=True)
        opp.set_contacts(cleaned, utcnow())
        uow.opportunities.save(opp)
        uow.commit()
        return opp


def list_stage_history(uow: SalesUnitOfWork, opportunity_id: str, viewer: Viewer) -> list[StageChange]:
    with uow:
        _visible(uow, opportunity_id, viewer)
        return uow.opportunities.history(opportunity_id)


# --- contacts' events ----------------------------------------------------------------------------


def person_erased(uow: SalesUnitOfWork, person_id: str, consumer: str, event_id: str) -> int:
    """Removes the person from every deal and blanks the personal data of leads that became them; once per event."""
    with uow:
        if not uow.claim_event(consumer, event_id):
            return 0
        now = utcnow()
        changed = 0
        for opp in uow.opportunities.with_person([person_id]):
            if opp.forget_person(person_id, now):
                uow.opportunities.save(opp)
                changed += 1
        for lead in uow.leads.with_person([person_id]):
            if lead.forget_person(person_id, now):
                uow.leads.save(lead)
                changed += 1
        uow.commit()
        return changed


def persons_merged(uow: SalesUnitOfWork, survivor_id: str, merged_ids: list[str], consumer: str, event_id: str) -> int:
    """Points every reference to a merged person at the survivor; once per event."""
    merged = {m for m in merged_ids if m and m != survivor_id}
    with uow:
        if not uow.claim_event(consumer, event_id):
            return 0
        now = utcnow()
        changed = 0
        if merged and survivor_id:
            for opp in uow.opportunities.with_person(sorted(merged)):
                if opp.repoint_person(merged, survivor_id, now):
                    uow.opportunities.save(opp)
                    changed += 1
            for lead in uow.leads.with_person(sorted(merged)):
                if lead.repoint_person(merged, survivor_id, now):
                    uow.leads.save(lead)
                    changed += 1
        uow.commit()
        return changed
