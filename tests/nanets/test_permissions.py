"""Role permissions cached per user across requests, and forgotten whenever a role or membership changes."""

import os
import socket

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import roles
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    """The permission cache switched on, as with a shared cache (CACHE_URL), on a clean cache."""
    settings.PERMISSION_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def permission_queries(queries):
    return [query["sql"] for query in queries if "auth_permission" in query["sql"]]


def page_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, captured.captured_queries


def test_a_second_request_reads_no_permissions(cached, client):
    client.force_login(UserFactory(username="reader", role=roles.VIEWER))
    url = f"/cases/{CaseFactory().pk}/"
    _, first = page_queries(client, url)
    response, second = page_queries(client, url)
    assert response.status_code == 200
    assert len(permission_queries(first)) == 2
    assert permission_queries(second) == []


def test_without_a_shared_cache_every_request_reads_them(settings, client):
    settings.PERMISSION_CACHE_SECONDS = 0
    client.force_login(UserFactory(username="reader", role=roles.VIEWER))
    url = f"/cases/{CaseFactory().pk}/"
    page_queries(client, url)
    _, second = page_queries(client, url)
    assert len(permission_queries(second)) == 2


def test_removing_a_user_from_a_role_takes_effect_at_the_next_request(cached, client):
    user = UserFactory(username="clinician", role=roles.CLINICIAN)
    client.force_login(user)
    assert client.get("/cases/new/").status_code == 200
    user.groups.set([Group.objects.get(name=roles.VIEWER)])
    assert client.get("/cases/new/").status_code == 403


def test_taking_a_permission_from_a_role_takes_effect_at_the_next_request(cached, client):
    client.force_login(UserFactory(username="clinician", role=roles.CLINICIAN))
    assert client.get("/cases/new/").status_code == 200
    Group.objects.get(name=roles.CLINICIAN).permissions.remove(Permission.objects.get(codename="add_case"))
    assert client.get("/cases/new/").status_code == 403


def test_deactivating_a_user_takes_effect_at_the_next_request(cached, client):
    user = UserFactory(username="clinician", role=roles.CLINICIAN)
    client.force_login(user)
    assert client.get("/cases/new/").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/cases/new/").status_code in (302, 403)


def test_one_users_change_leaves_other_users_correct(cached, client):
    first = UserFactory(username="first", role=roles.CLINICIAN)
    second = UserFactory(username="second", role=roles.CLINICIAN)
    client.force_login(second)
    assert client.get("/cases/new/").status_code == 200
    first.groups.clear()
    assert client.get("/cases/new/").status_code == 200
    assert not first.__class__.objects.get(pk=first.pk).has_perm("cases.add_case")


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_cache(settings):
    """Redis, the shared cache of several servers (CI starts it; TEST_REQUIRE_REDIS=1 fails without it)."""
    if not redis_reachable():
        if os.environ.get("TEST_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip("Redis is not running here (CI starts it)")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    settings.PERMISSION_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_in_redis_a_role_change_reaches_every_server(redis_cache, client):
    user = UserFactory(username="clinician", role=roles.CLINICIAN)
    client.force_login(user)
    assert client.get("/cases/new/").status_code == 200
    # Another server's process would read the same generation key: the edit bumps it in Redis itself.
    before = cache.get("permissions:generation")
    user.groups.set([Group.objects.get(name=roles.VIEWER)])
    assert cache.get("permissions:generation") != before
    assert client.get("/cases/new/").status_code == 403


def test_a_new_generation_begins_again_when_the_change_is_committed(
    cached, django_capture_on_commit_callbacks
):
    user = UserFactory(username="clinician", role=roles.CLINICIAN)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user.groups.clear()
    during = cache.get("permissions:generation")
    for callback in callbacks:
        callback()
    # A request that read the old groups between the change and its commit cached them under `during`.
    assert cache.get("permissions:generation") != during
