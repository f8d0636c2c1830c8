"""A liveness probe: the cheapest request the app serves (no login, no template, no database)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer "ok": the process serves requests (the benchmark's trivial page)."""
    return HttpResponse("ok", content_type="text/plain")
