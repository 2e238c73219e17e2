"""Repositories of the core: pipelines, reasons and rules, leads, opportunities with their stage history."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_chassis import db, paging
from crm_chassis.access import Viewer
from crm_sales.adapters import orm, sales_analytics
from crm_sales.domain.leads import AssignmentRule, Lead, LeadData
from crm_sales.domain.opportunities import CloseReason, Contact, Opportunity, Product, StageChange
from crm_sales.domain.pipelines import Pipeline, Stage


def _for_update(session: Session, query):
    # SQLite serialises writers already (BEGIN IMMEDIATE); PostgreSQL needs the row lock.
    return query.with_for_update() if session.get_bind().dialect.name == "postgresql" else query


class PipelineRepository:
    def __init__(self, session: Session):
        self.session = session

    def _load(self, rows) -> list[Pipeline]:
        rows = list(rows)
        if not rows:
            return []
        ids = [r.id for r in rows]
        stages: dict[str, list[Stage]] = {i: [] for i in ids}
        retired: dict[str, list[Stage]] = {i: [] for i in ids}
        t = orm.pipeline_stages
        for s in self.session.execute(sa.select(t).where(t.c.pipeline_id.in_(ids)).order_by(t.c.position, t.c.id)):
            stage = Stage(s.id, s.name, s.probability, s.expected_days, s.position, s.active)
            (stages if s.active else retired)[s.pipeline_id].append(stage)
        return [Pipeline(r.id, r.name, stages[r.id], r.is_default, r.created_at, r.updated_at, retired[r.id]) for r in rows]

    def get(self, pipeline_id: str, lock: bool = False) -> Pipeline | None:
        query = sa.select(orm.pipelines).where(orm.pipelines.c.id == pipeline_id)
        found = self._load(self.session.execute(_for_update(self.session, query) if lock else query))
        return found[0] if found else None

    def default(self) -> Pipeline | None:
        found = self._load(self.session.execute(sa.select(orm.pipelines).where(orm.pipelines.c.is_default.is_(True)).limit(1)))
        return found[0] if found else None

    def list(self) -> list[Pipeline]:
        return self._load(self.session.execute(sa.select(orm.pipelines).order_by(orm.pipelines.c.name)))

    def name_taken(self, name: str, other_than: str = "") -> bool:
        t = orm.pipelines
        return self.session.execute(sa.select(t.c.id).where(sa.func.lower(t.c.name) == name.lower(), t.c.id != other_than)).first() is not None

    def add(self, p: Pipeline) -> None:
        if p.is_default:
            self.session.execute(sa.update(orm.pipelines).values(is_default=False))
        self.session.execute(sa.insert(orm.pipelines).values(id=p.id, name=p.name, is_default=p.is_default, created_at=p.created_at, updated_at=p.updated_at))
        self._write_stages(p)

    def save(self, p: Pipeline) -> None:
        if p.is_default:
            self.session.execute(sa.update(orm.pipelines).where(orm.pipelines.c.id != p.id).values(is_default=False))
        self.session.execute(sa.update(orm.pipelines).where(orm.pipelines.c.id == p.id).values(name=p.name, is_default=p.is_default, updated_at=p.updated_at))
        self._write_stages(p)

    def _write_stages(self, p: Pipeline) -> None:
        t = orm.pipeline_stages
        existing = set(self.session.execute(sa.select(t.c.id).where(t.c.pipeline_id == p.id)).scalars())
        for s in [*p.stages, *p.retired]:
            values = dict(position=s.position, name=s.name, probability=s.probability, expected_days=s.expected_days, active=s.active)
            if s.id in existing:
                self.session.execute(sa.update(t).where(t.c.id == s.id).values(**values))
            else:
                self.session.execute(sa.insert(t).values(id=s.id, pipeline_id=p.id, **values))

    def occupied_stages(self, pipeline_id: str) -> set[str]:
        """Stages that open opportunities are in."""
        t = orm.opportunities
        return set(self.session.execute(sa.select(t.c.stage_id).where(t.c.pipeline_id == pipeline_id, t.c.status == "open").distinct()).scalars())


class SettingsRepository:
    """Close reasons and assignment rules."""

    def __init__(self, session: Session):
        self.session = session

    @staticmethod
    def _reason(r) -> CloseReason:
        return CloseReason(r.id, r.kind, r.code, r.label, r.active, r.created_at)

    def reason(self, reason_id: str) -> CloseReason | None:
        row = self.session.execute(sa.select(orm.close_reasons).where(orm.close_reasons.c.id == reason_id)).first()
        return self._reason(row) if row else None

    def reasons(self, include_inactive: bool) -> list[CloseReason]:
        t = orm.close_reasons
        query = sa.select(t).order_by(t.c.kind.desc(), t.c.code)
        if not include_inactive:
            query = query.where(t.c.active.is_(True))
        return [self._reason(r) for r in self.session.execute(query)]

    def reason_code_taken(self, kind: str, code: str) -> bool:
        t = orm.close_reasons
        return self.session.execute(sa.select(t.c.id).where(t.c.kind == kind, t.c.code == code)).first() is not None

    def add_reason(self, r: CloseReason) -> None:
        self.session.execute(sa.insert(orm.close_reasons).values(id=r.id, kind=r.kind, code=r.code, label=r.label, active=r.active, created_at=r.created_at))

    def deactivate_reason(self, reason_id: str) -> None:
        self.session.execute(sa.update(orm.close_reasons).where(orm.close_reasons.c.id == reason_id).values(active=False))

    @staticmethod
    def _rule(r) -> AssignmentRule:
        return AssignmentRule(
            r.id, r.name, r.priority, tuple(json.loads(r.countries)), tuple(json.loads(r.industries)), r.owner,
            tuple(json.loads(r.members)), r.team, r.territory, r.next_member, r.created_at,
        )

    def rules(self, lock: bool = False) -> list[AssignmentRule]:
        t = orm.assignment_rules
        query = sa.select(t).order_by(t.c.priority, t.c.created_at, t.c.id)
        return [self._rule(r) for r in self.session.execute(_for_update(self.session, query) if lock else query)]

    def add_rule(self, r: AssignmentRule) -> None:
        self.session.execute(sa.insert(orm.assignment_rules).values(
            id=r.id, name=r.name, priority=r.priority, countries=json.dumps(list(r.countries)), industries=json.dumps(list(r.industries)),
            owner=r.owner, members=json.dumps(list(r.members)), team=r.team, territory=r.territory, next_member=r.next_member,
            created_at=r.created_at,
        ))

    def save_rule_cursor(self, r: AssignmentRule) -> None:
        self.session.execute(sa.update(orm.assignment_rules).where(orm.assignment_rules.c.id == r.id).values(next_member=r.next_member))

    def delete_rule(self, rule_id: str) -> bool:
        return self.session.execute(sa.delete(orm.assignment_rules).where(orm.assignment_rules.c.id == rule_id)).rowcount > 0


LEAD_COLUMNS = ("given_name", "family_name", "company", "title", "email", "phone", "country", "industry", "source", "status",
                "rating", "notes", "disqualify_reason", "owner", "team", "territory", "campaign_id")


class LeadRepository:
    def __init__(self, session: Session, seen: list[Any]):
        self.session = session
        self.seen = seen

    def _lead(self, r) -> Lead:
        lead = Lead(r.id, LeadData(**{c: getattr(r, c) for c in LEAD_COLUMNS}), r.created_at, r.updated_at, r.last_activity_at,
                    r.person_id, r.account_id, r.opportunity_id, r.origin_ref)
        self.seen.append(lead)
        return lead

    def _row(self, lead: Lead) -> dict:
        return {
            **{c: getattr(lead.data, c) for c in LEAD_COLUMNS},
            "created_at": lead.created_at, "updated_at": lead.updated_at, "last_activity_at": lead.last_activity_at,
            "person_id": lead.person_id, "account_id": lead.account_id, "opportunity_id": lead.opportunity_id, "origin_ref": lead.origin_ref,
        }

    def add(self, lead: Lead) -> None:
        self.session.execute(sa.insert(orm.leads).values(id=lead.id, **self._row(lead)))
        self.seen.append(lead)

    def add_many(self, leads: list[Lead]) -> None:
        if leads:
            self.session.execute(sa.insert(orm.leads), [{"id": lead.id, **self._row(lead)} for lead in leads])
            self.seen.extend(leads)

    def save(self, lead: Lead) -> None:
        self.session.execute(sa.update(orm.leads).where(orm.leads.c.id == lead.id).values(**self._row(lead)))

    def get(self, lead_id: str, viewer: Viewer | None = None, lock: bool = False) -> Lead | None:
        t = orm.leads
        query = sa.select(t).where(t.c.id == lead_id)
        if viewer is not None:
            query = query.where(db.visible_to(viewer, t.c.owner, t.c.team, t.c.territory))
        row = self.session.execute(_for_update(self.session, query) if lock else query).first()
        return self._lead(row) if row else None

    def origin_exists(self, refs: list[str]) -> set[str]:
        t = orm.leads
        return set(self.session.execute(sa.select(t.c.origin_ref).where(t.c.origin_ref.in_(refs))).scalars()) if refs else set()

    def list(self, viewer: Viewer, size: int, after: tuple[datetime, str] | None, status: str = "", owner: str = "") -> list[Lead]:
        t = orm.leads
        query = sa.select(t).where(db.visible_to(viewer, t.c.owner, t.c.team, t.c.territory))
        if status:
            query = query.where(t.c.status == status)
        if owner:
            query = query.where(t.c.owner == owner)
        if after:
            query = query.where(sa.tuple_(t.c.created_at, t.c.id) > sa.tuple_(sa.literal(after[0], db.UtcDateTime()), sa.literal(after[1])))
        return [self._lead(r) for r in self.session.execute(query.order_by(t.c.created_at, t.c.id).limit(size + 1))]

    def neglected(self, viewer: Viewer, cutoff: datetime, statuses: tuple[str, ...], size: int, after: tuple[datetime, str] | None) -> list[Lead]:
        t = orm.leads
        query = sa.select(t).where(
            db.visible_to(viewer, t.c.owner, t.c.team, t.c.territory), t.c.status.in_(statuses), t.c.last_activity_at < cutoff,
        )
        if after:
            query = query.where(sa.tuple_(t.c.last_activity_at, t.c.id) > sa.tuple_(sa.literal(after[0], db.UtcDateTime()), sa.literal(after[1])))
        return [self._lead(r) for r in self.session.execute(query.order_by(t.c.last_activity_at, t.c.id).limit(size + 1))]

    def with_person(self, person_ids: list[str]) -> list[Lead]:
        t = orm.leads
        query = sa.select(t).where(t.c.person_id.in_(person_ids)).order_by(t.c.id)
        return [self._lead(r) for r in self.session.execute(_for_update(self.session, query))]

    # -- conversions: what ConvertLead already did in contacts -------------------------------------

    def conversion(self, lead_id: str) -> tuple[str, str, bool] | None:
        """(person_id, account_id, linked) made so far, or None before the first step."""
        row = self.session.execute(sa.select(orm.lead_conversions).where(orm.lead_conversions.c.lead_id == lead_id)).first()
        return (row.person_id, row.account_id, row.linked) if row else None

    def record_conversion_step(self, lead_id: str, person_id: str, account_id: str, linked: bool, now: datetime) -> None:
        t = orm.lead_conversions
        values = dict(person_id=person_id, account_id=account_id, linked=linked)
        if self.session.execute(sa.select(t.c.lead_id).where(t.c.lead_id == lead_id)).first():
            self.session.execute(sa.update(t).where(t.c.lead_id == lead_id).values(**values))
        else:
            self.session.execute(sa.insert(t).values(lead_id=lead_id, started_at=now, **values))

    def complete_conversion(self, lead_id: str, now: datetime) -> None:
        t = orm.lead_conversions
        self.session.execute(sa.update(t).where(t.c.lead_id == lead_id).values(completed_at=now))


class OpportunityRepository:
    def __init__(self, session: Session, seen: list[Any]):
        self.session = session
        self.seen = seen

    def _load(self, rows) -> list[Opportunity]:
        rows = list(rows)
        if not rows:
            return []
        ids = [r.id for r in rows]
        products: dict[str, list[Product]] = {i: [] for i in ids}
        contacts: dict[str, list[Contact]] = {i: [] for i in ids}
        tp, tc = orm.opportunity_products, orm.opportunity_contacts
        for p in self.session.execute(sa.select(tp).where(tp.c.opportunity_id.in_(ids)).order_by(tp.c.opportunity_id, tp.c.position)):
            products[p.opportunity_id].append(Product(p.product_id, p.name, p.quantity, p.unit_price_minor, p.currency))
        for c in self.session.execute(sa.select(tc).where(tc.c.opportunity_id.in_(ids)).order_by(tc.c.opportunity_id, tc.c.person_id)):
            contacts[c.opportunity_id].append(Contact(c.person_id, c.role))
        found = []
        for r in rows:
            opp = Opportunity(
                id=r.id, name=r.name, account_id=r.account_id, lead_id=r.lead_id, pipeline_id=r.pipeline_id, stage_id=r.stage_id,
                status=r.status, amount_minor=r.amount_minor, currency=r.currency, expected_close_date=r.expected_close_date,
                owner=r.owner, team=r.team, territory=r.territory, next_step=r.next_step, probability=r.probability,
                stage_entered_at=r.stage_entered_at, created_at=r.created_at, updated_at=r.updated_at,
                products=products[r.id], contacts=contacts[r.id], close_reason_id=r.close_reason_id, close_note=r.close_note,
                lost_to_competitor_id=r.lost_to_competitor_id, competitor_price_minor=r.competitor_price_minor,
                competitor_currency=r.competitor_currency, closed_at=r.closed_at,
            )
            self.seen.append(opp)
            found.append(opp)
        return found

    @staticmethod
    def _row(o: Opportunity) -> dict:
        return dict(
            name=o.name, account_id=o.account_id, lead_id=o.lead_id, pipeline_id=o.pipeline_id, stage_id=o.stage_id, status=o.status,
            amount_minor=o.amount_minor, currency=o.currency, expected_close_date=o.expected_close_date, owner=o.owner, team=o.team,
            territory=o.territory, next_step=o.next_step, probability=o.probability, stage_entered_at=o.stage_entered_at,
            close_reason_id=o.close_reason_id, close_note=o.close_note, lost_to_competitor_id=o.lost_to_competitor_id,
            competitor_price_minor=o.competitor_price_minor, competitor_currency=o.competitor_currency, closed_at=o.closed_at,
            created_at=o.created_at, updated_at=o.updated_at,
        )

    def add(self, o: Opportunity) -> None:
        self.session.execute(sa.insert(orm.opportunities).values(id=o.id, **self._row(o)))
        self._write_children(o, new=True)
        self._track_conversions(o, None)
        self._write_history(o)
        self.seen.append(o)

    def save(self, o: Opportunity, children: bool = True) -> None:
        before = sales_analytics.stored_conversion_key(self.session, o.id)
        self.session.execute(sa.update(orm.opportunities).where(orm.opportunities.c.id == o.id).values(**self._row(o)))
        if children:
            self._write_children(o, new=False)
        self._track_conversions(o, before)
        self._write_history(o)

    def _track_conversions(self, o: Opportunity, before) -> None:
        # In this transaction, before the new stays are written: the historical conversion counts what closed where.
        after = sales_analytics.conversion_key(o.status, o.closed_at, o.pipeline_id, o.owner, o.team, o.territory)
        sales_analytics.track_conversions(self.session, o.id, before, after, [(c.stage_id, c.status) for c in o.new_changes])

    def _write_children(self, o: Opportunity, new: bool) -> None:
        tp, tc = orm.opportunity_products, orm.opportunity_contacts
        if not new:
            self.session.execute(sa.delete(tp).where(tp.c.opportunity_id == o.id))
            self.session.execute(sa.delete(tc).where(tc.c.opportunity_id == o.id))
        if o.products:
            self.session.execute(sa.insert(tp), [
                dict(opportunity_id=o.id, position=i, product_id=p.product_id, name=p.name, quantity=p.quantity,
                     unit_price_minor=p.unit_price_minor, currency=p.currency)
                for i, p in enumerate(o.products)
            ])
        if o.contacts:
            self.session.execute(sa.insert(tc), [dict(opportunity_id=o.id, person_id=c.person_id, role=c.role) for c in o.contacts])

    def _write_history(self, o: Opportunity) -> None:
        t = orm.opportunity_stage_history
        for change in o.new_changes:
            self.session.execute(sa.update(t).where(t.c.opportunity_id == o.id, t.c.left_at.is_(None)).values(left_at=change.entered_at))
            self.session.execute(sa.insert(t).values(
                id=change.id, opportunity_id=o.id, pipeline_id=change.pipeline_id, stage_id=change.stage_id,
                from_stage_id=change.from_stage_id, status=change.status, kind=change.kind, amount_minor=change.amount_minor,
                currency=change.currency, probability=change.probability, entered_at=change.entered_at, left_at=None,
                changed_by=change.changed_by,
            ))
        o.new_changes.clear()

    def get(self, opportunity_id: str, viewer: Viewer | None = None, lock: bool = False) -> Opportunity | None:
        t = orm.opportunities
        query = sa.select(t).where(t.c.id == opportunity_id)
        if viewer is not None:
            query = query.where(db.visible_to(viewer, t.c.owner, t.c.team, t.c.territory))
        found = self._load(self.session.execute(_for_update(self.session, query) if lock else query))
        return found[0] if found else None

    def list(self, viewer: Viewer, size: int, after: tuple[datetime, str] | None, **filters: str) -> list[Opportunity]:
        t = orm.opportunities
        query = sa.select(t).where(db.visible_to(viewer, t.c.owner, t.c.team, t.c.territory))
        for name, value in filters.items():
            if value:
                query = query.where(t.c[name] == value)
        if after:
            query = query.where(sa.tuple_(t.c.created_at, t.c.id) > sa.tuple_(sa.literal(after[0], db.UtcDateTime()), sa.literal(after[1])))
        return self._load(self.session.execute(query.order_by(t.c.created_at, t.c.id).limit(size + 1)))

    def with_person(self, person_ids: list[str]) -> list[Opportunity]:
        t, tc = orm.opportunities, orm.opportunity_contacts
        ids = sa.select(tc.c.opportunity_id).where(tc.c.person_id.in_(person_ids))
        # Locked: two contacts events about one deal must not both rewrite its contacts from the same old list.
        query = sa.select(t).where(t.c.id.in_(ids)).order_by(t.c.id)
        return self._load(self.session.execute(_for_update(self.session, query)))

    def history(self, opportunity_id: str) -> list[StageChange]:
        t = orm.opportunity_stage_history
        rows = self.session.execute(sa.select(t).where(t.c.opportunity_id == opportunity_id).order_by(t.c.entered_at, t.c.id))
        # Ties on entered_at (same instant) cannot happen for one opportunity: each change is its own transaction.
        return [StageChange(r.id, r.opportunity_id, r.pipeline_id, r.stage_id, r.from_stage_id, r.status, r.kind, r.amount_minor,
                            r.currency, r.probability, r.entered_at, r.left_at, r.changed_by) for r in rows]

    def page_key(self, o: Opportunity) -> list:
        return paging.time_key(o.created_at, o.id)
