"""In-process CPU per request of /healthz, the case page and the pathway page (a logged-in clinician).

    .venv/bin/python -m bench.pagecpu [--requests 50] [--profile pathway] [--permission-cache 300]

A throwaway SQLite database in a temporary directory, the demo cases, then N requests of each page
through Django's test client, timed with time.process_time; --profile prints a pyinstrument tree.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    """Measure CPU ms per request of each page and optionally profile one."""
    parser = argparse.ArgumentParser(prog="python -m bench.pagecpu")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", choices=["case", "pathway"], default=None)
    parser.add_argument(
        "--permission-cache", type=int, default=0, help="PERMISSION_CACHE_SECONDS, as with a shared cache"
    )
    args = parser.parse_args(argv)
    directory = tempfile.mkdtemp(prefix="pagecpu-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(directory) / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nanets.settings")
    os.environ["STATIC_MANIFEST"] = "0"
    os.environ["PERMISSION_CACHE_SECONDS"] = str(args.permission_cache)
    os.environ.setdefault("SECRET_KEY", "pagecpu-throwaway-key-" + "x" * 40)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from cases import roles
    from cases.demo import seed_demo_cases
    from cases.models import Case

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("pagecpu")  # force_login: no password
    user.groups.add(Group.objects.get(name=roles.CLINICIAN))
    seed_demo_cases(user)
    case = Case.objects.exclude(classification="").order_by("pk").first()
    if case is None:
        raise SystemExit("no demo case with a pathway")
    pages = {"healthz": "/healthz", "case": f"/cases/{case.pk}/", "pathway": f"/cases/{case.pk}/pathway/"}
    with override_settings(SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False, ALLOWED_HOSTS=["*"]):
        client = Client()
        client.force_login(user)
        results, queries = {}, {}
        for name, path in pages.items():
            with CaptureQueriesContext(connection) as first:
                if client.get(path).status_code != 200:  # warm: templates, caches
                    raise SystemExit(f"{path} did not answer 200")
            with CaptureQueriesContext(connection) as again:
                client.get(path)
            queries[name] = (len(first), len(again))
            start = time.process_time()
            for _ in range(args.requests):
                client.get(path)
            results[name] = (time.process_time() - start) / args.requests * 1000
        base = results["healthz"]
        for name, cpu in results.items():
            built, served = queries[name]
            print(f"{name:8} {cpu:7.2f} ms CPU/request  ({cpu / base:4.1f}x)  queries {built}, then {served}")
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(args.requests):
                client.get(pages[args.profile])
            profiler.stop()
            sys.stdout.write(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
