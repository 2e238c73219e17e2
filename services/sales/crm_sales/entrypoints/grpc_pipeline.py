"""The core RPCs of crm.sales.v1.SalesService: pipelines, reasons, rules, leads, opportunities."""
from __future__ import annotations

from crm.sales.v1 import sales_pb2 as pb
from crm_chassis.access import Viewer
from crm_chassis.auth import current_principal
from crm_sales.adapters import messages
from crm_sales.bootstrap import Sales
from crm_sales.entrypoints import mappers
from crm_sales.entrypoints.roles import ADMINS, READERS, WRITERS
from crm_sales.service_layer import handlers


class PipelineRpcs:
    ROLES: dict[str, tuple[str, ...]] = {
        "CreatePipeline": ADMINS,
        "GetPipeline": READERS,
        "ListPipelines": READERS,
        "UpdatePipeline": ADMINS,
        "CreateCloseReason": ADMINS,
        "ListCloseReasons": READERS,
        "DeactivateCloseReason": ADMINS,
        "CreateAssignmentRule": ADMINS,
        "ListAssignmentRules": READERS,
        "DeleteAssignmentRule": ADMINS,
        "CreateLead": WRITERS,
        "GetLead": READERS,
        "ListLeads": READERS,
        "UpdateLead": WRITERS,
        "ImportLeads": WRITERS,
        "ListNeglectedLeads": READERS,
        "ConvertLead": WRITERS,
        "CreateOpportunity": WRITERS,
        "GetOpportunity": READERS,
        "ListOpportunities": READERS,
        "UpdateOpportunity": WRITERS,
        "MoveOpportunityStage": WRITERS,
        "CloseOpportunity": WRITERS,
        "ReopenOpportunity": WRITERS,
        "SetOpportunityContacts": WRITERS,
        "ListStageHistory": READERS,
    }
    app: Sales

    def _viewer(self) -> Viewer:
        return Viewer.of(current_principal())

    # -- pipelines, reasons, rules -------------------------------------------------------------

    def CreatePipeline(self, request, context):
        p = request.pipeline
        return messages.pipeline(handlers.create_pipeline(self.app.uow(), p.name, mappers.stages(p.stages), p.is_default))

    def GetPipeline(self, request, context):
        return messages.pipeline(handlers.get_pipeline(self.app.uow(), request.id))

    def ListPipelines(self, request, context):
        return pb.ListPipelinesResponse(pipelines=[messages.pipeline(p) for p in handlers.list_pipelines(self.app.uow())])

    def UpdatePipeline(self, request, context):
        p = request.pipeline
        return messages.pipeline(handlers.update_pipeline(self.app.uow(), p.id, p.name, mappers.stages(p.stages), p.is_default))

    def CreateCloseReason(self, request, context):
        r = request.reason
        kind = mappers.enum(r.kind, mappers.REASON_KIND, "reason.kind")
        return messages.close_reason(handlers.create_close_reason(self.app.uow(), kind, r.code, r.label))

    def ListCloseReasons(self, request, context):
        found = handlers.list_close_reasons(self.app.uow(), request.include_inactive)
        return pb.ListCloseReasonsResponse(reasons=[messages.close_reason(r) for r in found])

    def DeactivateCloseReason(self, request, context):
        return messages.close_reason(handlers.deactivate_close_reason(self.app.uow(), request.id))

    def CreateAssignmentRule(self, request, context):
        r = request.rule
        rule = handlers.create_assignment_rule(
            self.app.uow(), r.name, r.priority, list(r.countries), list(r.industries), r.owner, list(r.members), r.team, r.territory
        )
        return messages.assignment_rule(rule)

    def ListAssignmentRules(self, request, context):
        return pb.ListAssignmentRulesResponse(rules=[messages.assignment_rule(r) for r in handlers.list_assignment_rules(self.app.uow())])

    def DeleteAssignmentRule(self, request, context):
        handlers.delete_assignment_rule(self.app.uow(), request.id)
        return pb.DeleteAssignmentRuleResponse()

    # -- leads ---------------------------------------------------------------------------------

    def CreateLead(self, request, context):
        return messages.lead(handlers.create_lead(self.app.uow(), mappers.lead_data(request.lead), self._viewer()))

    def GetLead(self, request, context):
        return messages.lead(handlers.get_lead(self.app.uow(), request.id, self._viewer()))

    def ListLeads(self, request, context):
        status = mappers.enum(request.status, mappers.LEAD_STATUS, "status")
        found, token = handlers.list_leads(self.app.uow(), self._viewer(), request.page_size, request.page_token, status, request.owner)
        return pb.ListLeadsResponse(leads=[messages.lead(x) for x in found], next_page_token=token)

    def UpdateLead(self, request, context):
        paths = mappers.mask(request.update_mask)
        data = mappers.lead_data(request.lead, status_default="")
        return messages.lead(handlers.update_lead(self.app.uow(), request.lead.id, data, paths, self._viewer()))

    def ImportLeads(self, request, context):
        made = handlers.import_leads(self.app.uow(), request.csv, request.source, self._viewer())
        return pb.ImportLeadsResponse(imported=len(made), lead_ids=[x.id for x in made])

    def ListNeglectedLeads(self, request, context):
        found, token = handlers.list_neglected_leads(self.app.uow(), self._viewer(), request.days, request.page_size, request.page_token)
        return pb.ListLeadsResponse(leads=[messages.lead(x) for x in found], next_page_token=token)

    def ConvertLead(self, request, context):
        cmd = handlers.ConvertLead(
            lead_id=request.lead_id, create_account=request.create_account, account_id=request.account_id, person_id=request.person_id,
            opportunity=None if request.without_opportunity else mappers.opportunity_data(request.opportunity),
        )
        done = handlers.convert_lead(self.app.uow, self.app.contacts, cmd, self._viewer(), current_principal().token)
        return pb.ConvertLeadResponse(
            lead=messages.lead(done.lead), person_id=done.person_id, account_id=done.account_id,
            opportunity=messages.opportunity(done.opportunity) if done.opportunity else None,
        )

    # -- opportunities -------------------------------------------------------------------------

    def CreateOpportunity(self, request, context):
        return messages.opportunity(handlers.create_opportunity(self.app.uow(), mappers.opportunity_data(request.opportunity), self._viewer()))

    def GetOpportunity(self, request, context):
        return messages.opportunity(handlers.get_opportunity(self.app.uow(), request.id, self._viewer()))

    def ListOpportunities(self, request, context):
        status = mappers.enum(request.status, mappers.OPPORTUNITY_STATUS, "status")
        found, token = handlers.list_opportunities(
            self.app.uow(), self._viewer(), request.page_size, request.page_token, status=status, owner=request.owner,
            pipeline_id=request.pipeline_id, stage_id=request.stage_id, account_id=request.account_id,
        )
        return pb.ListOpportunitiesResponse(opportunities=[messages.opportunity(o) for o in found], next_page_token=token)

    def UpdateOpportunity(self, request, context):
        paths = mappers.mask(request.update_mask)
        data = mappers.opportunity_data(request.opportunity)
        return messages.opportunity(handlers.update_opportunity(self.app.uow(), request.opportunity.id, data, paths, self._viewer()))

    def MoveOpportunityStage(self, request, context):
        opp, _ = handlers.move_opportunity_stage(self.app.uow(), request.id, request.stage_id, self._viewer())
        return messages.opportunity(opp)

    def CloseOpportunity(self, request, context):
        outcome = mappers.OUTCOME.get(request.outcome, "")
        opp = handlers.close_opportunity(
            self.app.uow(), request.id, outcome, request.reason_id, request.note, request.lost_to_competitor_id,
            mappers.competitor_price(request), self._viewer(),
        )
        return messages.opportunity(opp)

    def ReopenOpportunity(self, request, context):
        return messages.opportunity(handlers.reopen_opportunity(self.app.uow(), request.id, request.stage_id, self._viewer()))

    def SetOpportunityContacts(self, request, context):
        found = mappers.contacts(request.contacts)
        return messages.opportunity(handlers.set_opportunity_contacts(self.app.uow(), request.id, list(found), self._viewer()))

    def ListStageHistory(self, request, context):
        changes = handlers.list_stage_history(self.app.uow(), request.opportunity_id, self._viewer())
        return pb.ListStageHistoryResponse(changes=[messages.stage_change(c) for c in changes])
