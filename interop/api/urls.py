"""The API's URL patterns (nanets/urls.py includes them by name, so no app imports interop)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required

from interop.api import api

urlpatterns = api.urls[0]
# The namespace ninja reverses its own URLs in (api:openapi-json); include() takes it from app_name.
app_name = api.urls_namespace
for pattern in urlpatterns:
    # LoginRequiredMiddleware would redirect to the login page; the API authenticates itself (401).
    if pattern.callback is not None:
        login_not_required(pattern.callback)
