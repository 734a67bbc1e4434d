"""Settings shared by every environment.

Every value comes from the environment (django-environ); the defaults give the embedded
mode: SQLite, a filesystem Celery broker and e-mails written to files, all under ``var/``.
"""

from datetime import timedelta
from pathlib import Path

import environ

from core.durations import parse_duration, parse_duration_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(str(BASE_DIR / ".env"))
# The embedded mode's files (SQLite, broker folders, e-mails, uploads, beat schedule); scripts/run_embedded.sh
# creates the folders under it.
VAR_DIR = Path(env.str("VAR_DIR", default="") or BASE_DIR / "var")

INSECURE_DEFAULT_SECRET = "insecure-embedded-default-secret-key-change-me"  # noqa: S105

SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEFAULT_SECRET)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "b2bplatform.apps.B2BAdminConfig",  # django.contrib.admin with the moderators' console site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "requests_app",
    "attachments",
    "suppliers",
    "blacklist",
    "messaging",
    "discovery",
    "quotes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.ApiJsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.CorsMiddleware",  # django-cors-headers', no header parsing without an Origin
    "core.middleware.SiteSessionMiddleware",  # Django's, skipped under /api/ (JWT, no session): core/middleware.py
    "core.middleware.LocaleMiddleware",  # Django's (the admin's language switch), Accept-Language for the API
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.SiteAuthenticationMiddleware",
    "core.middleware.SiteMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "b2bplatform.urls"
WSGI_APPLICATION = "b2bplatform.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded mode has web, worker and beat writing to one file: wait for the lock.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # psycopg prepares a statement run this many times on a connection (only the server-binding cursors of the
    # hot reads, requests_app/reads.py; the ORM binds client-side). "off" behind a transaction-mode pooler.
    _prepare = env.str("DB_PREPARE_THRESHOLD", default="5").strip().lower()
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if _prepare in {"", "off", "none"} else int(_prepare)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.ModeratorPermissionBackend",  # the moderators' fixed admin permissions
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Russian by default (docs: README "Language"); English stays available: the admin's language switch (the
# session/cookie of django.views.i18n.set_language) and Accept-Language for API messages. Codes, field names
# and error types never change with the language, only the texts.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="ru")
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

# --- Storage -------------------------------------------------------------------------------
# Local files by default; S3-compatible object storage through django-storages when a bucket is set.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads: small ones in memory, anything bigger streamed to a temporary file in chunks.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default="") or None
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# What parsing one imported file may cost (requests_app/importers/archive.py and sandbox.py): an .xlsx or
# .docx whose ZIP declares more parts, bytes or compression than this is refused unopened (413), and every
# parse runs in a child process capped in address space and wall-clock time (413 when it goes over).
IMPORT_MAX_ARCHIVE_MEMBERS = env.int("IMPORT_MAX_ARCHIVE_MEMBERS", default=1000)
IMPORT_MAX_MEMBER_BYTES = env.int("IMPORT_MAX_MEMBER_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env.float("IMPORT_MAX_COMPRESSION_RATIO", default=100.0)
IMPORT_PARSE_MEMORY_MB = env.int("IMPORT_PARSE_MEMORY_MB", default=512)
IMPORT_PARSE_TIMEOUT_SECONDS = env.float("IMPORT_PARSE_TIMEOUT_SECONDS", default=15.0)

# --- attachments ---
# Limits of one outgoing message: how many of the buyer's attachments, and their total size.
MESSAGE_MAX_ATTACHMENTS = env.int("MESSAGE_MAX_ATTACHMENTS", default=10)
MESSAGE_MAX_ATTACHMENT_BYTES = env.int("MESSAGE_MAX_ATTACHMENT_BYTES", default=25 * 1024 * 1024)

# --- E-mail --------------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="B2B Platform <noreply@b2b.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Celery --------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # kombu's default is ./control in the working directory
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic tasks; each app adds its entries here (see messaging, accounts).
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}

# --- accounts ---
# Daily purge of expired OTP challenges, ended rate-limit windows and stale failure streaks (docs/auth.md).
CELERY_BEAT_SCHEDULE["accounts.purge_expired_otp_data"] = {
    "task": "accounts.purge_expired_otp_data",
    "schedule": timedelta(days=1),
}

