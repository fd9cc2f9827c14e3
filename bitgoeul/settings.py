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
    env_int,
    env_list,
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
    "bitgoeul.companies",
    "bitgoeul.web",
]

MIDDLEWARE = [
    "bitgoeul.web.middleware.RequestIdMiddleware",
    "bitgoeul.web.middleware.ApiErrorShapeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "bitgoeul.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bitgoeul.web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bitgoeul.accounts.middleware.ActiveOrganizationMiddleware",
    "bitgoeul.web.middleware.ViewerCacheMiddleware",
]
# GET views whose answers ViewerCacheMiddleware may serve again (see its docstring)
VIEWER_CACHED_VIEWS = {"web:home", "api-1:me"}

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
# Login throttling: this many failures for one e-mail address or client address in the window
LOGIN_FAILURE_LIMIT = env_int("BITGOEUL_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
INVITATION_DAYS = 14

# Sessions live in a signed cookie: no database read on every request, and any number of web
# servers share them. Logging out, deactivating an account or changing the password ends them
# (Django checks the password hash on each request); they also expire after 12 hours.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
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

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BITGOEUL_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 50
