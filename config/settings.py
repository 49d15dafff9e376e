"""One settings module for every environment, driven by environment variables.

Development defaults just work (embedded PostgreSQL and Redis, DEBUG on); production
(`DJANGO_ENV=production`) is safe by default and refuses to start without a secret key.
"""

from __future__ import annotations

import os
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_str("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"DJANGO_ENV must be development, test or production, got {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required in production")
    SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"

# Public host: serves the platform admin only. Contractants answer at <schema>.<BASE_DOMAIN>.
BASE_DOMAIN = env_str("BASE_DOMAIN", "localhost")
PUBLIC_HOSTS = env_list("PUBLIC_HOSTS", [BASE_DOMAIN, "127.0.0.1"])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [BASE_DOMAIN, f".{BASE_DOMAIN}", "127.0.0.1"])
# The port in links to a contractant's host (e-mails, the platform admin): 443 behind the
# production proxy, the port of `make run` in development.
SITE_PORT = env_int("SITE_PORT", 443 if PRODUCTION else 8000)
# The scheme of those links: https in production (behind the TLS proxy), http for `make run`.
SITE_SCHEME = env_str("SITE_SCHEME", "https" if PRODUCTION else "http")
if SITE_SCHEME not in {"http", "https"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"SITE_SCHEME must be http or https, got {SITE_SCHEME!r}")

# --- Applications: django-tenants splits them between the public and tenant schemas ---
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The form widgets' own templates, for the project-wide form renderer below.
    "django.forms",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    # Second factor for the platform admin's operators (issue 19).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_prometheus",
    "outbox",
    "mfa",
    "ops",
]
TENANT_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "axes",
    "simple_history",
    "relations",
    "subscriptions",
    "contacts",
    "tasks",
    "portal",
    "portal_sync",
    "mailin",
    "audit",
    "staff",
    "notifications",
    "search",
    "demo",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "outbox",
    "mfa",
    "api",
    "webhooks",
    "transfer",
    "privacy",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Contractant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# New contractants are cloned from this migrated template schema instead of replaying
# every migration (tenants.services.provision_contractant).
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Must stay off: a savepoint rollback can leave the connection on another tenant's
# schema (django-tenants issue #1262).
TENANT_LIMIT_SET_CALLS = False
# How long a process keeps a host → contractant answer (tenants.middleware).
TENANT_HOST_CACHE_SECONDS = env_int("TENANT_HOST_CACHE_SECONDS", 10)
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# `migrate_all` (tenants.migrating) migrates the schemas that are behind in django-tenants'
# multiprocessing pool: one process per core, schemas handed out a few at a time.
TENANT_MULTIPROCESSING_MAX_PROCESSES = env_int("TENANT_MULTIPROCESSING_MAX_PROCESSES", os.cpu_count() or 2)
TENANT_MULTIPROCESSING_CHUNKS = env_int("TENANT_MULTIPROCESSING_CHUNKS", 4)

MIDDLEWARE = [
    "tenants.middleware.ContractantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tenants.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.otp_device / is_verified(): which second factor verified this session (mfa).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

if PRODUCTION:
    # Serves the collected, compressed static files; runserver serves them in development.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

# Request metrics (django-prometheus) around everything; the request id (ops) before the host
# routing, so even an unknown host's 404 is logged with it and echoes X-Request-ID.
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "ops.middleware.RequestIdMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Widgets render with the project's templates too (staff.widgets.PickerWidget).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.contractant",
            ],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Real servers: configured by URL, or embedded ones started from pip packages ---
EMBEDDED_SERVERS = env_bool("EMBEDDED_SERVERS", default=not PRODUCTION)


def _server_url(name: str, start_embedded) -> str:
    url = env_str(name)
    if url:
        return url
    if not EMBEDDED_SERVERS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} is required when EMBEDDED_SERVERS is off")
    return start_embedded()


def _embedded_postgres() -> str:
    from config import embedded

    return embedded.postgres_url()


def _embedded_redis() -> str:
    from config import embedded

    return embedded.redis_url()


DATABASE_URL = _server_url("DATABASE_URL", _embedded_postgres)
REDIS_URL = _server_url("REDIS_URL", _embedded_redis).rstrip("/")
DATABASES = {"default": database_from_url(DATABASE_URL, engine="config.postgresql")}
# Two test runs at once (two checkouts, one server) each need a test database of their own.
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", f"test_{DATABASES['default']['NAME']}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "config.cache.ReusingRedisCache",
        "LOCATION": f"{REDIS_URL}/{env_int('REDIS_CACHE_DB', 3 if ENVIRONMENT == 'test' else 1)}",
        # Every key carries the schema name, so contractants never share cache entries.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
    },
    # Platform-wide values only (ops: the worker's heartbeat, totals over every schema), read the
    # same from every host; never anything of one contractant, which belongs in "default".
    "platform": {
        "BACKEND": "config.cache.ReusingRedisCache",
        "LOCATION": f"{REDIS_URL}/{env_int('REDIS_CACHE_DB', 3 if ENVIRONMENT == 'test' else 1)}",
        "KEY_PREFIX": "platform",
    },
}

