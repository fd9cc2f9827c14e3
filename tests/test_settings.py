"""Production refuses to start without a secret key; demo mode generates one into var/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BITGOEUL_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-c", "import bitgoeul.settings as s; print(s.SECRET_KEY[:4], s.DEBUG)"],
        env={**base, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _import_settings({"BITGOEUL_VAR_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "BITGOEUL_SECRET_KEY (or BITGOEUL_SECRET_KEY_FILE) is required" in result.stderr


def test_demo_mode_generates_a_secret_key_once(tmp_path: Path) -> None:
    env = {"BITGOEUL_VAR_DIR": str(tmp_path), "BITGOEUL_DEMO": "true"}
    first, second = _import_settings(env), _import_settings(env)
    key = (tmp_path / "secret_key").read_text()
    assert (first.stdout, second.stdout) == (f"{key[:4]} False\n", f"{key[:4]} False\n")
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_short_secret_key_is_refused(tmp_path: Path) -> None:
    result = _import_settings({"BITGOEUL_SECRET_KEY": "short", "BITGOEUL_VAR_DIR": str(tmp_path)})
    assert "at least 32 characters" in result.stderr


def test_bad_boolean_names_the_variable(tmp_path: Path) -> None:
    result = _import_settings({"BITGOEUL_DEBUG": "yes please", "BITGOEUL_VAR_DIR": str(tmp_path)})
    assert "BITGOEUL_DEBUG='yes please' is not a boolean" in result.stderr


def test_production_hashes_passwords_with_argon2(settings) -> None:
    from django.contrib.auth.hashers import make_password

    import bitgoeul.settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert make_password("correct horse battery").startswith("argon2$argon2id$")
