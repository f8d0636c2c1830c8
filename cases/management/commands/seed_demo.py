"""Create the demo users, demo cases and (through demo_seeded) the demo meeting; safe to run repeatedly."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases import roles
from cases.demo import seed_demo_cases
from cases.signals import demo_seeded

# Published in the README on purpose: these accounts exist only for local demos.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105

# username -> (is_staff, is_superuser, role group from cases.roles).
DEMO_USERS: dict[str, tuple[bool, bool, str]] = {
    "admin": (True, True, roles.ADMINISTRATOR),
    "clinician": (False, False, roles.CLINICIAN),
    "coordinator": (False, False, roles.COORDINATOR),
    "viewer": (False, False, roles.VIEWER),
    "auditor": (False, False, roles.AUDITOR),
}


class Command(BaseCommand):
    """Create or repair the demo users so the printed logins always work."""

    help = "Create the demo users (admin, clinician, coordinator, viewer, auditor), cases and meeting."

    def add_arguments(self, parser: CommandParser) -> None:
        """Allow running outside DEBUG only when explicitly asked to."""
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo password is public).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Create missing demo users and reset their flags and password; then the demo cases and meeting."""
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a public password; run it with DEBUG=1 or --force."
            )
        user_model = get_user_model()
        users: dict[str, AbstractBaseUser] = {}
        for username, (is_staff, is_superuser, role) in DEMO_USERS.items():
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            user.is_staff = is_staff
            user.is_superuser = is_superuser
            user.is_active = True
            # Hashing is slow, so only rehash when the stored password no longer matches.
            if created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            users[username] = user
            self.stdout.write(f"{'Created' if created else 'Checked'} demo user {username}")
        new_cases = seed_demo_cases(users["clinician"])
        self.stdout.write(
            f"Demo cases: {len(new_cases)} created ({', '.join(new_cases) or 'all present already'})"
        )
        # The apps built on cases add their demo data (meetings: the demo meeting) and say what they did.
        for _receiver, summary in demo_seeded.send(sender=self.__class__, users=users):
            if summary:
                self.stdout.write(summary)
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins: {', '.join(DEMO_USERS)} — password for all: {DEMO_PASSWORD}")
        )
