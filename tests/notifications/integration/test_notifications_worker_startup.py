"""A worker that cannot declare its queues as this version needs them stops at once and says why."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pika

from crm_chassis import migrations
from tests.conftest import free_port

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "notifications" / "crm_notifications" / "migrations"


def test_a_queue_declared_with_other_arguments_stops_the_worker_with_a_clear_message(amqp_url, tmp_path):
    database = f"sqlite:///{tmp_path / 'notifications.db'}"
    migrations.upgrade(MIGRATIONS, database)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    connection.channel().queue_declare("crm.phone-task-outcomes", durable=True)  # an older version's: no dead-lettering
    connection.close()
    env = {
        **os.environ,
        "CRM_AMQP_URL": amqp_url,
        "CRM_NOTIFICATIONS_DATABASE_URL": database,
        "CRM_NOTIFICATIONS_WORKER_METRICS_PORT": "0",
        "CRM_NOTIFICATIONS_SMTP_PORT": str(free_port()),
        "CRM_VAR_DIR": str(tmp_path),
    }
    worker = subprocess.run(
        [str(Path(sys.executable).parent / "crm-notifications"), "worker"], env=env, capture_output=True, text=True, timeout=60
    )
    assert worker.returncode != 0
    assert "crm.phone-task-outcomes exists with other arguments" in worker.stderr + worker.stdout
