"""manage.py create_api_token USERNAME: make a REST API token for a user and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interop.api.tokens import issue_token
from interop.management.users import user_named


class Command(BaseCommand):
    help = (
        "Create a REST API token for USERNAME and print it. Only its digest is stored: copy it now, it "
        "cannot be shown again. Send it as 'Authorization: Bearer <token>' (see docs/api.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the user the token acts as (with that user's role)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["username"])
        if user is None:
            raise CommandError(f"username: no user {options['username']!r} in this database")
        self.stdout.write(issue_token(user=user))
