"""The portal's one settings module, driven by the environment.

Every variable is listed in `.env.example`. Values come from the process environment, or from a
`.env` file at the top of the repository (`make run` and `make test` create it on first use).
Development defaults are safe: the database and broker are local, DEBUG is off unless asked for,
and without DEBUG there is no default SECRET_KEY.
"""

from pathlib import Path

import environ
import pghistory
import pgtrigger
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see .env.example); "
            "only DEBUG=1 development runs may go without one."
        )
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105 - used only when DEBUG is on
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "csp",
    "axes",
    # In the order of the layers (CONTRIBUTING.md), lowest first.
    "portal.core",
    "villages",
    "portal.accounts",  # app label "portal"
    "warkop",
    "payments",
    "coverage",
    "portal.programme",
    "portal.reports",
    "portal.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files are precompressed), above everything that writes the body:
    # HTML, JSON, GeoJSON and CSV answers gzipped (BREACH: portal/core/compression.py).
    "portal.core.compression.CompressionMiddleware",
    "csp.middleware.CSPMiddleware",
    # Above everything that may read the database (sessions, the user, views): a request that
    # failed because PostgreSQL is unreachable answers 503 with Retry-After, not 500.
    "portal.core.resilience.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.core.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it sees the responses of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.core.context_processors.portal",
            ],
        },
    },
]

# --- Database: PostgreSQL + PostGIS is the only database ---------------------------------------
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default="postgis://postgres@127.0.0.1:5432/bengkulu_portal"
    )
}
if DATABASES["default"]["ENGINE"] != "django.contrib.gis.db.backends.postgis":
    raise ImproperlyConfigured("DATABASE_URL must be a postgis:// URL (PostgreSQL with PostGIS).")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A persistent connection is checked before a request reuses it: after PostgreSQL restarted, the
# first request of each worker reconnects instead of failing on the dead connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Give up connecting after 5 s (a `?connect_timeout=` in DATABASE_URL wins): an unreachable server
# answers 503 (portal/core/resilience.py) instead of holding the request.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
# No JIT compilation per request: the portal's queries are short, and a plan whose estimated
# cost passes jit_above_cost spent ~30 ms compiling on every call (docs/operations.md, "Serving").
# DATABASE_JIT=1 leaves PostgreSQL's own setting; `options` in DATABASE_URL wins.
if not env.bool("DATABASE_JIT", default=False):
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and the cache ---------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHE_URL = env.str("CACHE_URL", default="redis://127.0.0.1:6379/1")
# An unreachable Redis fails fast instead of holding the request.
_REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CACHES = {
    # Strict: a Redis error reaches the caller. Used by DRF's throttling.
    "default": {
        "BACKEND": "portal.core.rediscache.PortalRedisCache",
        "LOCATION": CACHE_URL,
        "TIMEOUT": 300,
        "OPTIONS": _REDIS_TIMEOUTS,
    },
}

