"""Fault test: the real task worker (manage.py db_worker) killed mid-packet, then a new one retries it.

Everything runs in subprocesses against a file SQLite database of its own (the test database of the
session lives in this process only), with a three-second lease so the loss is seen quickly. It needs
no network and no service, so it runs everywhere the suite runs, CI included.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 3
WAIT = 240  # seconds; a generous bound for a loaded machine, never reached when the code is right


@pytest.fixture
def database(tmp_path):
    """A migrated file database with the demo users, cases and meeting (agenda of every ready case)."""
    path = tmp_path / "worker.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "TASKS_BACKEND"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="nanets.settings",
        DATABASE_URL=f"sqlite:///{path}",
        DEBUG="1",
        ALLOWED_HOSTS="testserver",
        PACKET_LEASE_SECONDS=str(LEASE_SECONDS),
        PRIVATE_FILES_ROOT=str(tmp_path / "private-files"),
        LOG_LEVEL="INFO",
    )
    for command in (["migrate", "--no-input"], ["seed_demo"]):
        done = manage(env, *command)
        assert done.returncode == 0, done.stderr[-2000:]
    return path, env


def manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT,
        **kwargs,
    )


def in_app(env, code: str) -> dict:
    """Run code in a Django shell of that database; it ends by printing one JSON object."""
    done = manage(env, "shell", "-c", code)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_worker(env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def packet_row(path: Path) -> dict:
    with sqlite3.connect(path, timeout=30) as db:
        db.row_factory = sqlite3.Row
        row = db.execute(
            "SELECT status, generation, cases_done, cases_total, task_id, file != '' AS has_pdf"
            " FROM meetings_meetingpacket"
        ).fetchone()
    return dict(row) if row else {}


def task_status(path: Path, task_id: str) -> str:
    with sqlite3.connect(path, timeout=30) as db:
        row = db.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?", (task_id.replace("-", ""),)
        ).fetchone()
    return row[0] if row else ""


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"gave up waiting for {what}")


COORDINATOR = """
import json
from django.test import Client
from django.urls import reverse
from django.contrib.auth import get_user_model
from meetings.models import Meeting
client = Client()
client.force_login(get_user_model().objects.get(username="coordinator"))
meeting = Meeting.objects.get()
"""


def test_a_killed_worker_leaves_a_failed_packet_that_a_new_worker_retries_to_completion(database, tmp_path):
    path, env = database
    log = tmp_path / "worker.log"
    requested = in_app(
        env,
        COORDINATOR
        + """
response = client.post(reverse("meetings:packet_request", args=[meeting.pk]))
print(json.dumps({"status": response.status_code}))
""",
    )
    assert requested == {"status": 302}
    first = packet_row(path)
    assert first["status"] == "queued" and first["cases_total"] >= 2

    worker = start_worker(env, log)
    try:
        wait_for(lambda: packet_row(path)["status"] == "running", "the worker to start the packet")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    killed = packet_row(path)
    # Killed mid-packet: it says "running" and will never be finished or picked up by anyone.
    assert killed["status"] == "running" and killed["cases_done"] < killed["cases_total"]
    assert task_status(path, killed["task_id"]) == "RUNNING"

    time.sleep(LEASE_SECONDS + 1)  # the lease runs out: no heartbeat came
    seen = in_app(
        env,
        COORDINATOR
        + """
panel = client.get(reverse("meetings:packet_status", args=[meeting.pk])).content.decode()
print(json.dumps({"panel": panel}))
""",
    )["panel"]
    assert "The packet could not be generated." in seen
    assert f"no progress for more than {LEASE_SECONDS} seconds" in seen
    assert "Retry</button>" in seen
    assert "hx-trigger" not in seen  # polling stops
    assert packet_row(path)["status"] == "running"  # reading the panel wrote nothing

    # Retry: the lost packet and its task are recorded as failed, and a new generation is queued.
    retried = in_app(
        env,
        COORDINATOR
        + """
response = client.post(reverse("meetings:packet_request", args=[meeting.pk]))
print(json.dumps({"status": response.status_code}))
""",
    )
    assert retried == {"status": 302}
    queued = packet_row(path)
    assert (queued["status"], queued["generation"]) == ("queued", killed["generation"] + 1)
    assert task_status(path, killed["task_id"]) == "FAILED"

    # A new worker takes it; a SIGTERM mid-packet lets it finish the task it runs (the packet's first
    # part), then it exits cleanly. The other parts wait in the queue for the next worker.
    worker = start_worker(env, log)
    try:
        wait_for(lambda: packet_row(path)["status"] == "running", "the new worker to start the packet")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=WAIT) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert packet_row(path)["status"] in ("running", "ready")
    worker = start_worker(env, log)
    try:
        wait_for(lambda: packet_row(path)["status"] == "ready", "the next worker to finish the packet")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=WAIT) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    done = packet_row(path)
    assert (done["status"], done["generation"], done["has_pdf"]) == ("ready", queued["generation"], 1)
    assert done["cases_done"] == done["cases_total"] == first["cases_total"]
    assert task_status(path, done["task_id"]) == "SUCCESSFUL"
    assert "DEMOPATIENT" not in log.read_text()  # the worker's log names no patient
