"""Alembic environment of the contacts database."""
from crm_chassis.migrations import run_env
from crm_contacts.adapters.orm import metadata

run_env(metadata)