# --- Authentication and sessions ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # A merged contact's other address still logs in to the portal (issue 18).
    "contacts.backends.SecondaryEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Plain paths, not URL names: the public host (admin) and contractant hosts have
# different URL confs, and "/" means the right start page on each.
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
# Sessions live in each contractant's schema; the cookie stays on its own host and is
# never set on a parent domain, since user ids repeat across schemas (django-tenants #52).
# Read through the Redis cache, whose keys carry the schema name (KEY_FUNCTION above), so a
# session key is looked up only under the host's own contractant, in the cache as in the
# database; the database row stays the source of truth when the cache is emptied.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION

# The client address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies (that each append to
# X-Forwarded-For) stand in front of the app; then the address the outermost trusted proxy saw
# (audit.client_ip). django-axes, the rate limits and the security log all read it from there.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Lockouts and rate limits count an IPv6 client as its /64, the security log keeps the full address.
RATELIMIT_IPV6_MASK = 64
AXES_CLIENT_IP_CALLABLE = "audit.client_ip.client_network"

# Login throttling (django-axes): five failures for one username (from any address), or five
# from one address (for any username), lock for 15 min. Either alone can be walked around.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Rate limits on forms an attacker could repeat (django-ratelimit), counted in the shared cache.
RATELIMIT_IP_META_KEY = "audit.client_ip.client_ip"
RATELIMIT_USE_CACHE = "default"
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_VERBOSE = False

# Two-factor login (django-otp, the mfa app): TOTP in an authenticator app, recovery codes.
# The name an authenticator app shows above the code.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Support back office")
# The platform admin (public host) asks its operators for a TOTP code too: django-otp's
# OTPAdminSite (tenants/admin.py). Bootstrap an operator's device with `manage.py addstatictoken`.
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", default=PRODUCTION)

# --- Security (production safe by default) ---
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only our own scripts and styles, no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Inline *styles* stay allowed (the admin and htmx set style attributes); scripts do not.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}

# --- Internationalisation: Dutch first, English available ---
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# DATE_FORMAT and friends per language (config/formats/<language>/formats.py), for |date.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files: all local, no CDN; whitenoise serves them in production ---
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# --- Uploaded files (task attachments, tasks.attachments) ---
# Never served from a media URL: no URL conf serves MEDIA_ROOT and MEDIA_URL stays unset, so a file
# is only ever read by the access-checked download views. Stored under <schema>/tasks/<task code>/.
if ENVIRONMENT == "test":
    from tempfile import gettempdir

    # One folder per test database, shared with the worker a test starts; never the development files.
    _default_media = Path(gettempdir()) / f"backoffice-media-{DATABASES['default']['TEST']['NAME']}"
else:
    _default_media = BASE_DIR / ".local" / "media"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or _default_media)
ATTACHMENT_STORAGE = env_str("ATTACHMENT_STORAGE", "filesystem")
if ATTACHMENT_STORAGE == "filesystem":
    STORAGES["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Under MEDIA_ROOT (its default location), so a test may point MEDIA_ROOT elsewhere.
        "OPTIONS": {"file_permissions_mode": 0o640, "directory_permissions_mode": 0o750},
    }
elif ATTACHMENT_STORAGE == "s3":
    # django-storages; needs `pip install boto3`, which takes its credentials from AWS_ACCESS_KEY_ID
    # and AWS_SECRET_ACCESS_KEY (or an instance role). Keep the bucket private: nothing links to it.
    if not env_str("AWS_STORAGE_BUCKET_NAME"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("ATTACHMENT_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
            "location": env_str("AWS_LOCATION", ""),
        },
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"ATTACHMENT_STORAGE must be filesystem or s3, got {ATTACHMENT_STORAGE!r}")
# Per file and per message (all its files together); the reverse proxy in front must allow a
# request body of at least ATTACHMENT_MAX_MESSAGE_BYTES, and should refuse much larger ones.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
ATTACHMENT_MAX_MESSAGE_BYTES = env_int("ATTACHMENT_MAX_MESSAGE_BYTES", 50 * 1024 * 1024)

