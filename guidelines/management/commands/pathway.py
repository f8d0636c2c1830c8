"""manage.py pathway FILE|- [--format json|text]: run the guidelines engine on one case's facts."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from guidelines.engine import FactsError, build_pathway, parse_facts, pathway_as_text

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Print the NANETS 2023 pathway for case facts (JSON, contract case-facts/v1) read from FILE or '-'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Path of a case-facts JSON file, or - for standard input")
        parser.add_argument("--format", choices=("json", "text"), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str]
        try:
            raw = sys.stdin.read() if options["source"] == "-" else _read(options["source"])
            data = json.loads(raw)
            pathway = build_pathway(parse_facts(data))
        except FactsError as error:
            problems = error.problems
        except json.JSONDecodeError as error:
            problems = [f"(input): not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"]
        except OSError as error:
            problems = [f"(input): cannot read {options['source']}: {error.strerror}"]
        else:
            if options["format"] == "text":
                self.stdout.write(pathway_as_text(pathway), ending="")
            else:
                self.stdout.write(json.dumps(pathway.to_dict(), indent=2, ensure_ascii=False))
            return
        for problem in problems:
            self.stderr.write(problem)
        sys.exit(EXIT_BAD_INPUT)


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()
