"""manage.py export_fhir CASE_ID | --all: print FHIR Bundles (mCODE STU3) to standard output."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Case
from interop.fhir.export import export_bundles
from interop.management.users import user_named


class Command(BaseCommand):
    help = (
        "Print the FHIR R4 collection Bundle (mCODE STU3, see docs/fhir.md) of one case, or with --all of "
        "every case, one Bundle per line (JSON lines). The output holds identified patient data; each "
        "case exported is recorded in the read trail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case_id", nargs="?", type=int, help="the case to export")
        parser.add_argument("--all", action="store_true", help="every case, one Bundle per line")
        parser.add_argument("--user", metavar="USERNAME", help="who exports (recorded in the read trail)")

    def handle(self, *args: Any, **options: Any) -> None:
        if (options["case_id"] is None) == (not options["all"]):
            raise CommandError("Give either a CASE_ID or --all.")
        user: Any = AnonymousUser()
        if options["user"]:
            user = user_named(options["user"])
            if user is None:
                raise CommandError(f"--user: no user {options['user']!r} in this database")
        cases = Case.objects.all()
        if not options["all"]:
            cases = cases.filter(pk=options["case_id"])
            if not cases.exists():
                raise CommandError(f"case_id: no case {options['case_id']}")
        bundles = export_bundles(user=user, cases=cases)
        for bundle in bundles:
            indent = None if options["all"] else 2
            self.stdout.write(json.dumps(bundle, ensure_ascii=False, indent=indent))
