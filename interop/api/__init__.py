"""The REST API (django-ninja): cases and meetings, session or token auth, OpenAPI at /api/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

from interop.api import cases, meetings, new_case  # noqa: F401 - new_case adds POST /cases to cases' router
from interop.api.auth import AUTH
from interop.api.docs import VendoredSwagger

# The docs page is Swagger UI from the app's static files (interop.api.docs): ninja's own loads from a CDN.
api = NinjaAPI(
    title="NANETS tumor board API",
    version="1",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    docs=VendoredSwagger(),
)
api.add_router("", cases.router)
api.add_router("", meetings.router)
