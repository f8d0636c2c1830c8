"""The REST API (django-ninja): cases and meetings, session or token auth, OpenAPI at /api/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

from interop.api import cases, meetings, new_case  # noqa: F401 - new_case adds POST /cases to cases' router
from interop.api.auth import AUTH

# No docs page: ninja's Swagger UI loads from a CDN, which the app never uses; the schema is the contract.
api = NinjaAPI(title="NANETS tumor board API", version="1", auth=AUTH, urls_namespace="api", docs_url=None)
api.add_router("", cases.router)
api.add_router("", meetings.router)