# --- Import and export of relations, contacts and tasks (transfer) ---
TRANSFER_MAX_UPLOAD_BYTES = env_int("TRANSFER_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
TRANSFER_MAX_ROWS = env_int("TRANSFER_MAX_ROWS", 20_000)
# Up to this many rows an import runs during the request; more go to the worker.
TRANSFER_RUN_NOW_ROWS = env_int("TRANSFER_RUN_NOW_ROWS", 500)
# An XLSX export is built in a temporary file, so it is capped; a CSV export streams every row.
TRANSFER_XLSX_MAX_ROWS = env_int("TRANSFER_XLSX_MAX_ROWS", 100_000)

# --- E-mail ---
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "support@backoffice.localhost")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: one file per batch sent.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / ".local" / "mail"))
# A public reply's files travel in its e-mail while together at most this size; larger, the
# e-mail names them and links to the task in the portal (tasks/notifications/customers.py).
# 7 MiB: base64 adds a third, and the e-mail must pass a 10 MB limit (Postfix's default).
TASK_EMAIL_ATTACHMENTS_MAX_BYTES = env_int("TASK_EMAIL_ATTACHMENTS_MAX_BYTES", 7 * 1024 * 1024)

# --- E-mail in: the SMTP receiver `manage.py receive_mail` (mailin) ---
# Loopback by default: in production a mail server (or docker's network) hands mail to it.
INBOUND_SMTP_HOST = env_str("INBOUND_SMTP_HOST", "127.0.0.1")
INBOUND_SMTP_PORT = env_int("INBOUND_SMTP_PORT", 2525)
# Larger messages are refused with 552 while they arrive (aiosmtpd's data_size_limit).
INBOUND_MAIL_MAX_BYTES = env_int("INBOUND_MAIL_MAX_BYTES", 25 * 1024 * 1024)

# --- Celery (Redis broker); tenant context travels with each task (tenant-schemas-celery) ---
# Tests use their own Redis databases, so a `make test` next to `make run` never mixes queues.
CELERY_BROKER_URL = f"{REDIS_URL}/{env_int('REDIS_BROKER_DB', 2 if ENVIRONMENT == 'test' else 0)}"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Unit tests run Celery tasks in-process; integration tests start a real worker.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=ENVIRONMENT == "test")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Scheduled "out of service" dates take effect within the hour; applying is idempotent.
    "apply-due-out-of-service": {"task": "contacts.dispatch_due_out_of_service", "schedule": 15 * 60},
    # The outbox relay: syncs whose immediate queueing was lost still happen.
    "relay-sync-outbox": {"task": "portal_sync.relay_outbox", "schedule": 30},
    "nightly-reconciliation": {"task": "portal_sync.reconcile_all", "schedule": crontab(hour=3, minute=15)},
    # SLA breaches are flagged (and the team lead e-mailed) within five minutes; flagging is idempotent.
    "flag-sla-breaches": {"task": "tasks.dispatch_sla_breaches", "schedule": 5 * 60},
    # Retention of personal data in closed tasks (privacy); batched and idempotent.
    "apply-retention": {"task": "privacy.dispatch_retention", "schedule": crontab(hour=2, minute=40)},
    # Webhook events whose fan-out message was lost go out within a few minutes (webhooks.tasks).
    "relay-webhook-outbox": {"task": "webhooks.relay_outbox", "schedule": 2 * 60},
}

# --- Webhooks (issue 19): signed deliveries of outbox events to staff-registered endpoints ---
# Plain http and private/loopback addresses only outside production (a local test receiver);
# in production an endpoint must be https on a public address (no requests into our own network).
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", default=not PRODUCTION)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=not PRODUCTION)
WEBHOOKS_TIMEOUT = float(env_str("WEBHOOKS_TIMEOUT", "10"))
# Attempts per delivery; the waits double from the base, capped below the broker's visibility timeout.
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 6)
WEBHOOKS_RETRY_BASE_SECONDS = env_int("WEBHOOKS_RETRY_BASE_SECONDS", 30)
WEBHOOKS_RETRY_MAX_SECONDS = env_int("WEBHOOKS_RETRY_MAX_SECONDS", 1800)
# Failed attempts in a row after which an endpoint is paused and administrators are told.
WEBHOOKS_PAUSE_AFTER_FAILURES = env_int("WEBHOOKS_PAUSE_AFTER_FAILURES", 10)
# What the verification snippet on the endpoint page tells receivers to accept (seconds).
WEBHOOKS_TIMESTAMP_TOLERANCE = env_int("WEBHOOKS_TIMESTAMP_TOLERANCE", 300)

