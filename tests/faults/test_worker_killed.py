"""Fault: the worker is killed (-9) in the middle of an export. Real processes on a real
SQLite file; the job's lease lapses, another worker's reaper queues it again (an export is safe
to rerun), and a new worker finishes it. At no point is half a file offered for download."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 20_000

SETUP = f"""
import django; django.setup()
from django.db import transaction
from bitgoeul.accounts.models import User
from bitgoeul.audit.models import AuditEvent
from bitgoeul.jobs.services import job_start
user = User.objects.create_user(email="ops@example.kr", password="x" * 12, name="ops")
AuditEvent.objects.bulk_create(
    [AuditEvent(actor=user, action="test.fault", object_id=str(n)) for n in range({EVENTS})],
    batch_size=5000,
)
with transaction.atomic():
    job = job_start(owner=user, kind="audit.export", title="export", params={{}})
print(job.pk)
"""

STATE = """
import django, sys; django.setup()
from bitgoeul.jobs.models import Job
job = Job.objects.get(pk=sys.argv[1])
print(job.status, job.attempts, job.result_file or "-", job.error or "-")
"""

REAP = """
import django, datetime as dt; django.setup()
from django.db import transaction
from django.utils import timezone
from bitgoeul.jobs.services import job_reap_lost
with transaction.atomic():  # the retry is enqueued when this commits
    print(len(job_reap_lost(now=timezone.now() + dt.timedelta(hours=1))))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9")
def test_a_worker_killed_mid_export_leaves_no_half_file_and_the_export_is_run_again(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bitgoeul.settings",
        "BITGOEUL_DEMO": "true",
        "BITGOEUL_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }

    def python(code: str, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    cli = [sys.executable, "-m", "bitgoeul.cli"]
    subprocess.run([*cli, "migrate", "-v", "0"], env=env, check=True)
    job_id = python(SETUP)
    side = tmp_path / "jobs" / f"{job_id}.json"
    worker = subprocess.Popen(
        [*cli, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while not side.exists():  # the export has begun writing
            assert worker.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    export = tmp_path / "media" / "exports" / f"audit-{job_id}.csv"
    assert python(STATE, job_id) == "running 1 - -"
    assert not export.exists()  # only a .part file, never offered

    assert python(REAP) == "1"
    subprocess.run([*cli, "worker", "--batch"], env=env, check=True, capture_output=True)
    assert python(STATE, job_id) == f"succeeded 2 exports/audit-{job_id}.csv -"
    lines = export.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + EVENTS + 1  # the header, the events and the job's own job.start