# Figures read, not recomputed (portal/core/datacache.py): cached under the data's version, so
# any write makes them unreachable at once; this is only how long an unused entry is kept.
FIGURES_CACHE_SECONDS = env.int("FIGURES_CACHE_SECONDS", default=3600)

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers wait for Redis as long as it takes (the default gives up after 100 attempts), then
# resume consuming by themselves. A task running when the connection is lost is cancelled and
# delivered again (tasks are idempotent), rather than finishing unacknowledged.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_RESULT_EXPIRES = 24 * 3600
# One beat: RedBeat keeps the schedule in Redis and only the beat holding its lock sends tasks; a
# second beat process waits as a standby (portal/core/beat.py, docs/operations.md). The lock is
# renewed on every tick (at most CELERY_BEAT_MAX_LOOP_INTERVAL seconds apart) and lapses
# CELERY_REDBEAT_LOCK_TIMEOUT seconds after a beat died without releasing it.
CELERY_BEAT_SCHEDULER = "portal.core.beat.Scheduler"
CELERY_REDBEAT_REDIS_URL = REDIS_URL
CELERY_REDBEAT_KEY_PREFIX = "redbeat:"
CELERY_BEAT_MAX_LOOP_INTERVAL = 30
CELERY_REDBEAT_LOCK_TIMEOUT = 150
# Beat answers `celery inspect ping -d celerybeat@HOST` while it ticks (the compose health check).
CELERY_BEAT_ENABLE_REMOTE_CONTROL = True
# The beat schedule lives here; each capability adds its periodic tasks.
CELERY_BEAT_SCHEDULE: dict = {
    # warkop: mark stale kiosks once a day at WARKOP_STALE_CHECK_TIME (HH:MM, Asia/Jakarta).
    "warkop-mark-stale": {
        "task": "warkop.tasks.mark_stale_warkops",
        "schedule": crontab(
            hour=env.str("WARKOP_STALE_CHECK_TIME", default="06:00").split(":")[0],
            minute=env.str("WARKOP_STALE_CHECK_TIME", default="06:00").split(":")[1],
        ),
        "options": {"expires": 12 * 3600},
    },
    # programme: evaluate the current programme's milestones daily at PROGRAMME_EVALUATION_TIME
    # and e-mail the weekly digest on PROGRAMME_DIGEST_DAY at PROGRAMME_DIGEST_TIME (Asia/Jakarta).
    "programme-evaluate-daily": {
        "task": "portal.tasks.evaluate_current_programme",
        "schedule": crontab(
            hour=env.str("PROGRAMME_EVALUATION_TIME", default="17:00").split(":")[0],
            minute=env.str("PROGRAMME_EVALUATION_TIME", default="17:00").split(":")[1],
        ),
        "options": {"expires": 12 * 3600},
    },
    # reports: the weekly report of the current programme, every REPORTS_WEEKLY_DAY at
    # REPORTS_WEEKLY_TIME (Asia/Jakarta), for the seven days up to the day before.
    "reports-weekly": {
        "task": "reports.tasks.generate_weekly_report",
        "schedule": crontab(
            day_of_week=env.str("REPORTS_WEEKLY_DAY", default="mon"),
            hour=env.str("REPORTS_WEEKLY_TIME", default="06:30").split(":")[0],
            minute=env.str("REPORTS_WEEKLY_TIME", default="06:30").split(":")[1],
        ),
        "options": {"expires": 12 * 3600},
    },
    "programme-weekly-digest": {
        "task": "portal.tasks.send_weekly_digest",
        "schedule": crontab(
            day_of_week=env.str("PROGRAMME_DIGEST_DAY", default="mon"),
            hour=env.str("PROGRAMME_DIGEST_TIME", default="07:30").split(":")[0],
            minute=env.str("PROGRAMME_DIGEST_TIME", default="07:30").split(":")[1],
        ),
        "options": {"expires": 12 * 3600},
    },
}

# --- Backups (portal/core/backups.py, docs/operations.md) --------------------------------------
# `manage.py backup`, and the beat entry "portal-backup" daily at BACKUP_TIME (HH:MM,
# Asia/Jakarta; empty: no beat entry, e.g. when cron runs the command), write archives of the
# database and the media files into BACKUP_DIR and keep the newest BACKUP_KEEP (0: all);
# `manage.py restore` reads them. Put BACKUP_DIR on another disk than the database, and copy the
# archives off the server.
BACKUP_DIR = env.str("BACKUP_DIR", default="") or str(BASE_DIR / "var" / "backups")
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
BACKUP_TIME = env.str("BACKUP_TIME", default="02:00")
if BACKUP_TIME:
    CELERY_BEAT_SCHEDULE["portal-backup"] = {
        "task": "portal.tasks.backup_portal",
        "schedule": crontab(hour=BACKUP_TIME.split(":")[0], minute=BACKUP_TIME.split(":")[1]),
        "options": {"expires": 6 * 3600},
    }

