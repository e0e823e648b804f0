"""Django settings for Caducée, entirely from environment variables.

See README.md, "Configuration reference", for every variable. Embedded mode
(the default) keeps its SQLite database, task queue, media and secret key in
``CADUCEE_VAR_DIR`` (``./var``). ``CADUCEE_ENV=production`` turns on the
secure defaults that ``caducee check --deploy`` expects.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from caducee.settings.env import (
    embedded_secret_key,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CADUCEE_VAR_DIR", str(Path.cwd() / "var"))).resolve()
CADUCEE_ENV = env_str("CADUCEE_ENV", "development")
PRODUCTION = CADUCEE_ENV == "production"
TESTING = env_bool("CADUCEE_TESTING", False)

SECRET_KEY = env_str("SECRET_KEY") or ("" if PRODUCTION else embedded_secret_key(VAR_DIR))
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when CADUCEE_ENV=production")

DEBUG = env_bool("DEBUG", False) and not PRODUCTION
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "django_tables2",
    "axes",
    "csp",
    "huey.contrib.djhuey",
    "caducee.core",
    "caducee.org",
    "caducee.cmdb",
    "caducee.sla",
    "caducee.desk",
    "caducee.portal",
    "caducee.notify",
    "caducee.inbound",
]

MIDDLEWARE = [
    "caducee.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "caducee.core.sessions.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "caducee.core.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "caducee.core.middleware.AuditContextMiddleware",
    "caducee.core.middleware.MetricsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caducee.urls"
WSGI_APPLICATION = "caducee.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caducee.core.context_processors.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'caducee.sqlite3'}")
# Connections are kept between requests (opening one costs PostgreSQL a few
# milliseconds of a 30 ms ticket creation) and checked before reuse, so a
# restarted database costs one failed check, not a failed request.
_db = dj_database_url.parse(
    DATABASE_URL,
    conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    conn_health_checks=True,
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while one writer commits; IMMEDIATE transactions
    # take the write lock up front, so the audit chain's "read the last hash,
    # write the next" never races another writer.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000;"
        ),
    }
    _db["TEST"] = {"NAME": env_str("CADUCEE_TEST_SQLITE_NAME", "") or None}
elif _db["ENGINE"].startswith("django.db.backends.postgresql"):
    # Parameters are bound by the server, and a statement a connection has run
    # DATABASE_PREPARE_THRESHOLD times is prepared: PostgreSQL then skips
    # parsing and planning it. A ticket creation runs the same dozen statements
    # every time; planning them was ~2 ms of it. Django turns preparation off
    # by default for poolers in transaction mode: behind PgBouncer older than
    # 1.21 (or without max_prepared_statements), set the threshold to "off".
    _prepare = env_str("DATABASE_PREPARE_THRESHOLD", "5").strip().lower()
    _db["OPTIONS"] = {
        "server_side_binding": env_bool("DATABASE_SERVER_SIDE_BINDING", True),
        "prepare_threshold": (
            None if _prepare in ("off", "none") else env_int("DATABASE_PREPARE_THRESHOLD", 5)
        ),
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, task queue ----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "caducee.core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Embedded: a cache the web processes and the worker share, in SQLite
    # files under var/ (diskcache). Its counters are atomic across processes
    # (the API rate limit), and a call costs tens of microseconds where
    # Django's file cache rewrote a file through a rename: ~1 ms of every
    # API call.
    CACHES = {
        "default": {
            "BACKEND": "caducee.core.cache.SQLiteCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    if TESTING:
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

HUEY = {
    "name": "caducee",
    "immediate": TESTING,
    "utc": True,
    "consumer": {"workers": env_int("CADUCEE_WORKER_THREADS", 2), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

# --- Authentication and security ------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, permissions read from the picture kept per
    # process (caducee.core.services.access) rather than queried per request.
    "caducee.core.services.access.KeptModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AXES_FAILURE_LIMIT = env_int("CADUCEE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("CADUCEE_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "caducee.core.clientip.client_ip"
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks).
CADUCEE_TRUSTED_PROXIES = env_list("CADUCEE_TRUSTED_PROXIES", [])
AXES_VERBOSE = False

# Shared ward computers: a session ends after a spell of inactivity.
SESSION_COOKIE_AGE = env_int("CADUCEE_SESSION_IDLE_MINUTES", 60) * 60
# Pushed forward at most once a minute, not saved on every request (core/sessions.py).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("CADUCEE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("CADUCEE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("CADUCEE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^health$", r"^metrics$"]

# Content-Security-Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("CADUCEE_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("CADUCEE_MEDIA_ROOT", str(VAR_DIR / "media")))
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail ---------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "caducee@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# Absolute base of the links in notification e-mails (no request to read it from).
CADUCEE_BASE_URL = env_str("CADUCEE_BASE_URL", "http://localhost:8000").rstrip("/")
# The right-hand side of our Message-IDs, so replies name their ticket.
CADUCEE_MAIL_DOMAIN = env_str("CADUCEE_MAIL_DOMAIN", "caducee.localhost")
# A notification e-mail refused this many times is failed (shown in the outbox).
CADUCEE_MAIL_MAX_ATTEMPTS = env_int("CADUCEE_MAIL_MAX_ATTEMPTS", 6)

# --- API ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "caducee.core.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["caducee.core.api.permissions.ModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "caducee.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "caducee.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["caducee.core.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("CADUCEE_API_RATE", "1200/min")},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Caducée API",
    "DESCRIPTION": "IT service management for hospital groups (GHT).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind" or a "status": each choice set gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "TicketKindEnum": "caducee.desk.models.kinds.TicketKind",
        "TicketStatusEnum": "caducee.desk.models.tickets.Status",
        "TicketLinkKindEnum": "caducee.desk.models.links.LinkKind",
        "ResolutionCodeEnum": "caducee.desk.models.tickets.ResolutionCode",
        "PriorityEnum": "caducee.cmdb.models.Priority",
        "SupportLevelEnum": "caducee.desk.models.groups.SupportLevel",
        "SlaEscalationEnum": "caducee.sla.models.policies.Escalation",
        "TicketImpactEnum": "caducee.desk.models.priority.Impact",
    },
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# --- Logging --------------------------------------------------------------
LOG_FORMAT = env_str("CADUCEE_LOG_FORMAT", "text")
LOG_LEVEL = env_str("CADUCEE_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "caducee.core.logging.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {"()": "caducee.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "huey": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "axes": {"level": "WARNING"},
    },
}

# --- Caducée --------------------------------------------------------------
CADUCEE_IMPORT_MAX_BYTES = env_int("CADUCEE_IMPORT_MAX_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = CADUCEE_IMPORT_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Inventory agents' payloads, compressed or once inflated: larger ones get a 413.
CADUCEE_INVENTORY_MAX_BYTES = env_int("CADUCEE_INVENTORY_MAX_MB", 10) * 1024 * 1024
# Imports up to this many rows run in the request; larger ones in the worker.
CADUCEE_IMPORT_INLINE_ROWS = env_int("CADUCEE_IMPORT_INLINE_ROWS", 500)
CADUCEE_IMPORT_CHUNK_ROWS = env_int("CADUCEE_IMPORT_CHUNK_ROWS", 1000)
# A resolved ticket may be reopened for this many days.
CADUCEE_DESK_REOPEN_DAYS = env_int("CADUCEE_DESK_REOPEN_DAYS", 7)
# An API request's Idempotency-Key (and its kept answer) lives this many hours.
CADUCEE_IDEMPOTENCY_HOURS = env_int("CADUCEE_IDEMPOTENCY_HOURS", 24)
# Requests after which a web process freezes what it holds out of the garbage
# collector's walks (``caducee.core.collector``); 0 never does.
# (Not in test runs, whose processes hold nothing worth keeping.)
CADUCEE_GC_FREEZE_AFTER = env_int("CADUCEE_GC_FREEZE_AFTER", 0 if TESTING else 50)
# Ticket attachments: the largest file, and the extensions accepted (the
# content must match the extension too; see caducee.desk.services.attachments).
CADUCEE_ATTACHMENT_MAX_BYTES = env_int("CADUCEE_ATTACHMENT_MAX_MB", 20) * 1024 * 1024
CADUCEE_ATTACHMENT_TYPES = env_list(
    "CADUCEE_ATTACHMENT_TYPES",
    [
        *("png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff"),  # images
        *("pdf", "txt", "log", "csv", "json"),  # PDF, text and logs
        *("docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt", "msg"),  # office
        "zip",
    ],
)
CADUCEE_METRICS_TOKEN = env_str("CADUCEE_METRICS_TOKEN")
# Incoming e-mail (caducee.inbound): the key mailbox passwords are encrypted
# with (else derived from SECRET_KEY), the largest message read, and a sender
# who writes more than LOOP_LIMIT messages in LOOP_MINUTES is taken for a loop.
CADUCEE_SECRETS_KEY = env_str("CADUCEE_SECRETS_KEY")
CADUCEE_INBOUND_MAX_BYTES = env_int("CADUCEE_INBOUND_MAX_MB", 32) * 1024 * 1024
CADUCEE_INBOUND_LOOP_LIMIT = env_int("CADUCEE_INBOUND_LOOP_LIMIT", 20)
CADUCEE_INBOUND_LOOP_MINUTES = env_int("CADUCEE_INBOUND_LOOP_MINUTES", 10)
CADUCEE_INBOUND_TIMEOUT = env_int("CADUCEE_INBOUND_TIMEOUT", 30)
CADUCEE_BACKUP_DIR = Path(env_str("CADUCEE_BACKUP_DIR", str(VAR_DIR / "backups")))

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
