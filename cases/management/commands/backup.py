"""manage.py backup FILE: every table of the database (users, records, history, meetings, trails) as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write a full backup of the database to FILE (.json, readable by its owner only); "
        "restore it with `manage.py restore FILE` into a new, migrated database (docs/backup.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="where to write the backup (a .json file)")
        parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = write_backup(options["file"], overwrite=options["overwrite"])
        except (BackupError, OSError) as error:
            raise CommandError(f"No backup written: {error}") from None
        self.stdout.write(
            f"Backed up {sum(counts.values())} rows of {len(counts)} tables to {options['file']}."
        )
