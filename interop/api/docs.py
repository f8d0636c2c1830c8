"""The API's docs page: Swagger UI from the app's own static files (no CDN, no inline script)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

TEMPLATE = "interop/api_docs.html"


class VendoredSwagger(DocsBase):
    """Swagger UI 5 vendored in static/vendor/swagger-ui, started by static/js/api-docs.js."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        """The docs page on the schema's URL."""
        return render(request, TEMPLATE, {"api": api, "schema_url": self.get_openapi_url(api, kwargs)})
