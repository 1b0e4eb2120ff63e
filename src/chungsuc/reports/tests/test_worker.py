"""One generation through the real broker and worker: Redis on 127.0.0.1:6379 and a Celery worker
started by this test (the other tests run the same task eagerly).

The worker is another process, so it cannot see the test's in-memory database: the test prepares a
throwaway SQLite database and media folder (CHUNGSUC_VAR_DIR), starts the worker on them, asks for a
document from a third process through the service (the task goes to Redis), and reads the file back."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from chungsuc.reports.tests.conftest import pdf_text

REDIS = ("127.0.0.1", 6379)

SCRIPT = r"""
import datetime as dt, json, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import transaction
from chungsuc.recognitions.models import RecognitionRecord
from chungsuc.geo.models import Unit, UnitVersion
from chungsuc.reports import services
from chungsuc.reports.models import GeneratedDocument

unit = Unit.objects.create(key="99001", code="99001", name="Xã Thử Nghiệm Đông", kind="xa", level="commune")
UnitVersion.objects.create(unit=unit, code="99001", name="Xã Thử Nghiệm Đông", kind="xa", level="commune")
RecognitionRecord.objects.create(unit=unit, standard="ntm", year=2023, since=dt.date(2023, 5, 2),
                                 decision_text="QĐ 1234/QĐ-UBND ngày 02/5/2023", origin="import")
admin = get_user_model().objects.create_superuser("worker.test", "w@example.invalid", "pw-Chung-Suc-1")
with transaction.atomic():
    doc = services.document_request(actor=admin, kind="recognised_list", fmt="pdf",
                                    params={"on": "2024-12-31", "standard": "ntm", "level": "commune",
                                            "options": {"number": "41"}}, title="Danh sách qua hàng đợi")
seen = set()
deadline = time.time() + 90
while time.time() < deadline:
    doc.refresh_from_db()
    seen.add(doc.status)
    if doc.finished:
        break
    time.sleep(0.2)
print(json.dumps({"status": doc.status, "file": doc.file.name, "error": doc.error, "seen": sorted(seen),
                  "ms": doc.duration_ms}))
"""


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
def test_generation_through_redis_and_a_celery_worker(tmp_path):
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))}
    # a Redis database of its own, so another checkout's worker on the same server never takes the task
    env.update(
        DJANGO_SETTINGS_MODULE="chungsuc.settings",
        CHUNGSUC_VAR_DIR=str(tmp_path),
        CELERY_BROKER_URL=f"redis://127.0.0.1:6379/{random.randint(8, 15)}",
        CHUNGSUC_AXES_ENABLED="0",
    )
    subprocess.run(
        [str(bin_dir / "chungsuc"), "migrate", "--noinput"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    worker = subprocess.Popen(
        [
            str(bin_dir / "celery"),
            "-A",
            "chungsuc",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        run = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=150
        )
        assert run.returncode == 0, run.stderr[-2000:]
        out = json.loads(run.stdout.strip().splitlines()[-1])
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
    assert out["status"] == "done", (out, worker.stdout.read().decode()[-2000:] if worker.stdout else "")
    # the request returned before the worker finished: the page saw it waiting first
    assert "pending" in out["seen"] or "running" in out["seen"]
    text = " ".join(pdf_text((tmp_path / "media" / out["file"]).read_bytes()).split())
    assert "Số: 41/DS-SNN" in text
    assert "Xã Thử Nghiệm Đông" in text and "gồm 1 đơn vị" in text
    assert "QĐ 1234/QĐ-UBND ngày 02/5/2023" in text