# --- REST API (api app): tokens per contractant, scoped, rate limited per token ---
REST_FRAMEWORK = {
    # A token first: a request without credentials is answered 401 with its challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.StaffWithScope"],
    # JSON only: the browsable documentation is Swagger UI at /api/docs/, from the OpenAPI schema.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_token": env_str("API_RATE_LIMIT", "600/minute")},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPage",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Support back office API",
    "DESCRIPTION": "Relations, subscriptions and their technical setup, contacts and links, tasks and their "
    "conversation, relink and Client Online sync state of one contractant. Authenticate with "
    "`Authorization: Bearer <key>`; a staff administrator creates keys at /api/tokens/.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["api.permissions.StaffWithScope"],
    # Swagger UI from drf_spectacular_sidecar's static files: no CDN, the CSP stays 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RelationKindEnum": "relations.models.Relation.Kind",
        "ContactKindEnum": "contacts.models.Contact.Kind",
        "MessageKindEnum": "tasks.models.TaskMessage.Kind",
        "ContactStatusEnum": "contacts.models.Contact.Status",
        "TaskStatusEnum": "tasks.models.Task.Status",
        "PortalStatusEnum": "contacts.models.ContactLink.PortalStatus",
    },
}

# --- Client Online (mock in development: python -m portal_sync.mock.server) ---
CLIENT_ONLINE_URL = env_str("CLIENT_ONLINE_URL", "http://127.0.0.1:8765").rstrip("/")
CLIENT_ONLINE_TIMEOUT = float(env_str("CLIENT_ONLINE_TIMEOUT", "5"))
# Queue a sync right after each committed change; unit tests drive syncs explicitly.
CLIENT_ONLINE_SYNC_ON_COMMIT = env_bool("CLIENT_ONLINE_SYNC_ON_COMMIT", default=ENVIRONMENT != "test")

# --- Operations (ops): health, metrics, logs, errors ---
# /health/ready: each check gives up after this many seconds.
HEALTH_CHECK_TIMEOUT = float(env_str("HEALTH_CHECK_TIMEOUT", "2"))
# The checks that make /health/ready answer 503 when they fail; the others are reported only.
HEALTH_READY_REQUIRED = env_list("HEALTH_READY_REQUIRED", ["database", "redis", "worker"])
if not set(HEALTH_READY_REQUIRED) <= {"database", "redis", "worker", "client_online", "mail_receiver"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"HEALTH_READY_REQUIRED names an unknown check: {HEALTH_READY_REQUIRED!r}")
# The beat has a worker write a heartbeat this often; readiness fails when it is older than the limit.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 30)
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 120)
# Totals over every contractant's schema (sync failures, undelivered events) for /metrics.
PLATFORM_METRICS_SECONDS = env_int("PLATFORM_METRICS_SECONDS", 120)
HEALTH_CLIENT_ONLINE_PATH = env_str("HEALTH_CLIENT_ONLINE_PATH", "/health")
# Where the web process reaches the SMTP receiver (docker compose: the mail-in service); a
# receiver listening on every interface is reached on loopback.
_EVERY_INTERFACE = {"0.0.0.0", "::", ""}  # noqa: S104 - compared with, not bound to
HEALTH_MAIL_RECEIVER_HOST = env_str(
    "HEALTH_MAIL_RECEIVER_HOST", "127.0.0.1" if INBOUND_SMTP_HOST in _EVERY_INTERFACE else INBOUND_SMTP_HOST
)
HEALTH_MAIL_RECEIVER_PORT = env_int("HEALTH_MAIL_RECEIVER_PORT", INBOUND_SMTP_PORT)
# Probes speak plain http to the process; everything else still goes to https.
SECURE_REDIRECT_EXEMPT = [r"^health/(live|ready)$"]
# /metrics answers a bearer token equal to METRICS_TOKEN; without one set it is not exposed in
# production (404). Outside production a client on this machine may read it without a token.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
METRICS_ALLOW_LOOPBACK = env_bool("METRICS_ALLOW_LOOPBACK", default=not PRODUCTION) and not PRODUCTION

# Plain text for a developer's terminal, one JSON object per line in production; both carry the
# contractant's schema and the request id (ops.log_context).
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "ops.log_context.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s [%(schema)s %(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(schema)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_context"], "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}
# The worker logs through LOGGING above too (JSON in production), not through Celery's own set-up.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Errors to Sentry (sentry-sdk, Django and Celery integrations) only when SENTRY_DSN is set.
SENTRY_DSN = env_str("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", ENVIRONMENT)
# The deployed version (a git tag or commit), as the release the errors are grouped under.
RELEASE = env_str("RELEASE", "") or None
SENTRY_TRACES_SAMPLE_RATE = float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0"))
if SENTRY_DSN:
    from ops.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        release=RELEASE,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )
