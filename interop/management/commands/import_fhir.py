"""manage.py import_fhir FILE --user USERNAME: a FHIR Bundle into a new draft case, or refused whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases import services
from interop.fhir.import_ import ImportResult, import_bundle_file
from interop.fhir.reading import BundleRefused
from interop.management.users import user_named

# Exit status of a refused Bundle (1 stays "the command failed for another reason"), as import_cases.
REFUSED = 2


class Command(BaseCommand):
    help = (
        "Read a FHIR R4 Bundle (Patient, Conditions, Observations, Procedures, medications; see "
        "docs/fhir.md) into a new draft case for a clinician to review step by step. What does not map "
        "is listed. Any problem refuses the whole Bundle (exit status 2) and saves nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a FHIR Bundle as JSON")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            required=True,
            help="the clinician who imports (author of the records)",
        )
        parser.add_argument(
            "--another-case",
            action="store_true",
            help="open another case when the patient's MRN already has cases",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["user"])
        if user is None:
            raise CommandError(f"--user: no user {options['user']!r} in this database", returncode=REFUSED)
        path: Path = options["file"]
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path} cannot be read ({error.strerror})", returncode=REFUSED) from None
        try:
            result = import_bundle_file(raw, user=user, another_case_for_patient=options["another_case"])
        except BundleRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{path} refused ({len(refused.problems)} problem(s)): nothing was imported.",
                returncode=REFUSED,
            ) from None
        except services.KnownPatient as known:
            services.show_known_patient(user=user, known=known)
            cases = ", ".join(str(case.pk) for case in known.cases)
            raise CommandError(
                f"The Bundle's MRN already has case(s) {cases}: continue one of them, or pass --another-case "
                "to open another. Nothing was imported.",
                returncode=REFUSED,
            ) from None
        self.stdout.write(self.report(result))

    @staticmethod
    def report(result: ImportResult) -> str:
        """The new case, what was prefilled (by step) and what did not map; no names or MRN."""
        lines = [f"Created draft case {result.case.pk}: review it step by step."]
        lines += [f"Note: {notice}" for notice in result.notices]
        lines.append("Imported:")
        for item in result.imported:
            what = "the patient" if item.step == "patient" else item.record
            lines.append(f"  {item.step}: {what} ({', '.join(item.sources)})")
        lines.append(f"Not mapped ({len(result.unmapped)}):" if result.unmapped else "Everything mapped.")
        lines += [f"  {item}" for item in result.unmapped]
        return "\n".join(lines)