# --- messaging ---
# Delivery of the outbox (see docs/messaging.md): retry backoff and the sweeper's thresholds, in seconds.
MESSAGE_RETRY_BASE_SECONDS = env.float("MESSAGE_RETRY_BASE_SECONDS", default=30.0)
MESSAGE_RETRY_MAX_SECONDS = env.float("MESSAGE_RETRY_MAX_SECONDS", default=600.0)
MESSAGE_MAX_ATTEMPTS = env.int("MESSAGE_MAX_ATTEMPTS", default=8)
MESSAGE_REQUEUE_QUEUED_AFTER_SECONDS = env.float("MESSAGE_REQUEUE_QUEUED_AFTER_SECONDS", default=120.0)
MESSAGE_REQUEUE_SENDING_AFTER_SECONDS = env.float("MESSAGE_REQUEUE_SENDING_AFTER_SECONDS", default=600.0)
CELERY_BEAT_SCHEDULE["messaging.requeue_stuck_messages"] = {
    "task": "messaging.requeue_stuck_messages",
    "schedule": 60.0,
}
# Replies come back (docs/messaging.md): every supplier e-mail's Reply-To is REPLY_MAILBOX plus a per-recipient
# token (rfq+<token>@…); that mailbox is read over IMAP_URL (imaps://user:pass@host:993/INBOX, or imap://… with
# STARTTLS), or, without IMAP_URL, from the local maildir INBOUND_MAILDIR (var/inbox; drop .eml files into new/).
REPLY_MAILBOX = env.str("REPLY_MAILBOX", default="rfq@b2b.localhost")
IMAP_URL = env.str("IMAP_URL", default="")
IMAP_CA_FILE = env.str("IMAP_CA_FILE", default="")  # an extra CA for the server's certificate (self-signed)
IMAP_ALLOW_PLAINTEXT = env.bool("IMAP_ALLOW_PLAINTEXT", default=False)  # imap:// without STARTTLS (tests only)
IMAP_TIMEOUT_SECONDS = env.float("IMAP_TIMEOUT_SECONDS", default=30.0)
IMAP_IDLE_SECONDS = env.float("IMAP_IDLE_SECONDS", default=600.0)  # one IDLE of watch_mailbox (< 29 min)
INBOUND_MAILDIR = env.str("INBOUND_MAILDIR", default="") or str(VAR_DIR / "inbox")
INBOUND_POLL_SECONDS = env.float("INBOUND_POLL_SECONDS", default=60.0)
INBOUND_MAX_MESSAGE_BYTES = env.int("INBOUND_MAX_MESSAGE_BYTES", default=50 * 1024 * 1024)
INBOUND_MAX_ATTACHMENTS = env.int("INBOUND_MAX_ATTACHMENTS", default=20)
INBOUND_FETCH_BUDGET_SECONDS = env.float("INBOUND_FETCH_BUDGET_SECONDS", default=120.0)  # per run; the rest next run
CELERY_BEAT_SCHEDULE["messaging.fetch_replies"] = {
    "task": "messaging.fetch_replies",
    "schedule": INBOUND_POLL_SECONDS,
}
# Deadlines (docs/deadlines.md): reminders to contacted suppliers that have not answered, this long before a
# request's deadline ("48h,24h"; units s, m, h, d; empty = no reminders), and the automatic close of a request
# this long after its deadline and its last activity. A bad value stops the process (core/durations.py).
REMINDER_OFFSETS = parse_duration_list("REMINDER_OFFSETS", env.str("REMINDER_OFFSETS", default="48h,24h"))
AUTO_CLOSE_AFTER = parse_duration("AUTO_CLOSE_AFTER", env.str("AUTO_CLOSE_AFTER", default="14d"))
CELERY_BEAT_SCHEDULE["messaging.plan_reminders"] = {"task": "messaging.plan_reminders", "schedule": 300.0}
CELERY_BEAT_SCHEDULE["messaging.close_stale_requests"] = {"task": "messaging.close_stale_requests", "schedule": 3600.0}

# --- discovery ---
# Web discovery (docs/discovery.md): which search provider answers (empty = the feature is off), where it is,
# how fast and how often it is asked, and when a search counts as stuck.
SEARCH_PROVIDER = env.str("SEARCH_PROVIDER", default="")  # "" | "searxng" | "parser_service"
SEARXNG_URL = env.str("SEARXNG_URL", default="")
PARSER_SERVICE_URL = env.str("PARSER_SERVICE_URL", default="")
SEARCH_TIMEOUT_SECONDS = env.float("SEARCH_TIMEOUT_SECONDS", default=20.0)
SEARCH_RATE_PER_MINUTE = env.float("SEARCH_RATE_PER_MINUTE", default=30.0)
SEARCH_MAX_ATTEMPTS = env.int("SEARCH_MAX_ATTEMPTS", default=4)
SEARCH_RETRY_BASE_SECONDS = env.float("SEARCH_RETRY_BASE_SECONDS", default=30.0)
SEARCH_STUCK_AFTER_SECONDS = env.float("SEARCH_STUCK_AFTER_SECONDS", default=1800.0)
CELERY_BEAT_SCHEDULE["discovery.fail_stuck_searches"] = {
    "task": "discovery.fail_stuck_searches",
    "schedule": 60.0,
}

# --- REST framework ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.CachedUserJWTAuthentication",  # simplejwt without a user query per request
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only, nested at most 64 levels; the two upload views set their multipart parsers themselves.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.negotiation.CachedContentNegotiation",  # per Accept header
    "DEFAULT_PAGINATION_CLASS": "core.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
if env.bool("DRF_BROWSABLE_API", default=False):
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

