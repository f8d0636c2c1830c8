"""Signals cases sends to the apps built on it, which cases must not import (engine <- cases <- meetings)."""

from django.dispatch import Signal

# Sent by `manage.py seed_demo` once the demo users and cases exist, with `users` (demo username -> user).
# Each receiver adds its app's demo data and returns one line for the command's output (or None).
demo_seeded = Signal()
