"""The import runs in the contacts worker process (its timer), not in the gRPC server."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from contacts_support import ALICE, migrate, wait_until

from crm_contacts.bootstrap import bootstrap
from crm_contacts.config import ContactsSettings
from crm_contacts.service_layer import handlers, transfer

CRM_CONTACTS = Path(sys.executable).with_name("crm-contacts")


def test_the_worker_runs_a_queued_import_in_batches(database_url, amqp_url, tmp_path):
    migrate(database_url)
    app = bootstrap(ContactsSettings(database_url=database_url))
    rows = "".join(f"Person{i},Family{i},p{i}@example.com\n" for i in range(25))
    job = transfer.start_import(transfer.StartImport("csv", f"given_name,family_name,email\n{rows}Bad,,x\n".encode(), "w.csv"), app.uow(), ALICE)
    env = os.environ | {
        "CRM_CONTACTS_DATABASE_URL": database_url, "CRM_AMQP_URL": amqp_url, "CRM_CONTACTS_WORKER_METRICS_PORT": "0",
        "CRM_VAR_DIR": str(tmp_path / "var"), "CRM_CONTACTS_IMPORT_BATCH_SIZE": "10",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen([str(CRM_CONTACTS), "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        def done():
            assert worker.poll() is None, f"the worker exited:\n{log_path.read_text()}"
            current = transfer.get_job(job.id, app.uow(), ALICE)
            return current if current.status == "done" else None

        finished = wait_until(done, timeout=60, message="the import to finish")
        assert (finished.rows_accepted, finished.rows_rejected, finished.rows_total) == (25, 1, 26)
        assert len(handlers.list_persons(app.uow(), ALICE, 100, "")[0]) == 25
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(10)
        app.engine.dispose()
