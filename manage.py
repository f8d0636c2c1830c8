#!/usr/bin/env python3
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    """Run the management command named on the command line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nanets.settings")
    # Lets offline commands such as `pathway` run without a SECRET_KEY (see nanets/settings.py).
    os.environ["NANETS_COMMAND_LINE"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
