"""Response headers the whole site needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """Logged-in pages hold patient data: no browser or proxy keeps a copy, so Back fetches them anew."""

    # Static files and views open to everyone (login page, health probe) keep their own caching.

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        open_to_all = getattr(request, "view_open_to_all", False)
        if (
            request.user.is_authenticated
            and not open_to_all
            and not request.path.startswith(self.static_prefix)
        ):
            patch_cache_control(response, no_store=True)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> None:
        """Note a view marked @login_not_required: it serves no patient data."""
        # A note from this hook to __call__ on this one request; HttpRequest declares no such attribute.
        request.view_open_to_all = not getattr(view_func, "login_required", True)  # type: ignore[attr-defined]
