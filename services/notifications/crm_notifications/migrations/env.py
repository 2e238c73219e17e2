"""Alembic environment of the notifications database."""
from crm_chassis.migrations import run_env
from crm_notifications.adapters.orm import metadata

run_env(metadata)
