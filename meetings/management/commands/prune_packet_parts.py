"""`manage.py prune_packet_parts [--days 2]`: delete the kept case parts and footers not written lately."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from meetings.packet_parts import prune_parts


class Command(BaseCommand):
    help = "Delete the packets' kept case parts (packet-parts/) not written for --days days (default 2)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=2, help="keep parts written within this many days")

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        if days < 1:
            self.stderr.write("--days must be at least 1: a packet being generated may read today's parts.")
            raise SystemExit(2)
        removed = prune_parts(older_than=timezone.now() - timedelta(days=days))
        self.stdout.write(f"Removed {removed} kept part(s) older than {days} day(s).")
