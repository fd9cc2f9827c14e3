"""Read settings from the environment, failing loudly on values that make no sense.

Every helper takes the variable name and a default; `*_FILE` variants (for secrets mounted as
files) are honoured by `env_str`, so `BITGOEUL_SECRET_KEY_FILE=/run/secrets/key` works.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


class ConfigError(Exception):
    """A setting has a value Bitgoeul cannot use; the message says which and why."""


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable's value, or the contents of the file named by `NAME_FILE`, or `default`."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean: use true or false")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from exc
    if value < minimum:
        raise ConfigError(f"{name}={value} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def env_networks(name: str, default: list[str]) -> list[IPNetwork]:
    """Comma-separated addresses or CIDR networks (`10.0.0.5, 172.16.0.0/12, ::1`)."""
    networks = []
    for item in env_list(name, default):
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError as exc:
            raise ConfigError(
                f"{name}: {item!r} is not an IP address or network (like 10.0.0.0/8): {exc}"
            ) from exc
    return networks


def env_header(name: str, default: str) -> str:
    """An HTTP request header's name, as a WSGI environ key (`X-Forwarded-For` becomes
    `HTTP_X_FORWARDED_FOR`)."""
    raw = (env_str(name, default) or "").strip()
    if not raw or not all(c.isalnum() or c == "-" for c in raw):
        raise ConfigError(f"{name}={raw!r} is not an HTTP header name, like X-Forwarded-For")
    return "HTTP_" + raw.upper().replace("-", "_")


def database_from_url(url: str, *, base_dir: Path) -> dict[str, Any]:
    """Django DATABASES entry for `sqlite:///path` or `postgres://user:pass@host:port/name`."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        if not url.startswith("sqlite:///"):
            raise ConfigError(
                "DATABASE_URL for SQLite is sqlite:///relative/path or sqlite:////abs"
            )
        path = unquote(url[len("sqlite:///") :])  # sqlite:////abs/db is absolute
        db_path = Path(path) if path.startswith("/") else base_dir / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(db_path),
            # Keep the connection: opening SQLite and running the PRAGMAs costs more than
            # most queries do.
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if parts.scheme in {"postgres", "postgresql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ConfigError("DATABASE_URL must name the database: postgres://user@host/NAME")
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ConfigError(
        f"DATABASE_URL scheme {parts.scheme!r} is not supported: use sqlite:/// or postgres://"
    )


@dataclass(frozen=True)
class EmailConfig:
    backend: str
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False


def email_from_url(url: str) -> EmailConfig:
    """`console://` (default), `smtp://user:pass@host:587?tls=true`, `smtps://…`, `memory://`."""
    parts = urlsplit(url)
    query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    if parts.scheme == "console":
        return EmailConfig("django.core.mail.backends.console.EmailBackend")
    if parts.scheme == "memory":
        return EmailConfig("django.core.mail.backends.locmem.EmailBackend")
    if parts.scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ConfigError("EMAIL_URL must name the SMTP host: smtp://user:pass@HOST:587")
        ssl = parts.scheme == "smtps"
        return EmailConfig(
            "django.core.mail.backends.smtp.EmailBackend",
            host=parts.hostname,
            port=parts.port or (465 if ssl else 587),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            use_tls=not ssl and query.get("tls", "true") in {"1", "true", "yes"},
            use_ssl=ssl,
        )
    raise ConfigError(
        f"EMAIL_URL scheme {parts.scheme!r} is not supported: use console://, smtp:// or smtps://"
    )
