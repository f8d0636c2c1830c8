"""The OpenAPI schema: served without login, lists every endpoint, declares both authentications."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_lists_the_paths_and_authentications():
    schema = Client().get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/cases",
        "/api/cases/{case_id}",
        "/api/meetings",
        "/api/meetings/{meeting_id}",
    }
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}


def test_the_docs_page_loads_only_the_apps_own_static_files():
    response = Client().get("/api/docs")
    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert sources and all(source.startswith("/static/") for source in sources), sources
    assert "<script>" not in response.text  # the initializer is a static file (the CSP has no unsafe-inline)
    assert 'data-schema-url="/api/openapi.json"' in response.text
