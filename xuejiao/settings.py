"""Xuejiao settings, configured by environment variables.

SQLite under var/ when nothing is set, so that `make run` works on a fresh machine;
PostgreSQL by setting DATABASE_URL=postgres://user:pass@host/dbname.
"""

import os
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Accept only "True" or "False", so a typo never silently flips a switch."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value not in ("True", "False"):
        raise ValueError(f"{name} must be True or False, not {value!r}")
    return value == "True"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_date_range(name: str, default: str) -> tuple[date, date]:
    """Two ISO dates separated by a comma, the first not after the second."""
    value = os.environ.get(name, default)
    try:
        first, last = (date.fromisoformat(part.strip()) for part in value.split(","))
    except ValueError:
        raise ValueError(f"{name} must be two dates such as 2000-01-01,2100-12-31, not {value!r}") from None
    if first > last:
        raise ValueError(f"{name} ends before it starts: {value!r}")
    return first, last


DEBUG = env_bool("DEBUG", False)
# The key signs sessions and the sign-in addresses printed in QR codes: a key anyone can read
# in this file would let them forge those for any record. Only a development run (DEBUG)
# falls back to a fixed key; the tests get theirs from pyproject.toml (pytest-env).
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (docs/deploy.md, section 3), e.g. "
            "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=True for a development run."
        )
    SECRET_KEY = "dev-only-insecure-key-never-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# How many reverse proxies in front of the app append to X-Forwarded-For. 0 means the
# app faces clients directly and the header is ignored (it could be forged).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "axes",
    # django-ninja's own templates and static files: the API docs page then loads Swagger UI
    # from our static files instead of a CDN the intranet cannot reach.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "xuejiao.core",
    "xuejiao.audit",
    "xuejiao.orgs",
    "xuejiao.accounts",
    "xuejiao.notify",
    "xuejiao.campaigns",
    "xuejiao.ledger",
    "xuejiao.api",
    "xuejiao.ops",
    "xuejiao.demo",
    "xuejiao.sheets",
    "xuejiao.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xuejiao.accounts.idle.IdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xuejiao.accounts.middleware.ForcePasswordChangeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xuejiao.urls"
WSGI_APPLICATION = "xuejiao.wsgi.application"

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
                "xuejiao.home.context_processors.navigation",
                "xuejiao.home.context_processors.notices",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'xuejiao.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while a writer commits; busy timeout instead of "database is locked".
    # A page cache of up to 256 MB per connection (SQLite's default is 2 MB; pages are held
    # only once read): an import into a ledger of 2,000,000 records touches index pages all
    # over the file, and took 13.7 s instead of 11.5 s for 100,000 rows with the default.
    # Transactions take the write lock when they begin (BEGIN IMMEDIATE): a transaction that
    # read first and then writes would otherwise fail at once with "database is locked" when
    # another connection wrote in between, whatever the busy timeout.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "xuejiao.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "xuejiao.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session lives 30 minutes, renewed while it is used (at most once a
# minute, by IdleTimeoutMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS. Off by default, so that a demo or an intranet server without a certificate works;
# the production environment of docs/deploy.md switches each one on and `manage.py check
# --deploy` names any that are missing.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# A monitor on the server itself asks gunicorn directly, without the proxy's header.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind nginx the app sees plain HTTP; the proxy says in this header (X-Forwarded-Proto)
# whether the client used HTTPS. Only set it when the proxy always sets or overwrites the
# header, or a client could claim HTTPS.
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
# Browsers then refuse plain HTTP to this host (and its subdomains) for that many seconds:
# start small (3600), raise to a year (31536000) once HTTPS works everywhere.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# Lockout: 5 failures lock that username from that address for 15 minutes. Never the IP
# alone: a whole office behind one NAT address must not lock itself out.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "xuejiao.core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "xuejiao.accounts.views.account.locked_out"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
# WhiteNoise reads STATIC_ROOT at start-up and warns when it is missing (before collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# In production `collectstatic` writes every static file under a name that carries a hash of
# its content, with a gzip copy beside it: WhiteNoise then serves them compressed and cached
# for ten years, and a new version is a new name. A development run (DEBUG) and the tests
# serve the sources as they are, without collectstatic.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Evidence attached to ledger records (photos, sign-in sheets, minutes, audio, video) is
# stored outside MEDIA_ROOT and served only by a scoped view, never by a public URL.
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", BASE_DIR / "var" / "evidence"))
MB = 1024 * 1024
EVIDENCE_MAX_IMAGE_BYTES = env_int("EVIDENCE_MAX_IMAGE_BYTES", 10 * MB)
EVIDENCE_MAX_PDF_BYTES = env_int("EVIDENCE_MAX_PDF_BYTES", 20 * MB)
EVIDENCE_MAX_AUDIO_BYTES = env_int("EVIDENCE_MAX_AUDIO_BYTES", 50 * MB)
EVIDENCE_MAX_VIDEO_BYTES = env_int("EVIDENCE_MAX_VIDEO_BYTES", 200 * MB)

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

PAGE_SIZE = 20

# Every date entered (forms, API filters and records) must lie in this range: a year 9999
# or 0001 is a typing mistake, and at the calendar's edges a day cannot be added.
PLAUSIBLE_DATE_RANGE = env_date_range("PLAUSIBLE_DATE_RANGE", "2000-01-01,2100-12-31")

# A shared cache (rate limits of the QR sign-in page, for one) must be shared by every
# worker process in production: set REDIS_URL=redis://127.0.0.1:6379/0. Without it each
# process keeps its own in-memory cache, which is right for one process only.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

# Background work (imports, exports, reports) runs through django-tasks. The database
# backend needs a worker process: `manage.py db_worker`. Setting
# TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs tasks inside the
# request instead (tests; a demo without a worker).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

SITE_NAME = _("Xuejiao")
