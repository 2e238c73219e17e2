"""crm.sales.v1.SalesService over grpcio: one servicer made of one part per area (core, commerce)."""
from __future__ import annotations

from crm.sales.v1 import sales_pb2 as pb
from crm.sales.v1 import sales_pb2_grpc
from crm_chassis.grpc_server import Registration
from crm_sales.bootstrap import Sales
from crm_sales.entrypoints.grpc_commerce import CommerceRpcs
from crm_sales.entrypoints.grpc_pipeline import PipelineRpcs

AREAS = (PipelineRpcs, CommerceRpcs)


class SalesServicer(PipelineRpcs, CommerceRpcs, sales_pb2_grpc.SalesServiceServicer):
    ROLES = {name: roles for area in AREAS for name, roles in area.ROLES.items()}

    def __init__(self, app: Sales):
        self.app = app


def registrations(app: Sales) -> list[Registration]:
    return [Registration(
        add_to_server=sales_pb2_grpc.add_SalesServiceServicer_to_server,
        servicer=SalesServicer(app),
        service_full_name=pb.DESCRIPTOR.services_by_name["SalesService"].full_name,
        roles=SalesServicer.ROLES,
    )]
