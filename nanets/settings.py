"""Django settings for the NANETS tumor board, configured entirely from environment variables."""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.contrib.messages import constants as message_constants
from django.core.exceptions import ImproperlyConfigured

# Lets classes be subscripted at run time as their type hints are (ModelForm[Case], ModelAdmin[Case]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" mean True)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# pytest-django loads these settings before any test code runs (and with DEBUG off),
# so this is the one place to notice a test run: tests get a throwaway SECRET_KEY and
# do not depend on collectstatic.
RUNNING_TESTS = "pytest" in sys.modules

# manage.py marks command-line use: offline commands (pathway, case_facts, migrate) sign nothing
# that outlives the process, so they may run without a key; serving requests never may.
# Nor does mypy's django-stubs plugin, which loads these settings to learn the models.
COMMAND_LINE_ONLY = (
    os.environ.get("NANETS_COMMAND_LINE") == "1" and "runserver" not in sys.argv
) or "mypy_django_plugin" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or RUNNING_TESTS:
        SECRET_KEY = "django-insecure-dev-and-test-only-key"  # noqa: S105 (never used in production)
    elif COMMAND_LINE_ONLY:
        SECRET_KEY = secrets.token_urlsafe(50)  # a throwaway key for this one process
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

if RUNNING_TESTS:
    # Tests create hundreds of users; a deliberately slow hasher would dominate the suite's time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cases.admin_site.AuditedAdminConfig",  # django.contrib.admin with an audited autocomplete
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the same way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    # SimpleAppConfig: the partials loader is wired explicitly in TEMPLATES below
    # instead of being patched in at start-up by the default app config.
    "template_partials.apps.SimpleAppConfig",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "cases",
    "guidelines",
    "meetings",
    "interop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Ends sessions at their absolute lifetime; polling requests do not count as activity. Before
    # LoginRequiredMiddleware, so an ended session is sent to the login page at once.
    "nanets.middleware.SessionLifetimeMiddleware",
    # Every view requires login unless decorated with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Cache-Control: no-store on every logged-in page (patient data).
    "nanets.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records the logged-in user as the author of every history entry.
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with each user's permissions kept in the shared cache between requests.
    "nanets.permissions.CachedPermissionsBackend",
]
# After 5 failed logins a username is locked (from every address: guessing one account from many
# addresses), and so is a client address (from every username: password spraying), each for a short
# cool-off so that nobody can lock a colleague out for long. `manage.py axes_reset_username USERNAME`
# and `axes_reset_ip ADDRESS` unlock at once. Failed logins are kept (the access failure log).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The client's address: REMOTE_ADDR, or, when that is one of these proxies, the nearest address in
# X-Forwarded-For that is not (cases.client_ip). Addresses or networks, e.g. "10.0.0.5,10.1.0.0/16".
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "cases.client_ip.client_ip"

