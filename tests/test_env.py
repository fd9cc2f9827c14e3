from __future__ import annotations

from pathlib import Path

import pytest

from bitgoeul.env import (
    ConfigError,
    database_from_url,
    email_from_url,
    env_bool,
    env_header,
    env_networks,
    env_str,
)


def test_env_bool_refuses_words_it_does_not_know(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BITGOEUL_DEBUG", "maybe")
    with pytest.raises(ConfigError, match="BITGOEUL_DEBUG='maybe' is not a boolean"):
        env_bool("BITGOEUL_DEBUG", False)


def test_env_str_reads_the_file_variant(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret-from-file\n")
    monkeypatch.setenv("BITGOEUL_SECRET_KEY", "from-env")
    monkeypatch.setenv("BITGOEUL_SECRET_KEY_FILE", str(secret))
    assert env_str("BITGOEUL_SECRET_KEY") == "s3cret-from-file"


def test_env_str_file_variant_that_cannot_be_read_fails_loudly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("X_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="X_FILE="):
        env_str("X")


def test_database_from_url_sqlite_relative_and_absolute(tmp_path: Path) -> None:
    relative = database_from_url("sqlite:///var/db.sqlite3", base_dir=tmp_path)
    absolute = database_from_url("sqlite:////srv/db.sqlite3", base_dir=tmp_path)
    assert (relative["NAME"], absolute["NAME"]) == (
        str(tmp_path / "var/db.sqlite3"),
        "/srv/db.sqlite3",
    )


def test_database_from_url_postgres() -> None:
    db = database_from_url(
        "postgres://bg:p%40ss@db.internal:6543/bitgoeul?sslmode=require", base_dir=Path()
    )
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql",
        "bitgoeul",
        "bg",
        "p@ss",
        "db.internal",
        "6543",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x/y", "scheme 'mysql' is not supported"),
        ("postgres://host/", "must name the database"),
    ],
)
def test_database_from_url_refuses_bad_urls(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        database_from_url(url, base_dir=Path())


def test_email_from_url_smtp_defaults_to_starttls() -> None:
    config = email_from_url("smtp://mailer:pw@smtp.gwangju.go.kr")
    assert (config.host, config.port, config.user, config.use_tls, config.use_ssl) == (
        "smtp.gwangju.go.kr",
        587,
        "mailer",
        True,
        False,
    )


def test_email_from_url_refuses_unknown_scheme() -> None:
    with pytest.raises(ConfigError, match="EMAIL_URL scheme 'pop3'"):
        email_from_url("pop3://x")


def test_env_networks_reads_addresses_and_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BITGOEUL_TRUSTED_PROXIES", "10.0.0.5, 172.16.0.0/12,::1")
    assert [str(n) for n in env_networks("BITGOEUL_TRUSTED_PROXIES", [])] == [
        "10.0.0.5/32",
        "172.16.0.0/12",
        "::1/128",
    ]


@pytest.mark.parametrize("value", ["proxy.local", "10.0.0.1/8", "10.0.0.0/33"])
def test_env_networks_refuses_what_is_not_a_network(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("BITGOEUL_TRUSTED_PROXIES", value)
    with pytest.raises(ConfigError, match="BITGOEUL_TRUSTED_PROXIES"):
        env_networks("BITGOEUL_TRUSTED_PROXIES", [])


def test_env_header_names_the_environ_key(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_header("BITGOEUL_PROXY_HEADER", "X-Forwarded-For") == "HTTP_X_FORWARDED_FOR"
    monkeypatch.setenv("BITGOEUL_PROXY_HEADER", "X-Real-IP: 1")
    with pytest.raises(ConfigError, match="not an HTTP header name"):
        env_header("BITGOEUL_PROXY_HEADER", "X-Forwarded-For")
