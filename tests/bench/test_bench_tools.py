"""The benchmark's tools on small data: seeding, the report table, the load client's pieces, /healthz.

Query counts only, never timings: the benchmark itself (`make bench`) measures time.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.__main__ import QUERY_BUDGETS
from bench.load import Browser, LoadError, percentile
from bench.report import Row, ms, render_table, summary
from bench.seed import MRN_PREFIX, bench_users, plan_cases, seed_cases
from cases.facts import with_record
from cases.models import Case, Patient
from cases.pathway import pathway_for_case
from cases.workup import readiness_gaps

ROOT = Path(__file__).resolve().parents[2]
RECORDS = (
    "pathology_reports",
    "imaging_studies",
    "molecular_results",
    "staging_assessments",
    "clinical_statuses",
    "resections",
    "treatment_lines",
)


@pytest.fixture
def bench_people(db):
    clinicians, coordinator = bench_users(3)
    return clinicians, coordinator


@pytest.mark.parametrize("count", [12, 60])
def test_seeding_makes_that_many_valid_consistent_cases(bench_people, count):
    clinicians, _ = bench_people
    result = seed_cases(count, clinicians[0], clinicians)
    cases = list(with_record(Case.objects.filter(pk__in=result.case_ids)))
    assert len(cases) == count == Patient.objects.filter(mrn__startswith=MRN_PREFIX).count()
    for case in cases:
        for record in (case.patient, case, *(row for name in RECORDS for row in getattr(case, name).all())):
            try:
                record.full_clean()
            except ValidationError as error:  # pragma: no cover - the message names the broken field
                pytest.fail(f"{record!r} of case {case.pk}: {error}")
        case_pathway = pathway_for_case(case)
        expected = case_pathway.pathway.classification.code if case_pathway.pathway else ""
        assert case.classification == expected
        if case.status != "draft":
            assert readiness_gaps(case_pathway, case) == []
    assert sum(result.classifications.values()) == count


def test_a_thousand_planned_cases_spread_over_every_classification_template_and_status():
    plans = plan_cases(1000)
    assert len(plans) == 1000
    assert {plan.spec.vignette for plan in plans} == {f"P{number:02d}" for number in range(1, 13)}
    assert {plan.status for plan in plans} == {"draft", "ready", "discussed", "closed"}
    assert {plan.pathology["differentiation"] for plan in plans} == {"well", "poor", "indeterminate"}
    assert any(plan.staging is None for plan in plans)
    assert plan_cases(50) == plan_cases(50)  # the same cases for the same seed


def test_seeding_takes_a_fixed_number_of_queries(bench_people, django_assert_num_queries):
    clinicians, _ = bench_people
    with CaptureQueriesContext(connection) as few:
        seed_cases(5, clinicians[0], clinicians, seed=1)
    with django_assert_num_queries(len(few)):
        seed_cases(40, clinicians[0], clinicians, seed=2)


def test_seeded_pages_stay_within_the_query_budgets(bench_people, client):
    clinicians, _ = bench_people
    result = seed_cases(30, clinicians[0], clinicians)
    client.force_login(clinicians[0])
    complete = Case.objects.filter(pk__in=result.case_ids).exclude(classification="").first()
    pages = {
        "case list": "/cases/",
        "case page": f"/cases/{complete.pk}/",
        "pathway page": f"/cases/{complete.pk}/pathway/",
        "trivial page": "/healthz",
    }
    for label, path in pages.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert len(queries) <= QUERY_BUDGETS[label], label


def test_healthz_answers_ok_without_login_or_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def test_the_report_table_renders_every_row_with_its_result():
    rows = [
        Row("engine", "build_pathway", "0.060 ms/case", "<= 1 ms/case", True),
        Row("pages", "case list p50 / p95", "20 / 140 ms", "p95 <= 100 ms", False),
        Row("pages", "trivial page", "3 / 9 ms"),
    ]
    table = render_table(rows).splitlines()
    assert table[0].split() == ["area", "measure", "value", "budget", "result"]
    assert set(table[1]) == {"-", " "}
    assert table[2].endswith("met") and "0.060 ms/case" in table[2]
    assert table[3].endswith("MISSED")
    assert table[4].rstrip().endswith("3 / 9 ms")  # a reference line has no budget and no result
    assert len({line.index("value") if "value" in line else None for line in table[:1]}) == 1
    assert summary(rows) == "1 of 2 budgets missed (pages: case list p50 / p95): see docs/performance.md."
    assert summary(rows[:1] + rows[2:]) == "All 1 budgets met."
    assert ms(0.0042) == "4.20 ms" and ms(0.25) == "250 ms"


def test_percentile_is_nearest_rank():
    values = [float(number) for number in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.95) == 0.0


@pytest.mark.parametrize("url", ["http://example.org:8000", "https://127.0.0.1:8000", "http://10.0.0.5"])
def test_the_load_client_talks_to_loopback_over_plain_http_only(url):
    with pytest.raises(LoadError):
        Browser(url)


def test_the_load_client_keeps_no_secure_cookie_from_plain_http():
    browser = Browser("http://127.0.0.1:9")
    browser._keep_cookies(
        ["sessionid=abc; HttpOnly; Path=/; Secure", "csrftoken=def; Path=/", "gone=; Max-Age=0; Path=/"]
    )
    assert browser.cookies == {"csrftoken": "def"}


def _settings_in_subprocess(**env):
    code = (
        "import nanets.settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    clean = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DEBUG")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": "x" * 50, "DEBUG": "0", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_insecure_local_http_turns_off_secure_cookies_on_loopback_only():
    local = _settings_in_subprocess(
        ALLOWED_HOSTS="127.0.0.1,localhost", INSECURE_LOCAL_HTTP="1", SECURE_SSL_REDIRECT="0"
    )
    assert local.stdout.split() == ["False", "False", "False"], local.stderr
    default = _settings_in_subprocess(ALLOWED_HOSTS="127.0.0.1,localhost")
    assert default.stdout.split() == ["True", "True", "True"], default.stderr
    public = _settings_in_subprocess(ALLOWED_HOSTS="127.0.0.1,board.example.org", INSECURE_LOCAL_HTTP="1")
    assert public.returncode != 0
    assert "INSECURE_LOCAL_HTTP" in public.stderr
