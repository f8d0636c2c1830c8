"""manage.py restore FILE: load a full backup into a new, migrated database (all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup written by `manage.py backup` into an empty database after `manage.py migrate`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file (.json)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restore_backup(options["file"])
        except BackupError as error:
            raise CommandError(f"Nothing restored: {error}") from None
        self.stdout.write(f"Restored {options['file']}.")
