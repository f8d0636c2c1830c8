"""`make bench`: a fresh PostgreSQL database, 1,000 synthetic cases, then one table of measures and budgets.

    .venv/bin/python -m bench [--cases 1000] [--users 20] [--duration 30] [--think 0.5-1.5] ...

Needs PostgreSQL at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/nanets_bench); the
database is dropped and created anew (its name must contain "bench"). Starts bench/serve.sh on a free
loopback port with two task workers (pages under load, the PDFs, the packet cold, unchanged and after
one case changed), stops it, then starts two instances on two ports, one task worker each, on the same
database (the load split between them, a cold packet), and stops them. Logs, query plans and the table go
to bench/results/.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.load import LoadResult
from bench.report import Row

if TYPE_CHECKING:
    from bench.documents import PacketRun

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/nanets_bench"
# Redis database 14 of the local server (the tests use 15), emptied at the start of a run.
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/14"

# Budgets (issue 9; the page ratios, CPU ratios and packets from issue 18).
ENGINE_BUDGET = 0.001  # seconds per case
PAGE_P95_BUDGET = 0.100  # seconds
PAGE_RATIO_BUDGET = 2.0  # p95 of the case or pathway page over p95 of the trivial page
LIST_RATIO_BUDGET = 3.0  # the case list's, which issue 18 leaves at issue 9's ratio
CPU_RATIO_BUDGET = 2.0  # CPU of one case or pathway page request over one trivial page request
CASE_PDF_BUDGET = 1.0  # seconds
PACKET_COLD_BUDGET = 10.0  # seconds for 30 cases, request to ready, nothing rendered before
PACKET_INCREMENTAL_BUDGET = 2.0  # seconds, the same packet again after one of its cases changed
# The packet is split over the task workers: the bench runs two (one per server in the two-server phase).
PACKET_TASK_WORKERS = 2
BENCH_WORKER_INTERVAL = "0.2"  # seconds an idle task worker waits before looking for work again
# Queries per page: fixed however many cases or findings there are (tests/bench and the page tests
# assert the exact counts); these are the counts the pages make today, as ceilings.
# The case list's 10th is the one insert of the access events of the rows it shows (the read trail); the
# case and pathway pages read the board's latest decision ("changed since the board discussed version N");
# the case page's 19th reads the board's comments on the case (with their authors). The pathway page's
# first read of a case version (the one measured) adds one, its fingerprint (cases.fingerprint); every
# later read serves the cached body: session, user, permissions (2), fingerprint, access event.
QUERY_BUDGETS = {"case list": 10, "case page": 19, "pathway page": 17, "trivial page": 3}


def log(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--think", default="0.5-1.5", help="think time between a user's requests, s (lo-hi)")
    parser.add_argument("--workers", default=os.environ.get("WORKERS", "3"))
    parser.add_argument("--threads", default=os.environ.get("THREADS", "2"))
    parser.add_argument("--engine-runs", type=int, default=7)
    parser.add_argument("--pdf-runs", type=int, default=5)
    parser.add_argument("--packet-cases", type=int, default=30)
    parser.add_argument("--skip-server", action="store_true", help="in-process measures only")
    parser.add_argument("--skip-pdf", action="store_true", help="no case PDF and no packet")
    parser.add_argument("--skip-two-servers", action="store_true", help="no phase with two servers")
    parser.add_argument("--quiet-timeout", type=float, default=45.0, help="s to wait for other work to calm")
    parser.add_argument("--reuse", action="store_true", help="keep the database and cases of the last run")
    return parser.parse_args(argv)


def prepare_environment(args: argparse.Namespace) -> dict[str, str]:
    """Settings for this process and the server: production-like, on loopback, against the bench database."""
    env = {
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "nanets.settings"),
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "INSECURE_LOCAL_HTTP": "1",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        "WORKERS": str(args.workers),
        "THREADS": str(args.threads),
        "LOG_LEVEL": "WARNING",
        # The packets and the kept case parts of this run only, so that "cold" finds no part stored.
        "PRIVATE_FILES_ROOT": str(RESULTS / "private-files"),
    }
    # The shared cache of several app servers (docs/deployment.md): role permissions, the case and
    # pathway pages' cached parts, seen by every gunicorn process of both servers. BENCH_CACHE_URL= for none.
    cache_url = os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL)
    if cache_url:
        env["CACHE_URL"] = cache_url
    os.environ.update(env)
    return {**os.environ, "BIN": str(Path(sys.executable).parent)}


def static_is_stale() -> bool:
    """collectstatic is needed: no manifest yet, or one older than static/ or the pins (as in serve.sh)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [ROOT / "requirements.txt", *(path for path in (ROOT / "static").rglob("*") if path.is_file())]
    return any(path.stat().st_mtime > built for path in sources)


