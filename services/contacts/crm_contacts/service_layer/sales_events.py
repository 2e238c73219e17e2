"""The sales feed: sales' events become dossier lines and owned products, each event once.

Every handler claims the event in the inbox first, in the same transaction as what it writes, so a redelivery
writes nothing. Ids contacts does not know (an account or person never created here, or since erased) are
skipped and the event is still claimed: they will not appear later, so retrying could never help. A merged
account or person is a tombstone: its facts go to the survivor.
"""
from __future__ import annotations

import logging

from crm_chassis.access import Viewer
from crm_contacts.domain import commands
from crm_contacts.domain.model import HistoryEntry
from crm_contacts.domain.owned_products import OwnedProduct
from crm_contacts.domain.sales_feed import SOURCE, Deal, DealMoved, DealReopened, DealWon, PipelineStages, SalesFact
from crm_contacts.service_layer import handlers
from crm_contacts.service_layer.unit_of_work import ContactsUnitOfWork

log = logging.getLogger(__name__)

# The feed writes as the sales service: sales already decided who may see the deal, and record-level access
# does not apply to facts another service reports.
SALES = Viewer("sales", is_admin=True)
MAX_MERGE_HOPS = 10  # a merged record's survivor may itself have been merged since


def record_fact(fact: SalesFact, uow: ContactsUnitOfWork, consumer: str) -> bool:
    """One dossier line for the account and each person named; False for an event already handled."""
    with uow:
        if not uow.claim_event(consumer, fact.event_id):
            return False
        _write_lines(uow, fact)
        uow.commit()
    return True


def record_moved(cmd: DealMoved, uow: ContactsUnitOfWork, consumer: str) -> bool:
    """A move between open stages, named when the pipeline's stages are known here (else by its probability)."""
    with uow:
        if not uow.claim_event(consumer, cmd.event_id):
            return False
        _write_lines(uow, cmd.fact(uow.sales_feed.stage_name(cmd.stage_id) if cmd.stage_id else ""))
        uow.commit()
    return True


def record_pipeline(cmd: PipelineStages, uow: ContactsUnitOfWork, consumer: str) -> bool:
    """Keeps the pipeline's stage names (a late event older than what is kept changes nothing)."""
    with uow:
        if not uow.claim_event(consumer, cmd.event_id):
            return False
        uow.sales_feed.save_stages(cmd.pipeline_id, cmd.updated_at, cmd.stages)
        uow.commit()
    return True


def record_won(cmd: DealWon, uow: ContactsUnitOfWork, consumer: str) -> bool:
    """The dossier lines, and the deal's products owned by its buyer — the account, or without one the first
    decision maker (else the first person) on the deal. Products are found again by their source
    `sales:opportunity:<id>`: a second won event updates them (active again, new quantity) instead of adding
    them twice, and a product no longer on the deal becomes inactive."""
    with uow:
        if not uow.claim_event(consumer, cmd.fact.event_id):
            return False
        account_id, person_ids = _write_lines(uow, cmd.fact)
        buyer = _buyer(uow, cmd.deal, account_id, person_ids)
        if buyer is not None:
            person_id, account_id = buyer
            mine = _products_of(uow, cmd.deal, person_id, account_id)
            wanted = cmd.deal.bought()
            for product_id, p in wanted.items():
                if product_id in mine:
                    _change(uow, mine[product_id], active=True, quantity=p.quantity)
                else:
                    handlers.add_owned_product_in(uow, commands.AddOwnedProduct(
                        person_id=person_id, account_id=account_id, product_id=product_id, name=p.name, quantity=p.quantity,
                        purchased_on=cmd.won_on.isoformat(), active=True, source=cmd.deal.product_source,
                    ), SALES)
            for product_id, product in mine.items():
                if product_id not in wanted:
                    _change(uow, product, active=False)
        uow.commit()
    return True


def record_reopened(cmd: DealReopened, uow: ContactsUnitOfWork, consumer: str) -> bool:
    """The dossier lines; the products the deal gave when it was won become inactive (kept, not deleted)."""
    with uow:
        if not uow.claim_event(consumer, cmd.fact.event_id):
            return False
        account_id, person_ids = _write_lines(uow, cmd.fact)
        buyer = _buyer(uow, cmd.deal, account_id, person_ids)
        if buyer is not None:
            for product in _products_of(uow, cmd.deal, *buyer).values():
                _change(uow, product, active=False)
        uow.commit()
    return True


def _write_lines(uow: ContactsUnitOfWork, fact: SalesFact) -> tuple[str, list[str]]:
    """Writes the line to the known account and persons; returns those (a merged record's survivor in its place)."""
    occurred = fact.occurred_at
    account_id = _survivor(uow.accounts.get, fact.account_id) if fact.account_id else ""
    if fact.account_id and not account_id:
        log.warning("%s event %s names account %s, which contacts does not know; skipped", fact.kind, fact.event_id, fact.account_id)
    if account_id:
        uow.account_history.add(HistoryEntry.new(account_id, fact.kind, fact.summary, SOURCE, occurred))
    person_ids: list[str] = []
    for given in fact.person_ids:
        person_id = _current_person(uow, given)
        if not person_id:
            log.warning("%s event %s names person %s, who is unknown or erased here; skipped", fact.kind, fact.event_id, given)
        elif person_id not in person_ids:
            person_ids.append(person_id)
            uow.history.add(HistoryEntry.new(person_id, fact.kind, fact.summary, SOURCE, occurred))
    return account_id, person_ids


def _current_person(uow: ContactsUnitOfWork, person_id: str) -> str:
    return _survivor(uow.persons.get, person_id)


def _survivor(get, record_id: str) -> str:
    """The record's id, or its survivor's when it was merged; "" when unknown or erased (it takes no new facts).
    `get` is the repository's (persons or accounts: accounts are never erased)."""
    for _ in range(MAX_MERGE_HOPS):
        record = get(record_id)
        if record is None or getattr(record, "erased", False):
            return ""
        if not record.merged_into:
            return record.id
        record_id = record.merged_into
    return ""


def _buyer(uow: ContactsUnitOfWork, deal: Deal, account_id: str, person_ids: list[str]) -> tuple[str, str] | None:
    """(person_id, account_id) of who owns the deal's products, locked so that two won events of one deal queue
    up; None when the deal's account or persons are unknown here."""
    if deal.account_id:
        if not account_id:
            return None
        uow.accounts.get(account_id, for_update=True)
        return "", account_id
    for candidate in deal.buyer_candidates():
        person_id = _current_person(uow, candidate)
        if person_id and person_id in person_ids:
            uow.persons.get(person_id, for_update=True)
            return person_id, ""
    return None


def _products_of(uow: ContactsUnitOfWork, deal: Deal, person_id: str, account_id: str) -> dict[str, OwnedProduct]:
    ids = uow.sales_feed.owned_product_ids(deal.product_source, person_id=person_id, account_id=account_id)
    products = [uow.owned_products.get(i) for i in ids]
    return {p.product_id: p for p in products if p is not None}


def _change(uow: ContactsUnitOfWork, product: OwnedProduct, **values) -> None:
    """Through the UpdateOwnedProduct use case, only what differs (nothing written when nothing does)."""
    mask = tuple(k for k, v in values.items() if getattr(product, k) != v)
    if mask:
        handlers.update_owned_product_in(uow, commands.UpdateOwnedProduct(product.id, {k: values[k] for k in mask}, mask), SALES)
