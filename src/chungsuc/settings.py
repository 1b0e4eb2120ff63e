"""Settings for Chung Sức.

Everything that differs between a laptop and production comes from the environment:
DATABASE_URL (SQLite by default), CHUNGSUC_SECRET_KEY, CHUNGSUC_DEBUG (off unless set; `make dev`
turns it on), CHUNGSUC_ALLOWED_HOSTS, CHUNGSUC_TRUSTED_PROXIES, CHUNGSUC_SSL_REDIRECT, CHUNGSUC_HSTS_SECONDS,
CELERY_BROKER_URL (tasks run eagerly in-process when unset), CHUNGSUC_EMAIL_URL-style settings.
The security settings and what each protects are listed in docs/architecture.md ("Security").
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parents[2]
# A source checkout keeps its data in data/ and its database, uploads and static build in var/. An
# installed wheel (`pip install .`) carries the built-in data inside the package (chungsuc_data) and
# keeps var/ in the working directory, never inside the virtual environment.
SOURCE_CHECKOUT = (BASE_DIR / "pyproject.toml").is_file() and (BASE_DIR / "data").is_dir()


def _default_data_dir() -> Path:
    if SOURCE_CHECKOUT:
        return BASE_DIR / "data"
    import importlib.util

    spec = importlib.util.find_spec("chungsuc_data")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return BASE_DIR / "data"


DATA_DIR = Path(os.environ.get("CHUNGSUC_DATA_DIR", _default_data_dir()))
_DEFAULT_VAR = BASE_DIR / "var" if SOURCE_CHECKOUT else Path.cwd() / "var"
VAR_DIR = Path(os.environ.get("CHUNGSUC_VAR_DIR", _DEFAULT_VAR))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Off unless asked for: the quick start serves like production (error pages in the product's layout,
# static files through whitenoise from `collectstatic`'s manifest). `make dev` sets CHUNGSUC_DEBUG=1.
DEBUG = env_bool("CHUNGSUC_DEBUG", False)


def _secret_key() -> str:
    """CHUNGSUC_SECRET_KEY, or (for a laptop) a random key generated once into var/secret_key."""
    key = os.environ.get("CHUNGSUC_SECRET_KEY", "")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if not key:
        import secrets

        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("CHUNGSUC_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CHUNGSUC_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "chungsuc.core",
    "chungsuc.geo",
    "chungsuc.accounts",
    "chungsuc.criteria",
    "chungsuc.assessments",
    "chungsuc.recognitions",
    "chungsuc.movements",
    "chungsuc.reports",
    "chungsuc.dashboard",
    "chungsuc.portal",
    "chungsuc.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "chungsuc.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chungsuc.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # a NUL character in a request is a 400 naming the field (PostgreSQL cannot hold it: a 500 otherwise)
    "chungsuc.core.middleware.RefuseNulCharacterMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chungsuc.urls"
WSGI_APPLICATION = "chungsuc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "chungsuc.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'chungsuc.sqlite3'}",
        conn_max_age=int(os.environ.get("CHUNGSUC_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # A transaction takes SQLite's write lock when it begins (BEGIN IMMEDIATE), so concurrent
            # writers wait for each other (up to `timeout`) instead of failing with "database is
            # locked" when a read turns into a write; the version check then answers 409.
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "chungsuc.accounts.backends.ThrottledLoginBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Login throttling (django-axes, accounts/throttle.py): five failures lock a username at one client
# address, twenty lock the address whatever usernames it tries, for 15 minutes; 429 with a Vietnamese
# message on the login form and the API token endpoint. The client address is the real one behind a
# trusted proxy (CHUNGSUC_TRUSTED_PROXIES, below), never a header anyone could forge.
AXES_FAILURE_LIMIT = int(os.environ.get("CHUNGSUC_LOGIN_FAILURE_LIMIT", "5"))
CHUNGSUC_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("CHUNGSUC_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = "chungsuc.accounts.throttle.lockout_parameters"
AXES_HANDLER = "chungsuc.accounts.throttle.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "chungsuc.core.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "chungsuc.accounts.throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("CHUNGSUC_AXES_ENABLED", True)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Years and codes must never be grouped ("2.024"); amounts use humanize's intcomma (locale-aware:
# 1.234.567 in Vietnamese) where grouping is wanted.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production (DEBUG off) serves hashed names from `collectstatic`'s manifest; a missing entry is an
        # error that /healthz reports. CHUNGSUC_STATIC_MANIFEST=0 is for throwaway runs (the bench).
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("CHUNGSUC_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploads (evidence, signed decisions, generated documents): var/media unless CHUNGSUC_MEDIA_ROOT says
# where; never inside the virtual environment of an installed wheel (var/ is then in the working folder).
MEDIA_ROOT = Path(os.environ.get("CHUNGSUC_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_BYTES = int(os.environ.get("CHUNGSUC_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_BYTES + 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "chungsuc.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    # DRF's own messages ("Invalid page.", "Not found.") answered in Vietnamese like the rest.
    "EXCEPTION_HANDLER": "chungsuc.core.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chung Sức API",
    "DESCRIPTION": "REST API của Chung Sức — phong trào thi đua chung sức xây dựng nông thôn mới.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Every error answer the conventions give, documented on every operation (chungsuc/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "chungsuc.api.schema.document_error_responses",
        "chungsuc.api.schema.add_links",
    ],
}

# Background jobs: with no broker configured, tasks run eagerly in the calling process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", None)
CELERY_TIMEZONE = TIME_ZONE
# Celery beat (`celery -A chungsuc.celery_app beat`); without a broker, cron runs the same jobs as
# management commands (`chungsuc workflow_tick`).
# Scheduled work of higher apps run by the same tick (core sits below them: dotted paths).
CHUNGSUC_WORKFLOW_TICK_HOOKS = ["chungsuc.movements.services.reminders_tick"]
CELERY_BEAT_SCHEDULE = {
    # The workflow engine's scheduled job: overdue moves, votes past due, reminders (idempotent).
    "workflow-tick": {
        "task": "chungsuc.core.tasks.workflow_tick",
        "schedule": crontab(minute=15),  # hourly
    },
}

EMAIL_BACKEND = os.environ.get("CHUNGSUC_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("CHUNGSUC_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("CHUNGSUC_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("CHUNGSUC_FROM_EMAIL", "chungsuc@localhost")

# The workflow engine in core asks accounts who may act (core must not import accounts).
CHUNGSUC_WORKFLOW_PERMISSION = "chungsuc.accounts.permissions.workflow_can_act"
CHUNGSUC_WORKFLOW_RECIPIENTS = "chungsuc.accounts.permissions.workflow_users_over_unit"
# Subjects that belong to an organisation, and conflict of interest in votes.
CHUNGSUC_WORKFLOW_ORG_PERMISSION = "chungsuc.accounts.selectors.can_act_for_organisation"
CHUNGSUC_WORKFLOW_ORG_RECIPIENTS = "chungsuc.accounts.selectors.users_of_organisation"
CHUNGSUC_WORKFLOW_USER_ORGANISATIONS = "chungsuc.accounts.selectors.organisation_ids_of"
CHUNGSUC_WORKFLOW_PERSON_PERMISSION = ""  # subjects about a person register their own hook
# Role codes a workflow definition may use (a typo is refused when the workflow is defined).
CHUNGSUC_WORKFLOW_ROLES = "chungsuc.accounts.models.Role"
# Per-subject "who may act" hooks by model label, if not registered in code:
# {"movements.annualreport": {"can_act": "dotted.path", "recipients": "...", "conflict": "..."}}
CHUNGSUC_WORKFLOW_SUBJECTS: dict[str, dict[str, str]] = {}

# --- Security (docs/architecture.md, "Security", says what each one protects) -----------------------
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "chungsuc.core.errors.csrf_failure"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Cookies only over HTTPS: on by default in production, off on a laptop (DEBUG) where there is no TLS.
SESSION_COOKIE_SECURE = env_bool("CHUNGSUC_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind the README's TLS-terminating reverse proxy: CHUNGSUC_SSL_REDIRECT=1 sends http:// to https://,
# CHUNGSUC_HSTS_SECONDS (e.g. 31536000) makes browsers remember it. The proxy tells us the request was
# HTTPS through X-Forwarded-Proto, trusted only when CHUNGSUC_TRUSTED_PROXIES is set.
SECURE_SSL_REDIRECT = env_bool("CHUNGSUC_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("CHUNGSUC_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CHUNGSUC_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("CHUNGSUC_HSTS_PRELOAD", False)
# Addresses of the reverse proxies in front of gunicorn (comma-separated IPs or CIDR networks). Only a
# request that comes from one of them may say, through X-Forwarded-For, who the real client is; the
# login throttle counts by that address. Empty: the connection's own address is the client.
CHUNGSUC_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("CHUNGSUC_TRUSTED_PROXIES", "").split(",") if p.strip()
]
if CHUNGSUC_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy: scripts and styles only from our own static files (no inline script or
# style, no eval, no CDN); Permissions-Policy: no camera, microphone, geolocation, payment…
CHUNGSUC_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CHUNGSUC_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CHUNGSUC_LOG_LEVEL", "WARNING")},
}

# Scoping hooks for code below accounts in the dependency order (core, geo).
CHUNGSUC_UNIT_OR_404 = "chungsuc.accounts.selectors.unit_or_404"
# core filters its own querysets (the audit log) through the permission layer: restrict(qs, user, action)
CHUNGSUC_RESTRICT = "chungsuc.accounts.permissions.restrict"
CHUNGSUC_CAN = "chungsuc.accounts.permissions.can"
# Writes are decided as of today. Only tests of the 2021–2025 history move that day (a date here);
# never set in a deployment.
CHUNGSUC_ACTING_AS_OF = None
CHUNGSUC_USER_ROLES = "chungsuc.accounts.selectors.roles_of"

# The dossier page (assessments) shows parts owned by higher apps: each hook takes (request, assessment,
# case) and returns context for its templates.
CHUNGSUC_DOSSIER_CONTEXT = ["chungsuc.recognitions.views.dossier_context"]
# A district's derived indicators count its communes' register entries (recognitions, above assessments).
CHUNGSUC_REGISTER_RECORDS = "chungsuc.recognitions.selectors.register_records"
