"""SQLite with the app's settings: 20 threads writing at once to a file database all succeed."""

import threading
import time

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

WRITERS = 20
TRANSACTIONS_EACH = 3
# Each write transaction holds the lock this long: together far more than the 5 s the old PRAGMA allowed.
HOLD_SECONDS = 0.1


def connect(path):
    """A connection exactly as the app opens one (settings.SQLITE_OPTIONS), to a file database."""
    wrapper = DatabaseWrapper(
        {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": dict(settings.SQLITE_OPTIONS),
        },
        alias=f"writer-{threading.get_ident()}",
    )
    wrapper.ensure_connection()
    return wrapper


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker):
    """These tests open their own file databases, not the test database."""
    with django_db_blocker.unblock():
        yield


def test_the_busy_timeout_is_the_configured_timeout_not_an_overriding_pragma(tmp_path):
    wrapper = connect(tmp_path / "timeout.sqlite3")
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == settings.SQLITE_OPTIONS["timeout"] * 1000
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    wrapper.close()


@pytest.mark.skipif(
    settings.SQLITE_OPTIONS["timeout"] * 1000 < WRITERS * TRANSACTIONS_EACH * HOLD_SECONDS * 1000,
    reason="the contention below must fit within the busy timeout",
)
def test_twenty_concurrent_writers_on_a_file_database_get_no_error(tmp_path):
    path = tmp_path / "writers.sqlite3"
    setup = connect(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE visit (id INTEGER PRIMARY KEY, writer INTEGER, n INTEGER)")
    setup.close()
    errors, start = [], threading.Barrier(WRITERS)

    def write(writer):
        wrapper = connect(path)
        start.wait()
        try:
            for n in range(TRANSACTIONS_EACH):
                wrapper.set_autocommit(False)  # the app's BEGIN IMMEDIATE: take the write lock, or wait
                with wrapper.cursor() as cursor:
                    cursor.execute("INSERT INTO visit (writer, n) VALUES (%s, %s)", [writer, n])
                    time.sleep(HOLD_SECONDS)
                wrapper.commit()
                wrapper.set_autocommit(True)
        except Exception as error:  # noqa: BLE001 - every failure is counted, none may happen
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            wrapper.close()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check = connect(path)
    with check.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM visit")
        assert cursor.fetchone()[0] == WRITERS * TRANSACTIONS_EACH
    check.close()
