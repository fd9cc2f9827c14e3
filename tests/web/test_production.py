"""Production settings and health: HSTS, the trusted proxy header, /healthz on a read-only
database, over-long URLs answered in the API's shape."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]


def settings_with(**env: str) -> dict[str, str]:
    """Some settings of a fresh process started with `env` (settings are read at start)."""
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.SECURE_HSTS_SECONDS, "
        "list(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None) or [])]))"
    )
    full = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bitgoeul.settings",
        "BITGOEUL_SECRET_KEY": "x" * 40,
        "PYTHONPATH": str(ROOT),
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, check=True
    )
    import json

    hsts, header = json.loads(out.stdout)
    return {"hsts": str(hsts), "header": ",".join(header)}


def test_hsts_is_on_for_https_and_the_proxy_header_is_configurable(tmp_path: Path) -> None:
    var = {"BITGOEUL_VAR_DIR": str(tmp_path)}
    assert settings_with(BITGOEUL_BASE_URL="http://127.0.0.1:8000", **var) == {
        "hsts": "0",
        "header": "",
    }
    assert settings_with(
        BITGOEUL_BASE_URL="https://bitgoeul.kr",
        BITGOEUL_PROXY_SSL_HEADER="X-Forwarded-Proto",
        **var,
    ) == {"hsts": "31536000", "header": "HTTP_X_FORWARDED_PROTO,https"}
    assert settings_with(
        BITGOEUL_BASE_URL="https://bitgoeul.kr", BITGOEUL_HSTS_SECONDS="0", **var
    ) == {"hsts": "0", "header": ""}


@pytest.mark.django_db
@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), SECURE_HSTS_SECONDS=3600
)
def test_behind_the_proxy_requests_are_secure_and_get_hsts(client: Client) -> None:
    response = client.get("/livez", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=3600"
    assert "Strict-Transport-Security" not in client.get("/livez").headers


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_a_read_only_database(client: Client) -> None:
    assert client.get("/healthz").json()["database"] == "ok"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET default_transaction_read_only = on")
        else:
            cursor.execute("PRAGMA query_only = 1")
    try:
        response = client.get("/healthz")
        assert (response.status_code, response.json()["database"]) == (503, "read-only")
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET default_transaction_read_only = off")
            else:
                cursor.execute("PRAGMA query_only = 0")


@pytest.mark.django_db
def test_an_over_long_api_url_gets_the_api_error_shape(client: Client) -> None:
    response = client.get("/api/v1/companies", {"q": "가" * 10_000})
    assert (response.status_code, response.json()["error"]["code"]) == (414, "uri_too_long")
    page = client.get("/companies/", {"q": "a" * 10_000})
    assert page.status_code == 414
    assert client.get("/api/v1/companies", {"q": "AI"}).status_code != 414
