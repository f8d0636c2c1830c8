"""Records with clinical history, the read trail and the login trail cannot be deleted (admin or ORM)."""

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from cases import roles
from cases.models import AccessEvent, Case
from tests.factories import CaseFactory, PathologyReportFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory, DecisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True, role=""))
    return client


@pytest.fixture
def read_case():
    case = CaseFactory()
    reader = UserFactory(username="reader", role=roles.VIEWER)
    client = Client()
    client.force_login(reader)
    client.get(reverse("cases:detail", args=[case.pk]))
    return case


def admin_objects():
    case = CaseFactory()
    report = PathologyReportFactory(case=case)
    decision = DecisionFactory(agenda_item=AgendaItemFactory())
    user = UserFactory(username="leaver")
    AccessLog.objects.create(username="leaver", ip_address="10.0.0.1", user_agent="test")
    AccessFailureLog.objects.create(
        username="leaver", ip_address="10.0.0.1", user_agent="test", locked_out=False
    )
    return {
        "cases_patient": case.patient_id,
        "cases_case": case.pk,
        "cases_pathologyreport": report.pk,
        "meetings_meeting": decision.agenda_item.meeting_id,
        "meetings_decision": decision.pk,
        "auth_user": user.pk,
        "axes_accesslog": AccessLog.objects.get(username="leaver").pk,
        "axes_accessfailurelog": AccessFailureLog.objects.get(username="leaver").pk,
    }


def test_the_admin_deletes_nothing_with_history_even_for_a_superuser(superuser_client):
    for model, pk in admin_objects().items():
        delete_page = superuser_client.get(reverse(f"admin:{model}_delete", args=[pk]))
        assert delete_page.status_code == 403, model
        change_list = superuser_client.get(reverse(f"admin:{model}_changelist"))
        assert 'value="delete_selected"' not in change_list.text, model
        bulk = superuser_client.post(
            reverse(f"admin:{model}_changelist"), {"action": "delete_selected", "_selected_action": [pk]}
        )
        assert bulk.status_code in (200, 302), model
    assert Case.objects.exists() and get_user_model().objects.filter(username="leaver").exists()
    assert AccessLog.objects.exists() and AccessFailureLog.objects.exists()


def test_a_read_case_cannot_be_deleted_and_its_history_still_opens(read_case):
    with pytest.raises(ProtectedError):
        read_case.delete()
    assert AccessEvent.objects.filter(case=read_case).count() == 1
    client = Client()
    client.force_login(UserFactory(role=roles.VIEWER))
    assert client.get(reverse("cases:history", args=[read_case.pk])).status_code == 200


def test_a_case_with_findings_cannot_be_deleted():
    case = PathologyReportFactory().case
    with pytest.raises(ProtectedError):
        case.delete()


def test_a_user_is_never_deleted_so_their_reads_keep_their_name(read_case):
    reader = get_user_model().objects.get(username="reader")
    with pytest.raises(ProtectedError):
        reader.delete()
    with pytest.raises(ProtectedError):
        get_user_model().objects.filter(pk=reader.pk).delete()
    assert AccessEvent.objects.get().user == reader


def test_no_role_may_delete_a_patient_or_a_case():
    for role in roles.ROLE_PERMISSIONS:
        user = UserFactory(username=f"someone-{role.replace(' ', '-')}", role=role)
        assert not user.has_perm("cases.delete_case") and not user.has_perm("cases.delete_patient"), role
