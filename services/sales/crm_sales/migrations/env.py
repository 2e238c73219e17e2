"""Alembic environment of the sales database."""
from crm_chassis.migrations import run_env
from crm_sales.adapters.orm import metadata

run_env(metadata)