# --- Auth --------------------------------------------------------------------------------------
# django-axes' backend comes first: it refuses logins that are locked out (portal/accounts/auth.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.accounts.auth.UsernameOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "login"
# The client's address (portal.core.clients.client_address): how many reverse proxies in front of
# the portal append to X-Forwarded-For. 0: REMOTE_ADDR only, X-Forwarded-For ignored; behind one TLS
# proxy: 1. Never more than there are: clients could then choose their own address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Failed logins (portal/accounts/auth.py; django-axes, recorded in the database so that logins work
# while Redis is down): LOGIN_FAILURES_PER_ACCOUNT for one account from one address lock that
# address out of that account (the owner elsewhere still logs in); LOGIN_FAILURES_PER_ADDRESS from
# one address, whatever the accounts, lock it out of all. A lock ends an hour after the last
# failure; a completed password reset clears the account's failures.
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=20)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=100)
AXES_HANDLER = "portal.accounts.auth.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "portal.accounts.auth.failure_limit"
AXES_COOLOFF_TIME = 1  # hour
AXES_USERNAME_CALLABLE = "portal.accounts.auth.login_identity"
AXES_CLIENT_IP_CALLABLE = "portal.core.clients.client_address"
AXES_LOCKOUT_CALLABLE = "portal.accounts.auth.keep_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused attempts do not prolong a lock
AXES_DISABLE_ACCESS_LOG = True  # no record of successful logins (addresses are personal data)
AXES_VERBOSE = False
# Limits counted in Redis (portal/core/ratelimit.py; they let requests through while Redis is down):
# invalid API tokens per address and hour (then 429 before a token is even looked up),
# password-reset requests per address and hour, and reset mails per account and hour.
API_INVALID_TOKENS_PER_ADDRESS = env.int("API_INVALID_TOKENS_PER_ADDRESS", default=20)
PASSWORD_RESETS_PER_ADDRESS = env.int("PASSWORD_RESETS_PER_ADDRESS", default=10)
PASSWORD_RESETS_PER_ACCOUNT = env.int("PASSWORD_RESETS_PER_ACCOUNT", default=3)
# /healthz/ details (each part, versions, timings) for monitors sending this value in the
# X-Health-Token header; empty: only for admins and provincial staff logged in.
HEALTH_TOKEN = env.str("HEALTH_TOKEN", default="")
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # invitation and reset links live three days
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)

# --- Internationalisation: Bahasa Indonesia first, English selectable ---------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static files: everything is served by the portal, nothing from a CDN -----------------------
STATIC_URL = "/static/"
# An empty value in .env means the default.
STATIC_ROOT = env.str("STATIC_ROOT", default="") or str(BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default="") or str(BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "portal.core.staticfiles.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail --------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")

# --- Uploads: every request body and uploaded file is read in bounded memory and time ---------
# Django keeps a request body of up to DATA_UPLOAD_MAX_MEMORY_SIZE (forms, JSON) in memory and
# refuses a larger one; uploaded files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file.
# A request carrying files may not exceed UPLOAD_MAX_MB in all (portal.core.uploads refuses it
# before reading it: 413 with a message). Each kind of upload has its own, smaller limit (photos,
# milestone evidence, imports).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
UPLOAD_MAX_MB = env.int("UPLOAD_MAX_MB", default=25)
FILE_UPLOAD_HANDLERS = [
    "portal.core.uploads.RequestSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Uploaded tables (coverage survey import, CSV or XLSX; portal/core/tables/): file size, rows read
# (blank rows count), columns, characters per cell, and what an XLSX file may unpack to.
IMPORT_MAX_MB = env.int("IMPORT_MAX_MB", default=10)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=500)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=1000)
IMPORT_MAX_UNPACKED_MB = env.int("IMPORT_MAX_UNPACKED_MB", default=50)
# JSON bodies (API) and JSON files (the field form's outbox): deeper nesting is refused with a
# 400 before the JSON is parsed.
JSON_MAX_DEPTH = env.int("JSON_MAX_DEPTH", default=20)

