"""The benchmark's phases of issue 18: serve.sh's task workers, the load split over servers, the case edit
between two packets, and the rows these give. No timings are asserted: the rows are fed made-up ones.
"""

import os
import subprocess
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.__main__ import (
    LIST_RATIO_BUDGET,
    PACKET_COLD_BUDGET,
    PACKET_INCREMENTAL_BUDGET,
    PAGE_RATIO_BUDGET,
    PacketMeasure,
    _page_rows,
)
from bench.documents import PacketRun, edit_one_case, make_meeting
from bench.load import LoadResult, PageStats, run_load
from bench.seed import bench_users, seed_cases
from cases.fingerprint import case_fingerprint
from cases.models import Case
from meetings.models import Meeting
from meetings.packet import agenda_for_packet, packet_fingerprint

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"TASK_WORKERS": "0", "GUNICORN": "0"}, "nothing to run"),
        ({"TASK_WORKERS": "two"}, "TASK_WORKERS is a count"),
        ({"GUNICORN": "yes"}, "GUNICORN is 0 or 1"),
    ],
)
def test_serve_refuses_task_worker_and_gunicorn_settings_it_cannot_run(settings, message):
    clean = {key: value for key, value in os.environ.items() if key not in ("TASK_WORKERS", "GUNICORN")}
    done = subprocess.run(
        ["bash", str(ROOT / "bench" / "serve.sh")],  # noqa: S607 - our own script
        cwd=ROOT,
        env={**clean, "BIN": "/nonexistent", **settings},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert message in done.stderr


class _FakeApp(BaseHTTPRequestHandler):
    """Just enough of the app for the load client: the login form, a session cookie, 200 for the rest."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.hits[("GET", self.path)] += 1
        if self.path == "/accounts/login/":
            self._answer(200, b'<input name="csrfmiddlewaretoken" value="token">', "csrftoken=token; Path=/")
        else:
            self._answer(200, b"ok")

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.hits[("POST", self.path)] += 1
        self._answer(302, b"", f"sessionid=s{self.server.hits['POST', self.path]}; Path=/", location="/")

    def _answer(self, status, body, cookie=None, location=None):
        self.send_response(status)
        if cookie:
            self.send_header("Set-Cookie", cookie)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def two_fake_servers():
    servers = []
    for _ in range(2):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeApp)
        server.hits = Counter()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_load_shares_the_users_out_over_the_servers_in_turn(two_fake_servers):
    bases = [f"http://127.0.0.1:{server.server_address[1]}" for server in two_fake_servers]
    logins = [(f"user{number}", "password") for number in range(5)]

    def page_round(rng):
        return [("trivial page", "/healthz")]

    result = run_load(bases, logins, page_round, duration=0.3, think=(0.01, 0.02))
    first, second = two_fake_servers
    assert (first.hits["POST", "/accounts/login/"], second.hits["POST", "/accounts/login/"]) == (3, 2)
    assert result.servers == 2
    assert set(result.per_server) == set(bases)
    assert all(count > 0 for count in result.per_server.values())
    assert sum(result.per_server.values()) == len(result.pages["trivial page"].log)
    assert result.pages["trivial page"].failures == 0


def test_the_benchmarks_case_edit_changes_the_cases_and_its_packets_fingerprint(db):
    clinicians, coordinator = bench_users(2)
    seeded = seed_cases(12, clinicians[0], clinicians)
    case = Case.objects.filter(pk__in=seeded.case_ids, status="ready").first()
    meeting = Meeting.objects.get(pk=make_meeting(coordinator, [case.pk]))
    packet_before = packet_fingerprint(meeting, agenda_for_packet(meeting))
    case_before = case_fingerprint(case.pk)

    assert edit_one_case(clinicians[0], case.pk) is True

    edited = Case.objects.get(pk=case.pk)
    assert case_fingerprint(case.pk).digest != case_before.digest
    assert packet_fingerprint(meeting, agenda_for_packet(meeting)) != packet_before
    assert edited.version == case.version + 1
    assert edited.status == "ready"  # still on the agenda, still in the packet
    assert edited.board_question.startswith(case.board_question)


def _run(seconds, workers=2, status="ready"):
    return PacketRun(seconds, status, 30, 48, "", workers)


def test_packet_rows_judge_cold_and_incremental_packets_against_their_budgets():
    cold = PacketMeasure("one server", 30, "cold", _run(PACKET_COLD_BUDGET - 1)).rows()
    slow = PacketMeasure("one server", 30, "cold", _run(PACKET_COLD_BUDGET + 1)).rows()
    failed = PacketMeasure("one server", 30, "cold", _run(1, status="failed")).rows()
    assert [row.met for row in cold + slow + failed] == [True, False, False]
    assert "2 workers ran it" in cold[0].value

    again = PacketMeasure("one server", 30, "unchanged", _run(0.5)).rows()
    assert [row.met for row in again] == [None]  # a reference figure

    quick = _run(PACKET_INCREMENTAL_BUDGET - 0.5)
    changed = PacketMeasure("one server", 30, "one case changed", quick).rows()
    unchanged = PacketMeasure("one server", 30, "one case changed", quick, fingerprint_changed=False).rows()
    assert [row.met for row in changed + unchanged] == [True, False]
    assert "did NOT change" in unchanged[0].measure


def test_the_two_server_packet_is_judged_on_both_workers_taking_part():
    one = PacketMeasure("two servers", 30, "cold", _run(5, workers=1), expected_workers=2).rows()
    both = PacketMeasure("two servers", 30, "cold", _run(5, workers=2), expected_workers=2).rows()
    assert [row.area for row in one] == ["2 servers", "2 servers"]
    assert [row.met for row in one] == [True, False]
    assert [row.met for row in both] == [True, True]
    assert one[1].value == "1 of 2"


def _stats(milliseconds, failures=0):
    return PageStats(latencies=[milliseconds / 1000] * 20, failures=failures)


def test_page_rows_hold_the_case_and_pathway_pages_to_2x_and_the_list_to_3x_the_trivial_page():
    assert (PAGE_RATIO_BUDGET, LIST_RATIO_BUDGET) == (2.0, 3.0)
    load = LoadResult(
        {
            "case list": _stats(25),
            "case page": _stats(25),
            "pathway page": _stats(19, failures=1),
            "trivial page": _stats(10),
        },
        users=4,
        seconds=10,
        per_server={"http://127.0.0.1:1": 40, "http://127.0.0.1:2": 41},
    )
    rows = {row.measure: row for row in _page_rows("2 servers", load, "setup")}
    assert rows["case list p95 / trivial page p95"].met is True  # 2.5x
    assert rows["case page p95 / trivial page p95"].met is False  # 2.5x
    assert rows["pathway page p95 / trivial page p95"].met is True  # 1.9x
    assert rows["pathway page p50 / p95 (20 requests, 1 failed)"].met is False
    assert rows["errors (not 200, or no answer), all pages"].value == "1"
    assert rows["errors (not 200, or no answer), all pages"].met is False
    assert {row.area for row in rows.values()} == {"2 servers"}
