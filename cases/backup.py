"""Full backup and restore of the database (every app's tables) with Django's serializers, for
`manage.py backup FILE` and `manage.py restore FILE`; export_cases stays the clinical exchange.

What migrate creates from the code (content types, permissions) and sessions (logins) are not in the
file; everything else is: users and roles, the clinical record and its history, meetings, agendas,
decisions, attendees, packets, the read and login trails, admin log entries and task results.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

# One consistent snapshot (PostgreSQL: a read-only repeatable-read transaction), shared with export_cases.
from cases.exchange.export import one_snapshot

logger = logging.getLogger(__name__)
# Rebuilt by migrate from the code, or not worth restoring (a restored session would revive a login).
NOT_BACKED_UP = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
# Created by migrate (the roles): restored by name, so a freshly migrated database can take the file.
BY_NATURAL_KEY: set[type[models.Model]] = {Group}
CHUNK = 500


class ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """The backup or restore could not be done; nothing was written."""


def backed_up_models() -> list[type[models.Model]]:
    """Every table of every app but NOT_BACKED_UP, parents before the tables that point to them."""
    wanted = [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in NOT_BACKED_UP
    ]
    by_app: dict[Any, list[type[models.Model]]] = {}
    for model in wanted:
        by_app.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


def _objects(model: type[models.Model]) -> Iterator[dict[str, Any]]:
    natural = model in BY_NATURAL_KEY
    rows = model._base_manager.order_by("pk")
    # Binary columns (the meeting packet's PDF) are large: fetch them a few rows at a time.
    yield from serializers.serialize(
        "python",
        rows.iterator(chunk_size=CHUNK),
        use_natural_foreign_keys=True,
        use_natural_primary_keys=natural,
    )


def write_backup(path: Path, *, overwrite: bool = False) -> Counter[str]:
    """Write every backed-up table to a JSON fixture readable by its owner only; return rows per table."""
    if path.suffix != ".json":
        raise BackupError(f"{path}: the backup file's name must end in .json")
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists already; pass --overwrite to replace it.")
    counts: Counter[str] = Counter()
    # mkstemp creates the file with mode 0600: the backup holds identified patient data.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream, one_snapshot():
            stream.write("[")
            first = True
            for model in backed_up_models():
                for row in _objects(model):
                    stream.write("\n" if first else ",\n")
                    json.dump(row, stream, cls=ExactEncoder, ensure_ascii=False)
                    counts[model._meta.label_lower] += 1
                    first = False
            stream.write("\n]\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)  # in one step: never a half-written backup under the final name
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    logger.info("backup: %d rows of %d tables", sum(counts.values()), len(counts))
    return counts


def nonempty_tables() -> list[str]:
    """Backed-up tables holding rows (the role groups migrate creates do not count)."""
    return [
        model._meta.label_lower
        for model in backed_up_models()
        if model not in BY_NATURAL_KEY and model._base_manager.exists()
    ]


def restore_backup(path: Path) -> None:
    """Load a backup into a freshly migrated, empty database, all in one transaction (or nothing)."""
    if path.suffix != ".json" or not path.is_file():
        raise BackupError(f"{path}: no such backup file (a .json file written by manage.py backup)")
    occupied = nonempty_tables()
    if occupied:
        raise BackupError(
            "the database is not empty ("
            + ", ".join(occupied[:5])
            + ("…" if len(occupied) > 5 else "")
            + "): "
            "restore into a new database after `manage.py migrate`"
        )
    # loaddata: one transaction, constraints checked at the end, id sequences moved past the restored ids.
    call_command("loaddata", str(path), verbosity=0)
    logger.info("restore: loaded %s", path.name)
