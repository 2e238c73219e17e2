"""The RPCs of crm.contacts.v1.ContactsService for custom field definitions."""
from __future__ import annotations

from crm.contacts.v1 import custom_fields_pb2 as pb
from crm_chassis.errors import InvalidArgument
from crm_contacts.adapters import custom_field_messages as messages
from crm_contacts.bootstrap import Contacts
from crm_contacts.domain.custom_fields import DefinitionDraft
from crm_contacts.entrypoints import mappers
from crm_contacts.entrypoints.roles import ADMINS, READERS
from crm_contacts.service_layer import custom_fields as use_cases


def _draft(field: pb.CustomField) -> DefinitionDraft:
    return DefinitionDraft(
        label=field.label,
        required=field.required,
        options=[(o.key, o.label) for o in field.options],
        validation=messages.validation_from_proto(field.validation),
    )


class CustomFieldRpcs:
    ROLES = {
        "CreateCustomField": ADMINS,
        "GetCustomField": READERS,
        "ListCustomFields": READERS,
        "UpdateCustomField": ADMINS,
        "DeleteCustomField": ADMINS,
    }
    app: Contacts

    def CreateCustomField(self, request: pb.CreateCustomFieldRequest, context) -> pb.CustomField:
        field = request.custom_field
        cmd = use_cases.CreateCustomField(
            entity=messages.ENTITY_WORDS.get(field.entity), key=field.key, type=messages.TYPE_WORDS.get(field.type), draft=_draft(field)
        )
        try:
            definition = use_cases.create_custom_field(cmd, self.app.uow())
        except InvalidArgument as exc:
            raise mappers.under("custom_field", exc) from None
        return messages.definition(definition)

    def GetCustomField(self, request: pb.GetCustomFieldRequest, context) -> pb.CustomField:
        return messages.definition(use_cases.get_custom_field(request.id, self.app.uow()))

    def ListCustomFields(self, request: pb.ListCustomFieldsRequest, context) -> pb.ListCustomFieldsResponse:
        found, token = use_cases.list_custom_fields(
            self.app.uow(), messages.ENTITY_WORDS.get(request.entity), request.include_retired, request.page_size, request.page_token
        )
        return pb.ListCustomFieldsResponse(custom_fields=[messages.definition(d) for d in found], next_page_token=token)

    def UpdateCustomField(self, request: pb.UpdateCustomFieldRequest, context) -> pb.CustomField:
        cmd = use_cases.UpdateCustomField(request.custom_field.id, _draft(request.custom_field), tuple(request.update_mask.paths))
        try:
            definition = use_cases.update_custom_field(cmd, self.app.uow())
        except InvalidArgument as exc:
            raise mappers.under("custom_field", exc, request_fields=("update_mask",)) from None
        return messages.definition(definition)

    def DeleteCustomField(self, request: pb.DeleteCustomFieldRequest, context) -> pb.CustomField:
        return messages.definition(use_cases.delete_custom_field(use_cases.DeleteCustomField(request.id, request.purge), self.app.uow()))