# Idle timeout: the session ends after this many minutes without a request (a poll does not count: the
# session is saved, and so its expiry pushed back, only when nanets.middleware records activity).
IDLE_TIMEOUT_SECONDS = int(os.environ.get("IDLE_TIMEOUT_MINUTES", "30")) * 60
# Activity is recorded (and the session written) at most this often: a request within it writes nothing.
SESSION_ACTIVITY_REFRESH_SECONDS = 60
# The stored activity lags the last request by up to the refresh interval, so the store keeps a session that
# long past the idle timeout: nanets.middleware ends it no earlier than IDLE_TIMEOUT after the last request,
# and at most a refresh interval later.
SESSION_COOKIE_AGE = IDLE_TIMEOUT_SECONDS + SESSION_ACTIVITY_REFRESH_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
# However active, a session ends this many hours after login.
SESSION_ABSOLUTE_LIFETIME = int(os.environ.get("SESSION_LIFETIME_HOURS", "12")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# No inline scripts or styles anywhere: htmx, Bootstrap and the app's JavaScript are static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap's CSS draws form controls with data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

ROOT_URLCONF = "nanets.urls"
WSGI_APPLICATION = "nanets.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # The partials loader lets views render "template.html#partial" for htmx swaps.
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# The cache: Redis shared by every app server and worker when CACHE_URL is set (redis://host:6379/1),
# else each process's own memory. Role permissions are cached across requests only in a shared cache
# (nanets/permissions.py): in per-process memory an administrator's edit would reach one process only.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PERMISSION_CACHE_SECONDS = int(os.environ.get("PERMISSION_CACHE_SECONDS", "300" if CACHE_URL else "0"))

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
# WAL + IMMEDIATE transactions + a busy timeout avoid "database is locked" errors when requests, the
# task worker and a management command write at the same time. `timeout` is SQLite's busy timeout (in
# seconds): the one setting for it (a PRAGMA busy_timeout in init_command would silently replace it).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Twelve characters of "a" pass the length and the common-password list.
    {"NAME": "cases.passwords.VariedCharactersValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap is vendored in static/vendor/bootstrap (its VERSION.md, LICENSE): no CDN, works offline.
STATICFILES_DIRS = [BASE_DIR / "static"]

# Hashed, compressed file names need `collectstatic`, which production runs at deploy
# time. The dev server and the tests serve straight from the source folders instead.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG and not RUNNING_TESTS)
# Meeting packets hold patient data: private files, read only through the audited packet view
# (meetings.views.documents.packet_pdf), never under a URL that a web server serves by itself.
# PACKET_STORAGE=filesystem (default): a directory of their own, outside the static files.
# PACKET_STORAGE=s3: an S3-compatible bucket (needs django-storages[s3]; docs/deployment.md).
PRIVATE_FILES_ROOT = Path(os.environ.get("PRIVATE_FILES_ROOT", "") or BASE_DIR / "private-files").resolve()
if any(
    PRIVATE_FILES_ROOT.is_relative_to(Path(served).resolve()) for served in [STATIC_ROOT, *STATICFILES_DIRS]
):
    raise ImproperlyConfigured(
        "PRIVATE_FILES_ROOT must not be inside the static files, which are served publicly."
    )
PACKET_STORAGE = os.environ.get("PACKET_STORAGE", "filesystem")
PACKET_STORAGE_CONFIG: dict[str, object]
if PACKET_STORAGE == "filesystem":
    PACKET_STORAGE_CONFIG = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Owner-only files: the app server and the task worker run as the same system user.
        "OPTIONS": {
            "location": PRIVATE_FILES_ROOT,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
elif PACKET_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("PACKET_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    # Credentials are not settings: django-storages and boto3 read AWS_ACCESS_KEY_ID and
    # AWS_SECRET_ACCESS_KEY (or an instance role) from the environment themselves.
    PACKET_STORAGE_CONFIG = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", "packets"),
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            # Private objects, never overwritten; the app never hands out their URLs.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    raise ImproperlyConfigured('PACKET_STORAGE must be "filesystem" or "s3".')

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
    "packets": PACKET_STORAGE_CONFIG,
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Bootstrap calls the error alert style "danger".
MESSAGE_TAGS = {message_constants.ERROR: "danger"}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

PDF_PAGE_SIZE = os.environ.get("PDF_PAGE_SIZE", "A4")
if PDF_PAGE_SIZE not in {"A4", "Letter"}:
    raise ImproperlyConfigured('PDF_PAGE_SIZE must be "A4" or "Letter".')

# The identifier system of the hospital's MRNs in FHIR exports (empty: the app's own URN).
FHIR_MRN_SYSTEM = os.environ.get("FHIR_MRN_SYSTEM", "")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # The app runs behind a TLS-terminating reverse proxy that sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Plain HTTP on this machine only (`make bench`, opt-in for `make serve`): session and CSRF cookies
    # without the Secure flag, so a client on loopback keeps them. Refused unless every allowed host is a
    # loopback name; every request must come from a loopback address without a proxy's forwarding headers.
    if env_bool("INSECURE_LOCAL_HTTP", default=False):
        if not ALLOWED_HOSTS or not set(ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "::1", "[::1]"}:
            raise ImproperlyConfigured("INSECURE_LOCAL_HTTP needs ALLOWED_HOSTS of loopback names only.")
        SESSION_COOKIE_SECURE = False
        CSRF_COOKIE_SECURE = False
        MIDDLEWARE.insert(0, "nanets.middleware.LoopbackOnlyMiddleware")

# Patient data must never be logged: log identifiers (case id, user id), never
# names, birth dates, record numbers or free-text clinical notes.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            # Drops exception messages and query strings, which can carry patient data.
            "()": "cases.log_privacy.RedactingFormatter",
            "format": "{asctime} {levelname} {name}: {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
    # WeasyPrint and fontTools narrate every PDF at INFO; only their problems belong in the log.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pikepdf (the packet's merge) announces its C++ logging bridge on import.
        "pikepdf": {"level": "WARNING"},
        # django-axes announces its configuration at start-up; keep command-line output clean.
        "axes": {"level": "WARNING"},
        # runserver's request lines ("GET /cases/?q=<name> HTTP/1.1") through the redacting formatter,
        # instead of Django's default django.server handler that prints them whole.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# A packet being generated renews its lease whenever a worker takes up or finishes one of its cases and
# while its cover is laid out; one not renewed for this many seconds (its worker was killed or lost) is
# shown as failed, with a Retry button. Longer than one case's render.
PACKET_LEASE_SECONDS = int(os.environ.get("PACKET_LEASE_SECONDS", "45"))
if PACKET_LEASE_SECONDS < 1:
    raise ImproperlyConfigured("PACKET_LEASE_SECONDS must be a whole number of seconds, at least 1.")

# Background work (meeting packets): Django's Tasks API via the django-tasks backport. The database
# backend needs `manage.py db_worker` running; tests run tasks immediately in the calling thread.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if RUNNING_TESTS
            else os.environ.get("TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend")
        ),
    }
}