# --- REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON bodies are checked for size and nesting before they are parsed
    # (portal/core/drf/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "portal.core.drf.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "portal.core.drf.permissions.RolePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.core.drf.throttling.TokenRateThrottle",
        "portal.core.drf.throttling.AnonRateThrottle",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "portal.core.drf.filters.StrictFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON only: the browsable API's HTML forms are a development aid (DEBUG=1), not a page for
    # partners. Views that serve GeoJSON declare their renderers themselves.
    "DEFAULT_RENDERER_CLASSES": [
        "portal.core.drf.renderers.JSONRenderer",  # orjson: the same bytes, faster
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "portal.core.drf.negotiation.PortalContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "portal.core.drf.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "portal.core.drf.schema.PortalAutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    # The refusals of services (Django's ValidationError, PermissionDenied) as 400/403 answers.
    "EXCEPTION_HANDLER": "portal.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal Tim Percepatan Ekonomi Digital Desa — Provinsi Bengkulu",
    "DESCRIPTION": (
        "REST API of the Bengkulu village digital economy portal. Registry data: Kemendagri codes "
        "from idn-area-data (ODbL); boundaries from cahyadsn/wilayah_boundaries (MIT)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs describe the API, not its data: partners may read them before they
    # have a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Request and response bodies as separate components: read-only fields are not asked for,
    # and a required text field is declared non-blank (minLength 1) in requests.
    "COMPONENT_SPLIT_REQUEST": True,
    # Error answers (400, 401, 403, 404, 406, 415, 429) of every operation: portal.core.drf.schema.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# API rates (portal/core/drf/throttling.py): N/second|minute|hour|day; up to N at once, then N per
# period. Survey uploads have their own rate, sized to a phone's outbox after a week offline.
API_RATE_PER_TOKEN = env.str("API_RATE_PER_TOKEN", default="2000/hour")
API_RATE_ANONYMOUS = env.str("API_RATE_ANONYMOUS", default="100/hour")
API_RATE_SURVEY_SYNC = env.str("API_RATE_SURVEY_SYNC", default="5000/hour")

# --- The province this portal serves ------------------------------------------------------------
# Kemendagri code of the province (17 Bengkulu, 18 Lampung, …). Its registry rows are what the
# registry pages and search, the dashboard, the kiosk and coverage pages and forms show, and a
# kiosk's or a survey's point must lie inside it. Import its rows with
# `manage.py import_regions DIR --province CODE` (README.md, Registry commands).
PORTAL_PROVINCE = env.str("PORTAL_PROVINCE", default="17")
if not (len(PORTAL_PROVINCE) == 2 and PORTAL_PROVINCE.isascii() and PORTAL_PROVINCE.isdigit()):
    raise ImproperlyConfigured(
        f"PORTAL_PROVINCE must be a two-digit Kemendagri province code, not {PORTAL_PROVINCE!r}."
    )

# --- Maps --------------------------------------------------------------------------------------
# Base tiles come from a configurable URL; the portal's own layers draw without them.
MAP_TILES_URL = env.str("MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env.str(
    "MAP_TILES_ATTRIBUTION", default="&copy; OpenStreetMap contributors"
)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (-3.8, 102.3),
    "DEFAULT_ZOOM": 8,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 18,
    "TILES": [(_("Base map"), MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION})]
    if MAP_TILES_URL
    else [],
    "RESET_VIEW": False,
}

# --- warkop / payments ---------------------------------------------------------------------
# An operational kiosk without a check-in for WARKOP_STALE_DAYS days is marked stale by a daily
# task (beat entry "warkop-mark-stale" above, at WARKOP_STALE_CHECK_TIME, Asia/Jakarta).
WARKOP_STALE_DAYS = env.int("WARKOP_STALE_DAYS", default=14)
# A check-in recorded by a person (page, API) is at most this many days old (and not in the
# future beyond a few minutes of clock skew): warkop.services.check_checkin_time.
CHECKIN_MAX_AGE_DAYS = env.int("CHECKIN_MAX_AGE_DAYS", default=7)
# A service offering nobody has checked for this many days is shown as unverified.
OFFERING_VERIFY_DAYS = env.int("OFFERING_VERIFY_DAYS", default=90)
# Last month's kiosk report is due by this day (the partner home lists those overdue).
MONTHLY_REPORT_DUE_DAY = env.int("MONTHLY_REPORT_DUE_DAY", default=10)
# Uploaded photos: largest size in MB (the content must be a JPEG, PNG or WebP image).
WARKOP_PHOTO_MAX_MB = env.int("WARKOP_PHOTO_MAX_MB", default=5)
# Every uploaded photo (kiosks, check-ins, surveys) is decoded and re-encoded without metadata by
# portal/core/images.py; its declared size is checked before decoding: at most this many pixels
# (Pillow refuses more than about 89 million whatever this says).
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=40_000_000)
# The public service finder: searches per minute per address (anonymous, counted in the cache).
FINDER_RATE_PER_MINUTE = env.int("FINDER_RATE_PER_MINUTE", default=30)
# API schema: one enum name per kiosk choice set.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "WarkopStatusEnum": "warkop.models.WarkopStatus",
        "KioskConnectivityEnum": "warkop.models.Connectivity",
        "CheckInKindEnum": "warkop.models.CheckInKind",
    }
)

