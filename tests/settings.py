"""Settings for the test suite: the production settings with fast, self-contained parts."""

import os
import tempfile

os.environ.setdefault("BITGOEUL_DEMO", "true")
# Tests write nothing into the repository: the generated secret key, collected static files
# and job side files go to a temporary folder (each test gets its own VAR_DIR, conftest.py).
os.environ.setdefault("BITGOEUL_VAR_DIR", tempfile.mkdtemp(prefix="bitgoeul-tests-"))

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
