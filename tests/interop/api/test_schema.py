"""The OpenAPI schema: served without login, lists every endpoint, declares both authentications."""

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


def test_there_is_no_docs_page_that_would_load_a_cdn():
    assert Client().get("/api/docs").status_code == 404
