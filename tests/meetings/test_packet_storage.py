"""Packet PDFs in the "packets" storage: written by a current render only, served by the audited view only."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.urls import reverse

from cases.models import AccessEvent
from meetings import services
from meetings.models import Meeting, MeetingPacket
from meetings.packet import agenda_for_packet, packet_fingerprint
from meetings.tasks import generate_meeting_packet
from tests.meetings.conftest import HTMX, generate_to_completion
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def renders(monkeypatch):
    """A quick stand-in for WeasyPrint: each render gives different bytes, with the real fingerprint."""
    made: list[bytes] = []

    def render(meeting_id, user, progress, *, kind):
        meeting = Meeting.objects.get(pk=meeting_id)
        made.append(f"%PDF-1.7 packet {len(made) + 1}".encode())
        return made[-1], packet_fingerprint(meeting, agenda_for_packet(meeting))

    monkeypatch.setattr("meetings.tasks.render_packet", render)
    monkeypatch.setattr("meetings.packet_parts.render_part", lambda plan, user, *, now: b"%PDF-1.7 part")
    return made


@pytest.fixture
def meeting():
    meeting = MeetingFactory(board_name="Storage board")
    AgendaItemFactory.create_batch(2, meeting=meeting)
    return meeting


def stored(directory: Path) -> list[Path]:
    """The packets' files (not the cases' parts, kept beside them under packet-parts/)."""
    return sorted(path for path in (directory / "packets").rglob("*") if path.is_file())


def generate(client, meeting):
    response = client.post(reverse("meetings:packet_request", args=[meeting.pk]), **HTMX)
    assert response.status_code == 200
    return MeetingPacket.objects.get(meeting=meeting)


def download(client, meeting):
    return client.get(reverse("meetings:packet_pdf", args=[meeting.pk]) + "?download=1")


def downloads() -> int:
    return AccessEvent.objects.filter(action=AccessEvent.Action.DOWNLOAD_PACKET).count()


def test_a_generated_packet_is_a_private_file_served_only_by_the_audited_view(
    coordinator_client, meeting, packet_dir, renders
):
    packet = generate(coordinator_client, meeting)
    [path] = stored(packet_dir)
    assert path.read_bytes() == renders[0] and packet.status == "ready"
    # Per meeting, under a random name: nothing in it names the board, the date or a patient.
    assert path.parent == packet_dir / "packets" / f"meeting-{meeting.pk}"
    assert "storage" not in path.name.lower() and len(path.stem) >= 32
    assert packet.file.name == path.relative_to(packet_dir).as_posix()

    response = download(coordinator_client, meeting)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="meeting-packet-storage-board-')
    assert b"".join(response.streaming_content) == renders[0]
    assert downloads() == 2  # one read of each agenda case


def test_the_database_row_holds_no_pdf_bytes(coordinator_client, meeting, packet_dir, renders):
    generate(coordinator_client, meeting)
    assert not any(isinstance(field, models.BinaryField) for field in MeetingPacket._meta.get_fields())
    row = MeetingPacket.objects.values().get()
    assert not any(isinstance(value, bytes | memoryview) for value in row.values())
    assert not any("%PDF" in str(value) for value in row.values())


def test_regenerating_deletes_the_old_file_once_the_new_one_is_stored(
    coordinator_client, meeting, packet_dir, renders, django_capture_on_commit_callbacks
):
    first = generate(coordinator_client, meeting)
    with django_capture_on_commit_callbacks(execute=True):
        second = generate(coordinator_client, meeting)
    assert second.generation == first.generation + 1 and second.file.name != first.file.name
    assert [path.read_bytes() for path in stored(packet_dir)] == [renders[1]]
    assert b"".join(download(coordinator_client, meeting).streaming_content) == renders[1]


@override_settings(TASKS=DUMMY_TASKS)
def test_a_superseded_render_leaves_no_file_and_keeps_the_current_one(
    coordinator, meeting, packet_dir, monkeypatch
):
    packet = services.request_packet(user=coordinator, meeting_id=meeting.pk)
    assert generate_to_completion(packet) == "ready"
    [current] = stored(packet_dir)
    stale = services.request_packet(user=coordinator, meeting_id=meeting.pk)

    def superseded_while_rendering(meeting_id, user, progress, *, kind):
        # The agenda changes and a newer request arrives while this render runs.
        item = meeting.agenda_items.first()
        services.update_agenda_item(
            user=coordinator,
            meeting_id=meeting_id,
            item_id=item.pk,
            board_question="Changed while rendering?",
            expected_minutes=5,
            loaded_version=item.version,
        )
        services.request_packet(user=coordinator, meeting_id=meeting_id)
        return b"%PDF-1.7 stale", "fingerprint"

    monkeypatch.setattr("meetings.tasks.render_packet", superseded_while_rendering)
    assert generate_meeting_packet.call(stale.pk, stale.generation) == "superseded"
    assert stored(packet_dir) == [current]  # the stale file is gone, the last ready one is untouched
    row = MeetingPacket.objects.get()
    assert (row.status, row.file.name) == ("queued", current.relative_to(packet_dir).as_posix())


def test_a_packet_that_cannot_be_stored_fails_with_its_reason(
    coordinator_client, meeting, packet_dir, renders
):
    packet_dir.joinpath("packets").write_text("a file where the directory should be")
    generate(coordinator_client, meeting)
    failed = MeetingPacket.objects.get()
    assert (failed.status, failed.file.name) == ("failed", "")
    assert failed.error.startswith(("FileExistsError", "NotADirectoryError"))


def test_a_missing_file_is_a_clear_error_with_regenerate_and_reads_nothing(
    coordinator_client, viewer_client, meeting, packet_dir, renders
):
    generate(coordinator_client, meeting)
    [path] = stored(packet_dir)
    path.unlink()  # e.g. a database restored without the packets' files

    response = download(coordinator_client, meeting)
    assert response.status_code == 302 and response["Location"].endswith("#packet")
    page = coordinator_client.get(response["Location"]).text
    assert "The packet&#x27;s file is missing from the file storage" in page
    assert "Regenerate it below." in page and 'id="generate-packet"' in page and "Regenerate</button>" in page
    viewer_page = viewer_client.get(download(viewer_client, meeting)["Location"]).text
    assert (
        "is missing from the file storage" in viewer_page
        and "A board coordinator can generate it." in viewer_page
    )
    assert downloads() == 0

    generate(coordinator_client, meeting)
    assert [p.read_bytes() for p in stored(packet_dir)] == [renders[1]]
    assert download(coordinator_client, meeting).status_code == 200


def test_deleting_a_meeting_deletes_its_packet_files(
    coordinator_client, meeting, packet_dir, renders, django_capture_on_commit_callbacks
):
    generate(coordinator_client, meeting)
    coordinator_client.post(reverse("meetings:packet_request", args=[meeting.pk]), {"kind": "sheets"}, **HTMX)
    assert len(stored(packet_dir)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        meeting.delete()
    assert stored(packet_dir) == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_stored_bytes_into_files_and_back(packet_dir):
    executor = MigrationExecutor(connection)
    executor.migrate([("meetings", "0006_packet_kind")])
    old_apps = executor.loader.project_state([("meetings", "0006_packet_kind")]).apps
    meeting = old_apps.get_model("meetings", "Meeting").objects.create(
        board_name="Old board", starts_at="2026-01-01T16:00Z", location="Room"
    )
    OldPacket = old_apps.get_model("meetings", "MeetingPacket")
    OldPacket.objects.create(meeting=meeting, status="ready", pdf=b"%PDF-1.7 \x00\xff kept")
    OldPacket.objects.create(meeting=meeting, kind="sheets", status="failed")

    executor = MigrationExecutor(connection)
    executor.migrate([("meetings", "0007_packet_file")])
    new_apps = executor.loader.project_state([("meetings", "0007_packet_file")]).apps
    packets = new_apps.get_model("meetings", "MeetingPacket").objects.order_by("pk")
    assert [packet.file.name.startswith(f"packets/meeting-{meeting.pk}/") for packet in packets] == [
        True,
        False,
    ]
    [path] = stored(packet_dir)
    assert path.read_bytes() == b"%PDF-1.7 \x00\xff kept"

    executor = MigrationExecutor(connection)
    executor.migrate([("meetings", "0006_packet_kind")])
    assert [
        bytes(pdf) if pdf else None for pdf in OldPacket.objects.order_by("pk").values_list("pdf", flat=True)
    ] == [
        b"%PDF-1.7 \x00\xff kept",
        None,
    ]
    assert stored(packet_dir) == []  # back in the database, the file goes
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())


def settings_in_a_new_process(**env) -> subprocess.CompletedProcess:
    """Import the settings as a server would, with only these variables set."""
    clean = {
        key: value for key, value in os.environ.items() if key not in {"PRIVATE_FILES_ROOT", "PACKET_STORAGE"}
    }
    code = "import json, nanets.settings as s; print(json.dumps(s.STORAGES['packets'], default=str))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env={**clean, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_packets_storage_is_configured_from_the_environment():
    default = settings_in_a_new_process()
    assert default.returncode == 0, default.stderr
    assert f'"location": "{PROJECT_DIR / "private-files"}"' in default.stdout
    assert '"file_permissions_mode": 384' in default.stdout  # 0o600
    assert "private-files/" in (PROJECT_DIR / ".gitignore").read_text().splitlines()

    public = settings_in_a_new_process(PRIVATE_FILES_ROOT=str(PROJECT_DIR / "static" / "packets"))
    assert public.returncode != 0 and "must not be inside the static files" in public.stderr

    s3 = settings_in_a_new_process(
        PACKET_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="board-packets", AWS_S3_ENDPOINT_URL="https://s3.example"
    )
    assert s3.returncode == 0, s3.stderr
    assert '"BACKEND": "storages.backends.s3.S3Storage"' in s3.stdout
    assert '"bucket_name": "board-packets"' in s3.stdout and '"default_acl": "private"' in s3.stdout
    assert '"endpoint_url": "https://s3.example"' in s3.stdout

    no_bucket = settings_in_a_new_process(PACKET_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="")
    assert no_bucket.returncode != 0 and "needs AWS_STORAGE_BUCKET_NAME" in no_bucket.stderr
