"""What happened to pipelines, reasons, rules, leads and opportunities, in the past tense.

The events hold the aggregate; the outbox mapper reads it when the unit of work commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PipelineCreated:
    pipeline: Any


@dataclass(frozen=True)
class PipelineUpdated:
    pipeline: Any


@dataclass(frozen=True)
class CloseReasonCreated:
    reason: Any


@dataclass(frozen=True)
class CloseReasonDeactivated:
    reason: Any


@dataclass(frozen=True)
class AssignmentRuleCreated:
    rule: Any


@dataclass(frozen=True)
class AssignmentRuleDeleted:
    rule_id: str


@dataclass(frozen=True)
class LeadCreated:
    lead: Any


@dataclass(frozen=True)
class LeadUpdated:
    lead: Any


@dataclass(frozen=True)
class LeadConverted:
    lead: Any


@dataclass(frozen=True)
class OpportunityCreated:
    opportunity: Any


@dataclass(frozen=True)
class OpportunityUpdated:
    opportunity: Any


@dataclass(frozen=True)
class OpportunityStageChanged:
    opportunity: Any
    change: Any


@dataclass(frozen=True)
class OpportunityWon:
    opportunity: Any
    reason_code: str


@dataclass(frozen=True)
class OpportunityLost:
    opportunity: Any
    reason_code: str


@dataclass(frozen=True)
class OpportunityReopened:
    opportunity: Any
