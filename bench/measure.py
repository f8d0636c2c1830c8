"""In-process measures: the engine's speed, the queries each page makes, the case list's query plans."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.facts import IncompleteRecord, facts_for_case, with_record
from cases.models import Case
from cases.views.case_list import PAGE_SIZE, filtered_cases
from guidelines.engine import CaseFacts, build_pathway, parse_facts

VIGNETTES = Path(__file__).resolve().parent.parent / "tests" / "vignettes"


def vignette_facts() -> list[CaseFacts]:
    """The engine input of every public vignette in tests/vignettes."""
    return [parse_facts(json.loads(path.read_text())["facts"]) for path in sorted(VIGNETTES.glob("*.json"))]


def seeded_facts(case_ids: Iterable[int]) -> list[CaseFacts]:
    """The engine input of each complete case (built through the app's adapter, prefetched)."""
    facts = []
    for case in with_record(Case.objects.filter(pk__in=list(case_ids))):
        try:
            facts.append(facts_for_case(case))
        except IncompleteRecord:
            continue
    return facts


@dataclass(frozen=True)
class EngineSpeed:
    """Median cases per second over several runs through all the facts."""

    cases: int
    runs: int
    per_second: float

    @property
    def seconds_per_case(self) -> float:
        """The median time of one case."""
        return 1 / self.per_second


def engine_speed(facts: list[CaseFacts], runs: int = 7) -> EngineSpeed:
    """Time build_pathway over every case `runs` times (after one warm-up run); the median run counts."""
    for case in facts:
        build_pathway(case)
    rates = []
    for _ in range(runs):
        began = time.perf_counter()
        for case in facts:
            build_pathway(case)
        rates.append(len(facts) / (time.perf_counter() - began))
    return EngineSpeed(len(facts), runs, statistics.median(rates))


def count_queries(client: Client, path: str) -> int:
    """The queries one GET makes (the response must be 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return len(captured)


def explain_case_list() -> str:
    """PostgreSQL's plans (EXPLAIN ANALYZE) of the case list's count and first page, plain and searched."""
    if connection.vendor != "postgresql":
        return "EXPLAIN skipped: not PostgreSQL.\n"
    out = []
    for title, params in (("first page", {}), ("search 'bench'", {"q": "benchpatient12"})):
        cases = filtered_cases(params)
        # The paginator counts without the ordering, then reads one page.
        for label, queryset in (("count", cases.order_by().values("pk")), ("page", cases[:PAGE_SIZE])):
            sql, args = queryset.query.sql_with_params()
            if label == "count":
                sql = f"SELECT COUNT(*) FROM ({sql}) AS counted"  # noqa: S608 - Django-generated SQL
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, TIMING ON) {sql}", args)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            out.append(f"-- case list, {title}: {label}\n{plan}\n")
    return "\n".join(out)


def cpu_busy(seconds: float = 2.0) -> float | None:
    """The share of the machine's CPU busy over `seconds` (from /proc/stat; None where there is none).

    Sampled while the benchmark itself is idle, it shows how much other work shares the machine.
    """
    stat = Path("/proc/stat")
    if not stat.exists():
        return None

    def sample() -> tuple[int, int]:
        values = [int(part) for part in stat.read_text().split("\n", 1)[0].split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    total, idle = sample()
    time.sleep(seconds)
    total2, idle2 = sample()
    return 1 - (idle2 - idle) / max(1, total2 - total)


def wait_for_quiet(limit: float = 0.2, timeout: float = 60.0) -> float | None:
    """Wait (up to `timeout` s) until other work uses at most `limit` of the CPU; return the last share."""
    deadline = time.monotonic() + timeout
    busy = cpu_busy(1.0)
    while busy is not None and busy > limit and time.monotonic() < deadline:
        busy = cpu_busy(2.0)
    return busy


def cpu_per_request(client: Client, paths: list[str], runs: int = 20) -> float:
    """Median CPU time (s) of one GET in this process, cycling through `paths` (after one warm-up each)."""
    for path in paths:
        client.get(path)
    times = []
    for number in range(runs):
        began = time.process_time()
        client.get(paths[number % len(paths)])
        times.append(time.process_time() - began)
    return statistics.median(times)
