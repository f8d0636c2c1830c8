"""Site-wide middleware: session lifetime, the loopback guard for plain HTTP, no-store on logged-in pages."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseForbidden
from django.utils.cache import patch_cache_control

View = TypeVar("View", bound=Callable[..., Any])
STARTED_KEY = "session_started_at"
ACTIVE_KEY = "session_active_at"
# A proxy in front of the app announces itself with one of these (WSGI names).
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_HOST", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def passive(view: View) -> View:
    """Mark a view whose requests are not user activity (a page polling by itself): the idle timer runs on."""
    view.does_not_extend_session = True  # type: ignore[attr-defined]
    return view


def stamp_session_start(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """At login: the absolute lifetime and the idle timer start now (user_logged_in receiver)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED_KEY] = now
        request.session[ACTIVE_KEY] = now


class SessionLifetimeMiddleware:
    """Ends a session at its absolute lifetime or after the idle timeout; only active requests extend it."""

    # The session is saved (and Django pushes its expiry SESSION_COOKIE_AGE ahead) only when this records
    # activity, at most once per SESSION_ACTIVITY_REFRESH_SECONDS, so a page that polls by itself does not
    # keep an unattended session alive and most requests write nothing.

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], *args: Any) -> None:
        if not request.user.is_authenticated:
            return
        session, now = request.session, int(time.time())
        started = session.setdefault(STARTED_KEY, now)
        active = session.get(ACTIVE_KEY, now)
        refresh = settings.SESSION_ACTIVITY_REFRESH_SECONDS
        # The last request came at most `refresh` after the stored activity: idle for longer than the timeout.
        idle = now - active > settings.IDLE_TIMEOUT_SECONDS + refresh
        if now - started > settings.SESSION_ABSOLUTE_LIFETIME or idle:
            logout(request)  # the login-required middleware then sends the request to the login page
            return
        # Writing the session on every request costs every page a write; once a refresh interval suffices.
        stamped = ACTIVE_KEY in session
        if not getattr(view, "does_not_extend_session", False) and (not stamped or now - active >= refresh):
            session[ACTIVE_KEY] = now


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class LoopbackOnlyMiddleware:
    """With INSECURE_LOCAL_HTTP, serve only clients on this machine talking to the app directly."""

    # A Host header of 127.0.0.1 proves nothing (a proxy can send it): the peer must be a loopback address
    # and the request must carry no proxy's forwarding headers.

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = any(header in request.META for header in FORWARDING_HEADERS)
        if forwarded or not _loopback(request.META.get("REMOTE_ADDR", "")):
            return HttpResponseForbidden(
                "Plain HTTP (INSECURE_LOCAL_HTTP) serves this machine only, not through a proxy.",
                content_type="text/plain",
            )
        return self.get_response(request)


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
