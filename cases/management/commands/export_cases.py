"""manage.py export_cases FILE: write every patient, case and finding to one JSON file (nanets-cases/1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.exchange.errors import ExportError
from cases.exchange.export import write_export


class Command(BaseCommand):
    help = (
        "Export the whole clinical record (patients, cases, findings) to FILE as JSON "
        "(format nanets-cases/1, see docs/export-import.md). The file holds identified patient data "
        "and is created readable by its owner only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="where to write the export")
        parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            counts = write_export(path, overwrite=options["overwrite"])
        except (ExportError, OSError) as error:
            raise CommandError(f"Nothing exported: {error}") from None
        self.stdout.write(
            f"Exported {counts['patients']} patients, {counts['cases']} cases and "
            f"{counts['findings']} findings to {path}."
        )
