"""Bitgoeul settings: read from the environment only (see README, "Configuration")."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from bitgoeul.env import (
    ConfigError,
    database_from_url,
    email_from_url,
    env_bool,
    env_header,
    env_int,
    env_list,
    env_networks,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(env_str("BITGOEUL_VAR_DIR", str(BASE_DIR / "var")) or "var")

DEBUG = env_bool("BITGOEUL_DEBUG", False)
# Demo mode (`bitgoeul serve --demo`, tests): a secret key is generated into var/ when missing.
DEMO = env_bool("BITGOEUL_DEMO", False)


def _secret_key() -> str:
    key = env_str("BITGOEUL_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ConfigError("BITGOEUL_SECRET_KEY must be at least 32 characters long")
        return key
    if not (DEMO or DEBUG):
        raise ConfigError(
            "BITGOEUL_SECRET_KEY (or BITGOEUL_SECRET_KEY_FILE) is required in production; "
            "use `bitgoeul serve --demo` to try Bitgoeul with a generated key"
        )
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("BITGOEUL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
BASE_URL = (env_str("BITGOEUL_BASE_URL", "http://127.0.0.1:8000") or "").rstrip("/")
CSRF_TRUSTED_ORIGINS = [BASE_URL]
CSRF_FAILURE_VIEW = "bitgoeul.web.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "bitgoeul.accounts",
    "bitgoeul.audit",
    "bitgoeul.jobs",
    "bitgoeul.notifications",
    "bitgoeul.companies",
    "bitgoeul.programs",
    "bitgoeul.equipment",
    "bitgoeul.demonstrations",
    "bitgoeul.promotion",
    "bitgoeul.matchmaking",
    "bitgoeul.compute",
    "bitgoeul.web",
]

MIDDLEWARE = [
    "bitgoeul.web.middleware.RequestIdMiddleware",
    "bitgoeul.web.middleware.ApiErrorShapeMiddleware",
    "bitgoeul.web.middleware.QueryStringLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "bitgoeul.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "bitgoeul.accounts.middleware.AuthenticationMiddleware",
    "bitgoeul.accounts.middleware.UserSessionMiddleware",
    "bitgoeul.web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bitgoeul.accounts.middleware.ActiveOrganizationMiddleware",
    "bitgoeul.core.faults.FaultMiddleware",
]

ROOT_URLCONF = "bitgoeul.urls"
WSGI_APPLICATION = "bitgoeul.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bitgoeul.web.context.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bitgoeul.sqlite3'}") or "",
        base_dir=BASE_DIR,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["bitgoeul.accounts.backends.UserBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# Login throttling: this many failures for one e-mail address (four times as many for one
# client address) in the window
LOGIN_FAILURE_LIMIT = env_int("BITGOEUL_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
# The client's address comes from this header only when the request comes from one of these
# proxies (bitgoeul.core.http.client_ip); otherwise the header could be forged by anyone.
TRUSTED_PROXIES = env_networks("BITGOEUL_TRUSTED_PROXIES", [])
PROXY_CLIENT_HEADER = env_header("BITGOEUL_PROXY_HEADER", "X-Forwarded-For")
INVITATION_DAYS = 14

# Sessions live in the database, so logging out ends a session for good (a copied cookie is
# refused) and a user can end their other sessions. Not `cached_db`: the cache is per process
# (LocMemCache), so another worker could go on serving a session that was ended. The read is
# one primary-key lookup, which also reads a signed-in session's user (`session_store`). A
# session expires 12 hours after its last change (the last-seen time is written every few
# minutes, so 12 hours after it was last used).
SESSION_ENGINE = "bitgoeul.accounts.session_store"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# HSTS: browsers keep to https for this long once they have seen the site over https; on by
# default when the site is served over https (0 turns it off).
SECURE_HSTS_SECONDS = env_int(
    "BITGOEUL_HSTS_SECONDS", 31_536_000 if SESSION_COOKIE_SECURE else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BITGOEUL_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
# Behind a TLS proxy: the header the proxy sets to say the request came over https, e.g.
# X-Forwarded-Proto. Only set it when every request passes through that proxy (a client that
# reaches gunicorn directly could send the header itself).
_proxy_ssl_header = env_str("BITGOEUL_PROXY_SSL_HEADER", "") or ""
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.upper().replace("-", "_"),
        "https",
    )
# Query strings longer than this are refused with 414 (the API's JSON shape under /api/v1)
MAX_QUERY_STRING = env_int("BITGOEUL_MAX_QUERY_STRING", 4096, minimum=256)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

_email = email_from_url(env_str("EMAIL_URL", "console://") or "console://")
EMAIL_BACKEND = _email.backend
EMAIL_HOST, EMAIL_PORT = _email.host, _email.port
EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email.user, _email.password
EMAIL_USE_TLS, EMAIL_USE_SSL = _email.use_tls, _email.use_ssl
DEFAULT_FROM_EMAIL = env_str("BITGOEUL_FROM_EMAIL", "Bitgoeul <no-reply@bitgoeul.kr>")

TASKS = {
    "default": {
        "BACKEND": env_str("BITGOEUL_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# /healthz reports the worker as stale when its last heartbeat is older than this
WORKER_HEARTBEAT_STALE_SECONDS = 60
# A running job's worker renews its lease every 15 s; a job whose lease is older than this is
# "worker lost" (retried where its kind allows). Longer than any one transaction of a job.
JOB_LEASE_SECONDS = env_int("BITGOEUL_JOB_LEASE_SECONDS", 120, minimum=30)
# Uploaded tables are read in a child process that may use this much memory beyond the
# interpreter it starts with, for at most this long (companies/importing/isolated.py).
IMPORT_READ_MEMORY_MB = env_int("BITGOEUL_IMPORT_READ_MEMORY_MB", 2048, minimum=16)
IMPORT_READ_SECONDS = env_int("BITGOEUL_IMPORT_READ_SECONDS", 300, minimum=1)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BITGOEUL_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 50

# GPU grants (compute, burn-down and reclaim; docs/compute.md "Burn-down, notices and reclaim"):
# a grant that by mid-period has used less than this share of its pro-rated GPU-hours is warned
# as idle and may be reclaimed; a reclaim leaves the company this share of the part's net
# GPU-hours above what it has used, as a margin for the rest of the month.
COMPUTE_IDLE_SHARE = 0.25
COMPUTE_RECLAIM_MARGIN = 0.10
# Rolling GPU requests between allocation rounds (bitgoeul/compute/services/requests.py): a
# request of at most `max_gpus` GPUs for at most `max_months` months is granted at once when the
# pool has capacity left and the company's rolling grants in each month stay within
# `quota_gpu_hours_per_period` (2,976 = 4 GPUs × 744 hours, a full 31-day month); larger ones
# wait for the next round.
COMPUTE_ROLLING = {"max_gpus": 4, "max_months": 1, "quota_gpu_hours_per_period": 2976}
