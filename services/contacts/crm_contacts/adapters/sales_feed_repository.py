"""The sales feed's storage: sales' stage names, and which owned products a won deal already gave its buyer."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm_contacts.adapters import orm

STAGE_ID_LENGTH = 36
STAGE_NAME_LENGTH = 200


class SalesFeedRepository:
    def __init__(self, session: Session):
        self.session = session

    def owned_product_ids(self, source: str, *, person_id: str = "", account_id: str = "") -> list[str]:
        """One owner's products with this `source` (through the owner's index: sources are not indexed)."""
        o = orm.owned_products
        owner = o.c.person_id == person_id if person_id else o.c.account_id == account_id
        return list(self.session.execute(sa.select(o.c.id).where(owner, o.c.source == source).order_by(o.c.created_at, o.c.id)).scalars())

    def stage_name(self, stage_id: str) -> str:
        """"" for a stage whose pipeline event contacts has not (yet) seen."""
        s = orm.sales_stages
        return self.session.execute(sa.select(s.c.name).where(s.c.id == stage_id)).scalar_one_or_none() or ""

    def save_stages(self, pipeline_id: str, updated_at: datetime, stages: tuple[tuple[str, str], ...]) -> bool:
        """Keeps the names of a pipeline's stages as of `updated_at`; False (nothing written) when a newer state is
        already kept. A stage the pipeline no longer lists keeps its last name: old dossier lines may be about it."""
        s = orm.sales_stages
        newest = self.session.execute(sa.select(sa.func.max(s.c.pipeline_updated_at)).where(s.c.pipeline_id == pipeline_id)).scalar_one()
        if newest is not None and newest > updated_at:
            return False
        known = set(self.session.execute(sa.select(s.c.id).where(s.c.pipeline_id == pipeline_id)).scalars())
        for stage_id, name in stages:
            if not stage_id or len(stage_id) > STAGE_ID_LENGTH:
                continue
            values = {"pipeline_id": pipeline_id, "name": name.strip()[:STAGE_NAME_LENGTH], "pipeline_updated_at": updated_at}
            if stage_id in known:
                self.session.execute(sa.update(s).where(s.c.id == stage_id).values(**values))
            else:
                self.session.execute(sa.insert(s).values(id=stage_id, **values))
        self.session.execute(sa.update(s).where(s.c.pipeline_id == pipeline_id).values(pipeline_updated_at=updated_at))
        return True
