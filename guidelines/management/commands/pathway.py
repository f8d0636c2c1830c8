"""manage.py pathway FILE|- [--format json|text]: run the guidelines engine on one case's facts."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from guidelines.engine import FactsError, build_pathway, parse_facts, pathway_as_text
from guidelines.engine.facts import field_name
from guidelines.engine.reading import read_facts_json, read_limited

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Print the NANETS 2023 pathway for case facts (JSON, contract case-facts/v1) read from FILE or '-'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="Path of a case-facts JSON file, or - for standard input")
        parser.add_argument("--format", choices=("json", "text"), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            raw = read_source(options["source"])
            pathway = build_pathway(parse_facts(read_facts_json(raw)))
        except FactsError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            sys.exit(EXIT_BAD_INPUT)
        if options["format"] == "text":
            self.stdout.write(pathway_as_text(pathway), ending="")
        else:
            self.stdout.write(json.dumps(pathway.to_dict(), indent=2, ensure_ascii=False))


def read_source(source: str) -> bytes:
    """The bytes of FILE or standard input, at most one past the size cap; FactsError when unreadable."""
    if source == "-" and sys.stdin is None:  # started with standard input closed
        raise FactsError(["(input): no standard input to read"])
    try:
        if source == "-":
            return read_limited(sys.stdin.buffer)
        with open(source, "rb") as handle:
            return read_limited(handle)
    except OSError as error:
        reason = error.strerror or str(error)
    except ValueError as error:  # a path with a NUL byte in it
        reason = str(error)
    raise FactsError([f"(input): cannot read {field_name(source)}: {reason}"])
