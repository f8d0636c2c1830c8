"""manage.py import_cases FILE: restore an export; a file with any problem is rejected as a whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.exchange.errors import ImportRejected
from cases.exchange.importing import ImportSummary, import_file

# Exit status of a rejected file (1 stays "the command failed for another reason").
REJECTED = 2
# A badly broken file can have thousands of problems; the first ones are enough to start fixing it.
SHOWN_PROBLEMS = 200


class Command(BaseCommand):
    help = (
        "Import an export of export_cases (format nanets-cases/1, see docs/export-import.md). "
        "Everything is validated first and written in one transaction; any problem rejects the whole "
        "file (exit status 2) and leaves the database unchanged. Records already present with the same "
        "values are left alone; present with other values, they reject the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="an export written by export_cases")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report what would be created"
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="the operator, recorded as the author of the history entries"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        operator = None
        if options["user"]:
            user_model = get_user_model()
            operator = user_model._default_manager.filter(
                **{user_model.USERNAME_FIELD: options["user"]}
            ).first()
            if operator is None:
                raise CommandError(
                    f"--user: no user {options['user']!r} in this database", returncode=REJECTED
                )
        try:
            summary = import_file(options["file"], operator=operator, dry_run=options["dry_run"])
        except ImportRejected as rejected:
            for problem in rejected.problems[:SHOWN_PROBLEMS]:
                self.stderr.write(str(problem))
            hidden = len(rejected.problems) - SHOWN_PROBLEMS
            if hidden > 0:
                self.stderr.write(f"... and {hidden} more problem(s)")
            raise CommandError(
                f"{options['file']} rejected ({len(rejected.problems)} problem(s)): nothing was imported.",
                returncode=REJECTED,
            ) from None
        self.stdout.write(self.report(summary))

    @staticmethod
    def report(summary: ImportSummary) -> str:
        """Counts only: the output never repeats patient data."""
        verb = "Would create" if summary.dry_run else "Created"
        created = ", ".join(f"{count} {kind}" for kind, count in summary.created.items()) or "nothing"
        lines = [f"{verb}: {created}."]
        if summary.unchanged:
            unchanged = ", ".join(f"{count} {kind}" for kind, count in summary.unchanged.items())
            lines.append(f"Already present and identical (left alone): {unchanged}.")
        if summary.dry_run:
            lines.append("Dry run: nothing was written.")
        return "\n".join(lines)