# --- programme ---------------------------------------------------------------------------------
# The 100-day programme (portal/programme/); beat entries "programme-*" above.
# A milestone not yet done is "at risk" when its recent trend does not reach the target by its due
# day or, without a trend, when fewer working days than PROGRAMME_AT_RISK_DAYS are left; the trend
# is fitted over the last PROGRAMME_TREND_DAYS working days.
PROGRAMME_AT_RISK_DAYS = env.int("PROGRAMME_AT_RISK_DAYS", default=5)
PROGRAMME_TREND_DAYS = env.int("PROGRAMME_TREND_DAYS", default=10)
# Without a trend, a metric is at risk when its progress is more than this many percentage points
# behind the share of its window already spent (docs/programme-status.md).
PROGRAMME_STATUS_TOLERANCE = env.int("PROGRAMME_STATUS_TOLERANCE", default=10)
# Start date of the default programme seeded by the migration (YYYY-MM-DD; empty: the day of
# the migration). Staff change it on the programme page.
PROGRAMME_DEFAULT_START = env.str("PROGRAMME_DEFAULT_START", default="")
# Largest evidence document of a milestone (MB); a request is limited to UPLOAD_MAX_MB in all.
PROGRAMME_EVIDENCE_MAX_MB = env.int("PROGRAMME_EVIDENCE_MAX_MB", default=20)
# Where django.core.mail.backends.filebased.EmailBackend writes mails (tests read them there).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default="") or str(BASE_DIR / "var" / "mail")
# The portal's address, for links in e-mails sent by Celery tasks (no request to build them from).
# Empty: the local development server on PORT (`make run` exports it in step with PORT).
_port = env.int("PORT", default=8000)
PORTAL_URL = env.str("PORTAL_URL", default="") or f"http://127.0.0.1:{_port}"

# --- coverage ----------------------------------------------------------------------------------
# Coverage surveys (coverage/): the connectivity thresholds are rules written in
# docs/connectivity.md and live in coverage/selectors.py. A survey point farther than
# SURVEY_LOCATION_TOLERANCE_M metres outside its village's boundary is flagged, and counts only
# once a supervisor confirms the location (docs/connectivity.md). Surveys per imported file
# (CSV/XLSX rows or outbox items; the file itself is bounded by the IMPORT_* settings above).
# API schema: one enum name for the technology choices (a measurement's technology and a
# survey's best signal).
SURVEY_LOCATION_TOLERANCE_M = env.int("SURVEY_LOCATION_TOLERANCE_M", default=500)
COVERAGE_IMPORT_MAX_SURVEYS = env.int("COVERAGE_IMPORT_MAX_SURVEYS", default=5000)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "CoverageTechnologyEnum": "coverage.models.Technology",
        # a survey's review state and a supervisor's decision are two enums of their own (one
        # name for both hid "pending" from the survey's)
        "SurveyReviewStatusEnum": "coverage.models.ReviewStatus",
        "ReviewDecisionEnum": [("verified", "verified"), ("rejected", "rejected")],
    }
)

# --- Audit trail (django-pghistory: database triggers, so QuerySet.update() is recorded too) -----
PGHISTORY_DEFAULT_TRACKERS = None
# Statement-level triggers: one INSERT into the event table per statement, so bulk imports and
# QuerySet.update() stay fast while every row is still recorded.
PGHISTORY_LEVEL = pgtrigger.Statement
# Event rows are read by object (pgh_obj) and context; their copies of foreign keys need no index.
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=True)
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # container health checks speak plain HTTP
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)


def _tile_origin(url: str) -> list[str]:
    """The origin of the base-map tile URL, for the CSP (`{s}` subdomains become a wildcard)."""
    if not url.startswith(("http://", "https://")):
        return []
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return [f"{scheme}://{host}"]


# Content-Security-Policy: the portal's pages load only their own scripts and styles; no inline
# scripts anywhere (page data travels in data-* attributes and json_script blocks).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_tile_origin(MAP_TILES_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Debian 12 ships GDAL 3.6, which cannot block file/network access while parsing a spatial
# reference (gis.W001). The portal never hands user-supplied spatial-reference text to GDAL: every
# geometry is built with a fixed SRID (4326) and GeoJSON `crs` members are compared as strings,
# never parsed. So the warning is silenced, and only while GDAL is older than 3.9.
try:
    from django.contrib.gis.gdal import GDAL_VERSION

    SILENCED_SYSTEM_CHECKS = ["gis.W001"] if GDAL_VERSION < (3, 9) else []
except Exception:  # pragma: no cover - GDAL missing: Django itself reports it
    SILENCED_SYSTEM_CHECKS = []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
