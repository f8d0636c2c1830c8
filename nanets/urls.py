"""Top-level URL routes: cases and their pathway, meetings, authentication and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases.views.health import healthz
from cases.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("cases/", include("cases.urls")),
    # The pathway page and PDF keep their /cases/<pk>/pathway/ paths; the guidelines app renders them.
    path("cases/", include("guidelines.urls")),
    path("cases/", include("interop.urls")),
    path("meetings/", include("meetings.urls")),
    path("quality/", include("meetings.quality_urls")),
    path("api/", include("interop.api.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