SPECTACULAR_SETTINGS = {
    "TITLE": "B2B Platform API",
    "DESCRIPTION": "Requests for quotation from buyers to suppliers. All paths under /api/v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "SORT_OPERATIONS": False,
    "PREPROCESSING_HOOKS": ["core.schema.order_methods"],
    "DEFAULT_GENERATOR_CLASS": "core.schema.SourceLanguageSchemaGenerator",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.add_error_responses",
    ],
    # The sections of ReDoc and Swagger UI, in this order; every /moderator/ operation is under "Moderator"
    # (tests/test_schema_tags.py). Names as in the reference contract; descriptions shown above each section.
    "TAGS": [
        {"name": "System", "description": "Health probes."},
        {"name": "Auth", "description": "Log in with a one-time code sent by e-mail, then JWT."},
        {"name": "UserRequests", "description": "The buyer's requests for quotation and their keys."},
        {"name": "Attachments", "description": "The buyer's files, attached to the e-mails to suppliers."},
        {"name": "UserMessaging", "description": "Recipients, mailings, messages and quotes of a request."},
        {"name": "UserBlacklist", "description": "Companies (by INN) the buyer never wants to e-mail."},
        {"name": "Suppliers", "description": "The supplier base, as buyers search it."},
        {
            "name": "Moderator",
            "description": "Moderators only (staff in the moderators group): tasks, supplier links, supplier "
            "cards, domain decisions, web discovery and the domain blacklist.",
        },
    ],
}

# --- JWT -----------------------------------------------------------------------------------
JWT_SIGNING_KEY = env.str("JWT_SIGNING_KEY", default="insecure-embedded-default-jwt-key-change-me")
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

# How long each process trusts what it read of a user's row (is_active, staff, moderator) before reading it
# again: a deactivated user's token stops working within this many seconds (at most 5; 0 = every request).
AUTH_USER_CACHE_SECONDS = env.float("AUTH_USER_CACHE_SECONDS", default=5.0)

# --- Accounts / OTP ------------------------------------------------------------------------
OTP_HMAC_KEY = env.str("OTP_HMAC_KEY", default="") or SECRET_KEY
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Suppliers -----------------------------------------------------------------------------
CHECKO_API_KEY = env.str("CHECKO_API_KEY", default="")
CHECKO_BASE_URL = env.str("CHECKO_BASE_URL", default="https://api.checko.ru/v2")
CHECKO_TIMEOUT = env.float("CHECKO_TIMEOUT", default=10.0)
# --- suppliers ---
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["SupplierCardType"] = "suppliers.models.SupplierType"
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["DomainDecisionStatus"] = "suppliers.models.DomainDecisionStatus"
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["MessageStatus"] = ["queued", "sending", "sent", "failed"]
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ModeratorTaskStatus"] = "requests_app.models.ModeratorTaskStatus"
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ParsingRunStatus"] = "discovery.models.SearchStatus"
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ParsingRunSource"] = "discovery.models.SearchSource"
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ParsingSource"] = ["google", "yandex"]
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["ResolvedDomainStatus"] = ["supplier", "reseller", "blacklist"]

# --- quality ---
# OPTIONS answers name the view and its media types only (no get_object(), see core/metadata.py).
REST_FRAMEWORK["DEFAULT_METADATA_CLASS"] = "core.metadata.ActionlessMetadata"

# --- Content-Security-Policy ---------------------------------------------------------------
# Sent on every HTML page (admin, /docs, /redoc) by core.middleware. Scripts only from our origin (the
# Swagger UI and ReDoc bundles are served by drf-spectacular-sidecar); inline styles and a blob: worker are
# what ReDoc needs. An empty value sends no header.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
)

# --- CORS ----------------------------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# --- Logging: JSON lines on stdout -----------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
    },
}

# --- Quotes (docs/quotes.md, decision 0015) ------------------------------------------------
# The absolute base of the links in supplier e-mails (the quote page /q/<token> is served by the web process).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# A quote link closes at the request's deadline; without a deadline this many days after it was made.
QUOTE_LINK_TTL_DAYS = env.int("QUOTE_LINK_TTL_DAYS", default=30)
# Django's cache holds the quote page's rate-limit counters: process-local by default (the embedded mode);
# set CACHE_URL=redis://127.0.0.1:6379/2 with several web processes so that they count together.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Requests to the quote page per 10 minutes, per link and per client address (cache-based; over → 429 page).
QUOTE_PAGE_RATE_PER_TOKEN = env.int("QUOTE_PAGE_RATE_PER_TOKEN", default=120)
QUOTE_PAGE_RATE_PER_IP = env.int("QUOTE_PAGE_RATE_PER_IP", default=600)
QUOTE_PAGE_RATE_WINDOW_SECONDS = 600
# A quote form carries five fields per key (2,000 keys); Django's default of 1,000 form fields would refuse it.
# JSON API bodies are not counted (core.parsers); the admin's forms are far below this.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=12000)