def fresh_private_files() -> None:
    """An empty packets' directory for the run (no part of an earlier run is found)."""
    import shutil

    shutil.rmtree(RESULTS / "private-files", ignore_errors=True)


def empty_cache(url: str) -> None:
    """Empty the bench's Redis database, so that every page starts uncached."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).flushdb()
    except redis.RedisError as error:
        message = f"bench: Redis is not reachable at {url} ({error}); BENCH_CACHE_URL= runs without."
        raise SystemExit(message) from None


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (only one whose name says it is a bench database)."""
    import psycopg
    from psycopg import sql

    parts = psycopg.conninfo.conninfo_to_dict(url.replace("postgres://", "postgresql://", 1))
    name = str(parts.get("dbname", ""))
    if "bench" not in name:
        raise SystemExit(f"bench: refusing to drop {name!r}: the database name must contain 'bench'.")
    maintenance = psycopg.conninfo.make_conninfo("", **{**parts, "dbname": "postgres"})
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        raise SystemExit(f"bench: PostgreSQL is not reachable at {url} ({error}).") from None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    bounds = [float(part) for part in args.think.split("-")]
    if len(bounds) not in (1, 2):
        raise SystemExit(
            f"bench: --think is seconds as lo-hi (e.g. 0.5-1.5) or one number, not {args.think!r}."
        )
    think = (bounds[0], bounds[-1])
    env = prepare_environment(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    if not args.reuse:
        recreate_database(args.database_url)
        fresh_private_files()
    if env.get("CACHE_URL"):
        empty_cache(env["CACHE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    from bench import measure
    from bench.report import render_table, summary

    log(f"migrating a fresh database ({args.database_url.rsplit('/', 1)[-1]})")
    call_command("migrate", verbosity=0, interactive=False)
    if static_is_stale():
        log("collectstatic (hashed, compressed static files; about a minute, once per checkout)")
        call_command("collectstatic", verbosity=0, interactive=False)

    from bench.seed import BENCH_PASSWORD, bench_users, existing_cases, seed_cases

    clinicians, coordinator = bench_users(args.users)
    began = time.perf_counter()
    seeded = existing_cases() if args.reuse else seed_cases(args.cases, clinicians[0], clinicians)
    log(
        f"seeded {len(seeded.case_ids)} cases in {time.perf_counter() - began:.1f} s: "
        + ", ".join(f"{code} {count}" for code, count in seeded.classifications.most_common())
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would have them in production

    rows: list[Row] = []
    # --- engine ---
    facts = measure.vignette_facts() + measure.seeded_facts(seeded.case_ids)
    speed = measure.engine_speed(facts, args.engine_runs)
    rows.append(
        Row(
            "engine",
            f"build_pathway, {speed.cases} cases (12 vignettes + seeded), median of {speed.runs} runs",
            f"{speed.seconds_per_case * 1000:.3f} ms/case ({speed.per_second:,.0f} cases/s)",
            f"<= {ENGINE_BUDGET * 1000:g} ms/case",
            speed.seconds_per_case <= ENGINE_BUDGET,
        )
    )

    # --- queries per page (in process) ---
    from django.test import Client

    from cases.models import Case

    ordered = list(Case.objects.filter(pk__in=seeded.case_ids).order_by("pk").values_list("pk", "status"))
    sample_case = _fullest_case(seeded.case_ids)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(clinicians[0])
    pages = {
        "case list": "/cases/",
        "case page": f"/cases/{sample_case}/",
        "pathway page": f"/cases/{sample_case}/pathway/",
        "trivial page": "/healthz",
    }
    query_counts = {label: measure.count_queries(client, path) for label, path in pages.items()}
    spread = [pk for pk, _ in ordered][:: max(1, len(ordered) // 20)][:20]
    cpu_costs = {
        "list": measure.cpu_per_request(client, ["/cases/"]),
        "case": measure.cpu_per_request(client, [f"/cases/{pk}/" for pk in spread]),
        "pathway": measure.cpu_per_request(client, [f"/cases/{pk}/pathway/" for pk in spread]),
        "trivial": measure.cpu_per_request(client, ["/healthz"]),
    }
    (RESULTS / "explain-case-list.txt").write_text(measure.explain_case_list())

    # --- against the server: one instance, then two on the one database ---
    loads: list[tuple[str, LoadResult]] = []
    pdf_times: list[float] = []
    packets: list[PacketMeasure] = []
    if not args.skip_server:
        from bench import documents, server
        from bench.load import run_load

        ids = [pk for pk, _ in ordered]

        def page_round(
            rng: random.Random,
        ) -> list[tuple[str, str]]:  # one visit of each page, in random order, cases picked at random
            case_id = rng.choice(ids)
            visit = [
                ("case list", "/cases/"),
                ("case page", f"/cases/{case_id}/"),
                ("pathway page", f"/cases/{rng.choice(ids)}/pathway/"),
                ("trivial page", "/healthz"),
            ]
            rng.shuffle(visit)
            return visit

        all_ready = [pk for pk, status in ordered if status == "ready"]
        ready = all_ready[: args.packet_cases]
        meeting_id = documents.make_meeting(coordinator, ready)
        # The two-server packet is cold too: other cases than the first meeting's, whose parts are stored.
        others = all_ready[args.packet_cases : 2 * args.packet_cases]
        second_meeting_id = documents.make_meeting(coordinator, others) if others else None
        logins = [(user.username, BENCH_PASSWORD) for user in clinicians]
        coordinator_login = (coordinator.username, BENCH_PASSWORD)
        # Idle task workers look for work this often, so a packet's tasks start at once.
        served = {**env, "WORKER_INTERVAL": BENCH_WORKER_INTERVAL}
        busy = quiet(args.quiet_timeout)
        if busy is not None:
            rows.append(
                Row(
                    "machine",
                    "CPU busy with other work just before the load",
                    f"{busy:.0%} of {os.cpu_count()} cores",
                )
            )
        with server.serving(served, RESULTS / "serve.log", task_workers=PACKET_TASK_WORKERS) as base:
            log(f"server up at {base}; {args.users} users for {args.duration:g} s (think {args.think} s)")
            load = run_load(base, logins, page_round, duration=args.duration, think=think)
            loads.append(("one server", load))
            log(f"{load.requests} requests ({load.per_second:.1f}/s)")
            if not args.skip_pdf:
                quiet(args.quiet_timeout)
                log(f"case PDF x{args.pdf_runs}")
                pdf_times = documents.case_pdf_seconds(base, logins[0], sample_case, args.pdf_runs)
            if not args.skip_pdf and ready:
                packets += _packet_series(
                    base,
                    coordinator_login,
                    meeting_id,
                    len(ready),
                    clinicians[0],
                    ready[0],
                    args.quiet_timeout,
                )
        if not args.skip_two_servers:
            quiet(args.quiet_timeout)
            logs = [RESULTS / "serve-a.log", RESULTS / "serve-b.log"]
            with server.serving_several(served, logs, task_workers=1) as bases:
                log(f"two servers up at {' and '.join(bases)}, one task worker each; the users alternate")
                load = run_load(bases, logins, page_round, duration=args.duration, think=think)
                loads.append(("two servers", load))
                log(f"{load.requests} requests ({load.per_second:.1f}/s)")
                if not args.skip_pdf and second_meeting_id is not None:
                    quiet(args.quiet_timeout)
                    log(f"{len(others)}-case packet through server A, both servers' task workers running")
                    run = documents.packet_end_to_end(bases[0], coordinator_login, second_meeting_id)
                    packets.append(PacketMeasure("two servers", len(others), "cold", run, expected_workers=2))

    if loads:
        lines = ["phase,label,started_s,path,latency_ms"]
        for phase, measured in loads:
            for label, page in measured.pages.items():
                for at, path, seconds in sorted(page.log):
                    latency = "" if seconds is None else f"{seconds * 1000:.1f}"
                    lines.append(f"{phase},{label},{at:.3f},{path},{latency}")
        (RESULTS / "requests.csv").write_text("\n".join(lines) + "\n")
    for _, measured in loads:
        if measured.servers == 1:
            area, setup = (
                "pages",
                f"gunicorn {args.workers}x{args.threads}, {PACKET_TASK_WORKERS} task workers",
            )
        else:
            split = " + ".join(str(count) for count in measured.per_server.values())
            area = f"{measured.servers} servers"
            setup = (
                f"{measured.servers} x (gunicorn {args.workers}x{args.threads} + 1 task worker), "
                f"users alternate ({split} requests)"
            )
        rows += _page_rows(area, measured, f"{measured.users} users, think {args.think} s, {setup}")
    trivial_cpu = cpu_costs["trivial"]
    rows.append(
        Row(
            "pages",
            "CPU per request in one process, no load (median of 20)",
            " / ".join(f"{label} {seconds * 1000:.1f}" for label, seconds in cpu_costs.items()) + " ms",
        )
    )
    for label, key in (("case page", "case"), ("pathway page", "pathway")):
        ratio = cpu_costs[key] / trivial_cpu if trivial_cpu else float("inf")
        rows.append(
            Row(
                "pages",
                f"{label} CPU per request / trivial page's (in process)",
                f"{ratio:.1f}x",
                f"<= {CPU_RATIO_BUDGET:g}x",
                ratio <= CPU_RATIO_BUDGET,
            )
        )
    if pdf_times:
        from bench.documents import median

        rows.append(
            Row(
                "PDF",
                f"case pathway PDF over HTTP, median of {len(pdf_times)}",
                f"{median(pdf_times):.2f} s",
                f"<= {CASE_PDF_BUDGET:g} s",
                median(pdf_times) <= CASE_PDF_BUDGET,
            )
        )
    rows += [row for measured_packet in packets for row in measured_packet.rows()]
    for label, count in query_counts.items():
        rows.append(
            Row("queries", label, str(count), f"<= {QUERY_BUDGETS[label]}", count <= QUERY_BUDGETS[label])
        )

    table = render_table(rows)
    closing = summary(rows)
    (RESULTS / "table.txt").write_text(f"{table}\n{closing}\n")
    log(f"done in {time.monotonic() - started:.0f} s; plans and logs in {RESULTS.relative_to(ROOT)}/")
    print(table)
    print(closing)
    return 0


def _page_rows(area: str, load: LoadResult, setup: str) -> list[Row]:
    """p50/p95 of each page with its budgets, the trivial page, the errors and the load of one phase."""
    rows = []
    trivial = load.pages.get("trivial page")
    trivial_p95 = trivial.p(0.95) if trivial else 0.0
    for label in ("case list", "case page", "pathway page"):
        stats = load.pages.get(label)
        if stats is None:
            continue
        p50, p95 = stats.p(0.50), stats.p(0.95)
        failed = f", {stats.failures} failed" if stats.failures else ""
        rows.append(
            Row(
                area,
                f"{label} p50 / p95 ({len(stats.latencies)} requests{failed})",
                f"{p50:.0f} / {p95:.0f} ms",
                f"p95 <= {PAGE_P95_BUDGET * 1000:g} ms",
                p95 <= PAGE_P95_BUDGET * 1000 and not stats.failures,
            )
        )
        ratio = p95 / trivial_p95 if trivial_p95 else float("inf")
        budget = LIST_RATIO_BUDGET if label == "case list" else PAGE_RATIO_BUDGET
        rows.append(
            Row(area, f"{label} p95 / trivial page p95", f"{ratio:.1f}x", f"<= {budget:g}x", ratio <= budget)
        )
    if trivial is not None:
        rows.append(
            Row(
                area,
                f"trivial page (/healthz) p50 / p95 ({len(trivial.latencies)} requests)",
                f"{trivial.p(0.5):.1f} / {trivial_p95:.1f} ms",
            )
        )
    errors = sum(stats.failures for stats in load.pages.values())
    rows.append(Row(area, "errors (not 200, or no answer), all pages", str(errors), "0", errors == 0))
    rows.append(
        Row(
            area,
            f"load: {load.seconds:.0f} s, {setup}",
            f"{load.requests} requests, {load.per_second:.0f}/s",
        )
    )
    return rows


@dataclass(frozen=True)
class PacketMeasure:
    """One packet request timed to ready: which phase, how warm, and its budget."""

    phase: str  # one server | two servers
    cases: int
    state: str  # cold | unchanged | one case changed
    run: PacketRun
    # Judged when set: at least this many task workers took part in rendering it.
    expected_workers: int = 0
    # For "one case changed": the edit did change that case's fingerprint (else the row measures nothing).
    fingerprint_changed: bool = True

    def rows(self) -> list[Row]:
        """Its row (and, when the workers are judged, theirs)."""
        run = self.run
        area = "PDF" if self.phase == "one server" else "2 servers"
        pages = f", {run.pages} pages" if run.pages else ""
        ran = f"{run.workers} worker{'s' if run.workers != 1 else ''} ran it"
        value = f"{run.seconds:.1f} s ({run.status}, {run.cases_done} cases{pages}, {ran})"
        ready = run.status == "ready"
        if self.state == "cold":
            where = (
                f"{PACKET_TASK_WORKERS} task workers"
                if self.phase == "one server"
                else "asked through one of 2 servers, 1 task worker each"
            )
            measure = f"{self.cases}-case packet, cold, request to ready ({where})"
            rows = [
                Row(
                    area,
                    measure,
                    value,
                    f"<= {PACKET_COLD_BUDGET:g} s",
                    ready and run.seconds <= PACKET_COLD_BUDGET,
                )
            ]
        elif self.state == "unchanged":
            rows = [Row(area, f"{self.cases}-case packet again, nothing changed", value)]
        else:
            changed = "" if self.fingerprint_changed else " [the edit did NOT change its fingerprint]"
            rows = [
                Row(
                    area,
                    f"{self.cases}-case packet again after one case changed (workup save){changed}",
                    value,
                    f"<= {PACKET_INCREMENTAL_BUDGET:g} s",
                    ready and self.fingerprint_changed and run.seconds <= PACKET_INCREMENTAL_BUDGET,
                )
            ]
        if self.expected_workers:
            rows.append(
                Row(
                    area,
                    "task workers that rendered that packet",
                    f"{run.workers} of {self.expected_workers}",
                    f">= {self.expected_workers}",
                    run.workers >= self.expected_workers,
                )
            )
        return rows


def _packet_series(
    base: str,
    login: tuple[str, str],
    meeting_id: int,
    cases: int,
    editor: Any,
    edited_case: int,
    quiet_timeout: float,
) -> list[PacketMeasure]:
    """The packet cold, again with nothing changed, and again after one of its cases was edited."""
    from bench import documents

    quiet(quiet_timeout)
    log(f"{cases}-case packet, cold, {PACKET_TASK_WORKERS} task workers")
    measures = [
        PacketMeasure("one server", cases, "cold", documents.packet_end_to_end(base, login, meeting_id))
    ]
    quiet(quiet_timeout)
    log("the packet again, nothing changed")
    again = documents.packet_end_to_end(base, login, meeting_id)
    measures.append(PacketMeasure("one server", cases, "unchanged", again))
    changed = documents.edit_one_case(editor, edited_case)
    quiet(quiet_timeout)
    log("the packet again after one case changed")
    after = documents.packet_end_to_end(base, login, meeting_id)
    measures.append(
        PacketMeasure("one server", cases, "one case changed", after, fingerprint_changed=changed)
    )
    return measures


def quiet(timeout: float) -> float | None:
    """Wait up to `timeout` s for other work to calm down; return the CPU share it still uses."""
    from bench.measure import wait_for_quiet  # after django.setup(), as bench.measure imports the models

    busy = wait_for_quiet(limit=0.2, timeout=timeout)
    if busy is not None and busy > 0.2:
        log(f"warning: {busy:.0%} of the CPU is busy with other work; timings will be inflated")
    return busy


def _fullest_case(case_ids: list[int]) -> int:
    """A seeded NEC case after progression (the longest pathway and PDF), else any complete case."""
    from django.db.models import Count

    from cases.models import Case

    cases = Case.objects.filter(pk__in=case_ids).exclude(classification="")
    best = (
        cases.filter(classification="nec")
        .annotate(
            lines=Count("treatment_lines", distinct=True), studies=Count("imaging_studies", distinct=True)
        )
        .order_by("-lines", "-studies", "pk")
        .first()
    )
    chosen = best or cases.order_by("pk").first()
    if chosen is None:
        raise SystemExit("bench: no seeded case has a classification: the seeding went wrong.")
    return chosen.pk


if __name__ == "__main__":
    sys.exit(main())
