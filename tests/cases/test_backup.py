"""manage.py backup / restore: a round trip into a freshly migrated database restores every table exactly."""

import stat

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from cases import backup, roles
from cases.demo import seed_demo_cases
from cases.models import AccessEvent, Case, SearchEvent
from meetings.demo import seed_demo_meeting
from meetings.models import Attendee, Decision, Meeting, MeetingPacket, PacketStatus
from tests.factories import TEST_PASSWORD, UserFactory
from tests.meetings.factories import AgendaItemFactory, DecisionFactory

# By name, not id: a freshly migrated database may number content types, permissions and groups otherwise.
BY_NAME = {
    ContentType: lambda row: (row.app_label, row.model),
    Permission: lambda row: (row.content_type.app_label, row.codename),
    Group: lambda row: row.name,
}


def seed_everything():
    """Users with roles, the demo record with its history, a meeting with its decisions, every trail."""
    clinician = UserFactory(username="clinician", role=roles.CLINICIAN)
    UserFactory(username="privacy", role=roles.AUDITOR)
    seed_demo_cases(clinician)
    meeting = seed_demo_meeting(clinician)
    item = AgendaItemFactory(
        meeting=meeting, case=Case.objects.exclude(agenda_items__meeting=meeting).first()
    )
    DecisionFactory(agenda_item=item, responsible_clinician=clinician)
    MeetingPacket.objects.create(meeting=meeting, status=PacketStatus.READY, file="packets/meeting-1/x.pdf")
    reader = Client()
    assert (
        reader.post(reverse("login"), {"username": "clinician", "password": TEST_PASSWORD}).status_code == 302
    )
    reader.get(reverse("cases:list"), {"q": "demo"})
    reader.get(reverse("meetings:detail", args=[meeting.pk]))
    Client().post(reverse("login"), {"username": "clinician", "password": "wrong"})
    root = UserFactory(username="root", is_staff=True, is_superuser=True, role="")
    case = Case.objects.first()
    LogEntry.objects.create(
        user=root,
        content_type=ContentType.objects.get_for_model(Case),
        object_id=str(case.pk),
        object_repr=str(case.pk),
        action_flag=CHANGE,
        change_message="[]",
    )


def _value(value):
    return bytes(value) if isinstance(value, memoryview) else value


def table(model):
    """Every row of a table as plain values, references to rebuilt tables by name, many-to-many included."""
    names = {related: BY_NAME[related] for related in BY_NAME}
    relations = {f.attname: f.related_model for f in model._meta.concrete_fields if f.is_relation}
    rows = []
    for row in model._base_manager.order_by("pk"):
        values = {}
        for f in model._meta.concrete_fields:
            value = _value(getattr(row, f.attname))
            target = relations.get(f.attname)
            if target in names and value is not None:
                value = names[target](target._base_manager.get(pk=value))
            values[f.attname] = value
        for f in model._meta.many_to_many:
            related = getattr(row, f.name).all()
            values[f.name] = sorted(
                str(names[f.related_model](other)) if f.related_model in names else other.pk
                for other in related
            )
        if model in names:
            values.pop("id")
        rows.append(values)
    return sorted(rows, key=repr) if model in names else rows


def snapshot():
    return {model._meta.label_lower: table(model) for model in backup.backed_up_models()}


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_give_back_every_table_exactly(tmp_path):
    seed_everything()
    for model in (
        Meeting,
        Attendee,
        Decision,
        AccessEvent,
        SearchEvent,
        AccessLog,
        AccessFailureLog,
        LogEntry,
    ):
        assert model.objects.exists(), model  # the round trip below is not vacuous
    assert Case.history.exists() and Decision.history.exists()
    before = snapshot()
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    call_command("flush", interactive=False, verbosity=0)  # a freshly migrated database: roles, no records
    assert Group.objects.filter(name=roles.AUDITOR).exists() and not Case.objects.exists()
    call_command("restore", str(path))
    after = snapshot()
    assert set(after) == set(before)
    for label in before:
        assert after[label] == before[label], label
    # The restored database keeps working: ids continue after the restored ones.
    assert Case.objects.create(patient=Case.objects.first().patient, primary_site="colon").pk > max(
        row["id"] for row in before["cases.case"]
    )


def test_every_table_but_the_rebuilt_ones_is_backed_up():
    labels = {model._meta.label_lower for model in backup.backed_up_models()}
    for needed in (
        "auth.user",
        "auth.group",
        "cases.case",
        "cases.historicalcase",
        "cases.accessevent",
        "cases.searchevent",
        "meetings.meeting",
        "meetings.agendaitem",
        "meetings.decision",
        "meetings.historicaldecision",
        "meetings.attendee",
        "meetings.meetingpacket",
        "axes.accesslog",
        "axes.accessfailurelog",
        "admin.logentry",
    ):
        assert needed in labels, needed
    assert not labels & backup.NOT_BACKED_UP


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_records(tmp_path):
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    UserFactory()
    with pytest.raises(CommandError, match="the database is not empty"):
        call_command("restore", str(path))


@pytest.mark.django_db
def test_backup_never_replaces_a_file_silently_and_wants_a_json_name(tmp_path):
    path = tmp_path / "backup.json"
    path.write_text("keep")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(path))
    assert path.read_text() == "keep"
    with pytest.raises(CommandError, match="must end in .json"):
        call_command("backup", str(tmp_path / "backup.dump"))
