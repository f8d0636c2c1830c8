"""manage.py case_facts CASE_ID: print the engine input (case-facts/v1 JSON) built from a case's records."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.facts import facts_dict_for_case, missing_required, with_record
from cases.models import Case


class Command(BaseCommand):
    help = "Print the case facts JSON the pathway engine receives for one case (for support and debugging)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("case_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        case = with_record(Case.objects.filter(pk=options["case_id"])).first()
        if case is None:
            raise CommandError(f"case_id: no case {options['case_id']}")
        data = facts_dict_for_case(case)
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        for item in missing_required(data):
            self.stderr.write(
                f"{item.field}: missing ({item.label}); the engine cannot run until it is entered"
            )
        if missing_required(data):
            sys.exit(2)
