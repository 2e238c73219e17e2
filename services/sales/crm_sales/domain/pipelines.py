"""Pipelines: ordered stages with a win probability and an expected duration; the stage-move rules."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from crm_chassis.errors import FailedPrecondition, FieldViolation, InvalidArgument, Violations

MAX_STAGES = 30
MAX_EXPECTED_DAYS = 3650
NAME_LENGTH = 200

# What a stage change is, as the stage history records it.
CREATED, FORWARD, BACKWARD, WON, LOST, REOPENED = "created", "forward", "backward", "won", "lost", "reopened"
STAGE_CHANGE_KINDS = (CREATED, FORWARD, BACKWARD, WON, LOST, REOPENED)


@dataclass
class Stage:
    id: str
    name: str
    probability: int  # percent, 0..100
    expected_days: int
    position: int = 0  # 1-based
    active: bool = True


@dataclass
class Pipeline:
    id: str
    name: str
    stages: list[Stage]  # active stages in order; removed ones live on in `retired`
    is_default: bool
    created_at: datetime
    updated_at: datetime
    retired: list[Stage] = field(default_factory=list)

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def any_stage(self, stage_id: str) -> Stage | None:
        """Also a removed stage (for history)."""
        return self.stage(stage_id) or next((s for s in self.retired if s.id == stage_id), None)

    @property
    def first_stage(self) -> Stage:
        return self.stages[0]


@dataclass(frozen=True)
class StageSpec:
    """A stage as a request gives it; `id` empty for a new one."""

    id: str
    name: str
    probability: int
    expected_days: int


def validate_pipeline(name: str, stages: list[StageSpec], problems: Violations, at: str = "pipeline") -> None:
    """Every problem of a pipeline definition at once."""
    if not name.strip():
        problems.add(f"{at}.name", "is required")
    elif len(name) > NAME_LENGTH:
        problems.add(f"{at}.name", f"must be at most {NAME_LENGTH} characters")
    if not stages:
        problems.add(f"{at}.stages", "needs at least one stage")
    elif len(stages) > MAX_STAGES:
        problems.add(f"{at}.stages", f"must be at most {MAX_STAGES}")
    seen_names: set[str] = set()
    seen_ids: set[str] = set()
    previous = -1
    for i, s in enumerate(stages):
        where = f"{at}.stages[{i}]"
        if not s.name.strip():
            problems.add(f"{where}.name", "is required")
        elif len(s.name) > NAME_LENGTH:
            problems.add(f"{where}.name", f"must be at most {NAME_LENGTH} characters")
        elif s.name.strip().casefold() in seen_names:
            problems.add(f"{where}.name", f"{s.name!r} is used by an earlier stage")
        seen_names.add(s.name.strip().casefold())
        if s.id and s.id in seen_ids:
            problems.add(f"{where}.id", "is given twice")
        seen_ids.add(s.id)
        if not 0 <= s.probability <= 100:
            problems.add(f"{where}.probability", "must be a percentage from 0 to 100")
        elif s.probability < previous:
            # A later stage is closer to the deal: a lower chance there would make the weighted forecast fall as deals advance.
            problems.add(f"{where}.probability", f"must not be lower than the previous stage's ({previous})")
        else:
            previous = s.probability
        if not 0 <= s.expected_days <= MAX_EXPECTED_DAYS:
            problems.add(f"{where}.expected_days", f"must be from 0 to {MAX_EXPECTED_DAYS}")


def new_pipeline(name: str, specs: list[StageSpec], is_default: bool, now: datetime) -> Pipeline:
    problems = Violations()
    validate_pipeline(name, specs, problems)
    for i, s in enumerate(specs):
        if s.id:
            problems.add(f"pipeline.stages[{i}].id", "must be empty for a new pipeline")
    problems.raise_if_any()
    stages = [Stage(str(uuid.uuid4()), s.name.strip(), s.probability, s.expected_days, i + 1) for i, s in enumerate(specs)]
    return Pipeline(str(uuid.uuid4()), name.strip(), stages, is_default, now, now)


def revise_pipeline(pipeline: Pipeline, name: str, specs: list[StageSpec], occupied: set[str], now: datetime) -> None:
    """Replaces name and stages in place. Known ids keep their stage; a stage with open deals must stay."""
    problems = Violations()
    validate_pipeline(name, specs, problems)
    known = {s.id: s for s in pipeline.stages}
    for i, s in enumerate(specs):
        if s.id and s.id not in known:
            problems.add(f"pipeline.stages[{i}].id", "is not a stage of this pipeline")
    problems.raise_if_any()
    kept = {s.id for s in specs if s.id}
    removed = [s for s in pipeline.stages if s.id not in kept]
    blocked = [s.name for s in removed if s.id in occupied]
    if blocked:
        raise FailedPrecondition(f"stages with open opportunities cannot be removed: {', '.join(blocked)}")
    stages = []
    for i, s in enumerate(specs):
        stage = known.get(s.id) or Stage(str(uuid.uuid4()), "", 0, 0)
        stage.name, stage.probability, stage.expected_days, stage.position, stage.active = s.name.strip(), s.probability, s.expected_days, i + 1, True
        stages.append(stage)
    for s in removed:
        s.active = False
        s.position = 0
    pipeline.name = name.strip()
    pipeline.stages = stages
    pipeline.retired = pipeline.retired + removed
    pipeline.updated_at = now


def move_kind(pipeline: Pipeline, from_stage_id: str, to_stage_id: str) -> str:
    """Forward or backward between two stages of one pipeline; both directions are allowed."""
    to_stage = pipeline.stage(to_stage_id)
    if to_stage is None:
        raise InvalidArgument([FieldViolation("stage_id", "is not an active stage of the opportunity's pipeline")])
    if to_stage_id == from_stage_id:
        raise FailedPrecondition("the opportunity is already in that stage")
    current = pipeline.any_stage(from_stage_id)
    # From a removed stage every move counts as forward: there is no position to compare with.
    if current is None or not current.active:
        return FORWARD
    return FORWARD if to_stage.position > current.position else BACKWARD
