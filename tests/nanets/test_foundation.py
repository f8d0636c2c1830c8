"""Foundation: routing, authentication, templates, settings and the demo seed command."""

import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.urls import reverse

from cases.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS

PROJECT_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def login_url_for(path: str) -> str:
    """The login redirect target for an anonymous request to `path`."""
    return f"{reverse('login')}?next={path}"


class TestAnonymousAccess:
    """Everything except the login page sends anonymous visitors to log in."""

    def test_case_list_redirects_to_login(self, client):
        response = client.get("/cases/")
        assert response.status_code == 302
        assert response["Location"] == login_url_for("/cases/")

    def test_root_redirects_to_login(self, client):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == login_url_for("/")

    def test_admin_redirects_to_admin_login(self, client):
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"] == "/admin/login/?next=/admin/"

    def test_password_change_redirects_to_login(self, client):
        response = client.get(reverse("password_change"))
        assert response.status_code == 302
        assert response["Location"] == login_url_for(reverse("password_change"))

    def test_login_page_renders(self, client):
        response = client.get(reverse("login"))
        assert response.status_code == 200
        assert 'name="username"' in response.text
        assert 'name="password"' in response.text


class TestLoggedIn:
    """A logged-in user reaches the case list and the account pages."""

    def test_login_form_lands_on_case_list(self, client, user, password):
        response = client.post(
            reverse("login"), {"username": user.username, "password": password}, follow=True
        )
        assert response.redirect_chain[-1] == (reverse("cases:list"), 302)

    def test_root_redirects_to_case_list(self, client, user):
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == reverse("cases:list")

    def test_case_list_shows_empty_state(self, client, user):
        client.force_login(user)
        response = client.get(reverse("cases:list"))
        assert response.status_code == 200
        assert "No cases yet" in response.text
        assert "NANETS Tumor Board" in response.text

    def test_staff_sees_admin_link(self, client, staff_user):
        client.force_login(staff_user)
        response = client.get(reverse("cases:list"))
        assert f'href="{reverse("admin:index")}"' in response.text

    def test_non_staff_does_not_see_admin_link(self, client, user):
        client.force_login(user)
        response = client.get(reverse("cases:list"))
        assert f'href="{reverse("admin:index")}"' not in response.text

    def test_logout_is_a_post_form(self, client, user):
        client.force_login(user)
        page = client.get(reverse("cases:list")).text
        assert f'<form method="post" action="{reverse("logout")}">' in page
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        assert response["Location"] == reverse("login")
        assert client.get(reverse("cases:list")).status_code == 302

    def test_password_change(self, client, user, password):
        client.force_login(user)
        new_password = "a-new-and-long-passphrase-2026"
        response = client.post(
            reverse("password_change"),
            {"old_password": password, "new_password1": new_password, "new_password2": new_password},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("password_change_done")
        user.refresh_from_db()
        assert user.check_password(new_password)

    def test_unknown_page_uses_custom_404(self, client, user):
        client.force_login(user)
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert "Page not found" in response.text
        assert "NANETS Tumor Board" in response.text


class AssetCollector(HTMLParser):
    """Collect the URLs a page loads: script sources and linked stylesheets or icons."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self.urls.append(attributes.get("src") or "")
        elif tag == "link":
            self.urls.append(attributes.get("href") or "")


def test_base_template_loads_nothing_external_and_has_no_inline_script(client, user):
    client.force_login(user)
    collector = AssetCollector()
    collector.feed(client.get(reverse("cases:list")).text)
    assert collector.urls, "expected the page to load scripts and stylesheets"
    for url in collector.urls:
        assert url, "inline <script> blocks are not allowed (a Content-Security-Policy will forbid them)"
        assert url.startswith("/static/"), f"asset not served locally: {url}"


def test_template_partials_loader_renders_a_partial():
    html = render_to_string("cases/case_list.html#case-results", {"page": None, "filtered": False})
    assert "No cases yet" in html
    assert "<footer" not in html


def test_500_template_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Something went wrong" in html


class TestSeedDemo:
    """`seed_demo` creates the published demo logins and can run any number of times."""

    def test_creates_demo_users_idempotently(self, settings):
        settings.DEBUG = True
        call_command("seed_demo")
        call_command("seed_demo")
        users = get_user_model().objects.filter(username__in=DEMO_USERS)
        assert sorted(users.values_list("username", flat=True)) == sorted(DEMO_USERS)
        for demo_user in users:
            assert demo_user.check_password(DEMO_PASSWORD)
        admin = users.get(username="admin")
        assert admin.is_superuser and admin.is_staff
        assert not users.get(username="viewer").is_staff

    def test_refuses_without_debug(self, settings):
        settings.DEBUG = False
        with pytest.raises(CommandError):
            call_command("seed_demo")


def run_python(code: str, **env_overrides: str) -> subprocess.CompletedProcess[str]:
    """Run Python code in a fresh interpreter with Django settings from the given environment."""
    # Start from this process's environment minus everything the settings read or that
    # the test session sets (browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which
    # `check --deploy` rightly rejects).
    ignored = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "STATIC_MANIFEST", "SECURE_SSL_REDIRECT"}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ignored and not key.startswith("DJANGO_")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "nanets.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120
    )


class TestSettings:
    """Settings come from the environment and are safe in production."""

    def test_secret_key_required_without_debug(self):
        result = run_python("import django; django.setup()", DEBUG="0")
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "SECRET_KEY" in result.stderr

    def test_debug_runs_without_secret_key(self):
        result = run_python("import django; django.setup()", DEBUG="1")
        assert result.returncode == 0, result.stderr

    def test_check_deploy_is_clean_in_production(self):
        result = run_python(
            "import sys; from django.core.management import execute_from_command_line; "
            "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(60),
            ALLOWED_HOSTS="example.org",
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout


def test_offline_command_runs_without_secret_key_but_server_refuses():
    """manage.py pathway needs no SECRET_KEY (it signs nothing); runserver with DEBUG off does."""
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY"}}
    facts = '{"primary_site": "colon", "differentiation": "poor", "extent": "metastatic", "ki67_percent": 80}'
    pathway = subprocess.run(
        [sys.executable, "manage.py", "pathway", "-"],
        cwd=PROJECT_DIR,
        env=env,
        input=facts,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert pathway.returncode == 0, pathway.stderr
    server = subprocess.run(
        [sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:8097"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert server.returncode != 0 and "SECRET_KEY must be set" in server.stderr


def test_vendored_bootstrap_carries_its_licence_and_version():
    """Static files are vendored with their licence and version; no package builds them at install time."""
    root = Path(__file__).resolve().parents[2]
    vendored = root / "static" / "vendor" / "bootstrap"
    assert "The MIT License" in (vendored / "LICENSE").read_text(encoding="utf-8")
    version = (vendored / "VERSION.md").read_text(encoding="utf-8").splitlines()[0]
    for asset in ("css/bootstrap.min.css", "js/bootstrap.bundle.min.js"):
        header = (vendored / asset).read_text(encoding="utf-8")[:200]
        assert f"v{version.split()[2]} " in header.replace("  ", " "), asset
    requirements = (root / "requirements.txt").read_text(encoding="utf-8")
    assert "XStatic" not in requirements
