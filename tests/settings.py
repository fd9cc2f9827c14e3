"""Settings for the test suite: the production settings with fast, self-contained parts."""

import os

os.environ.setdefault("BITGOEUL_DEMO", "true")

from bitgoeul.settings import *  # noqa: F403

# Argon2 is deliberately slow; tests that check hashing override this (test_passwords.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
