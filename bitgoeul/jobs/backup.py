"""`bitgoeul backup FILE` and `bitgoeul restore FILE`: the database and the uploaded files in one
archive, with a manifest of row counts per table and a SHA-256 checksum of every file.

Archive (a gzip'd tar): `manifest.json`, `database.sqlite3` (SQLite's online backup API, a
consistent copy while the site runs) or `database.dump` (`pg_dump -Fc` on PostgreSQL, taken in
the same snapshot the row counts are read from), and `media/…` (MEDIA_ROOT). The database is
copied first and the files after it: files are only ever added while the site runs, so every
file a row names is in the archive (a file uploaded meanwhile is there too, unused).

Restore checks every checksum and the manifest before it changes anything, then replaces the
database and MEDIA_ROOT, and checks the restored row counts against the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why."""


@dataclass
class Manifest:
    vendor: str
    created_at: str
    tables: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # archive path -> sha256
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=1, sort_keys=True, ensure_ascii=False)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables(using: str) -> list[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor, include_views=False))


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return sorted(row[0] for row in cursor.fetchall())


def _counts(cursor: Any, tables: list[str], quote: Any) -> dict[str, int]:
    counts = {}
    for table in tables:
        # names come from the database's own catalogue, quoted
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, "media/" + path.relative_to(root).as_posix()


def backup_write(archive: Path, *, using: str = "default") -> Manifest:
    """Write a backup of the database and MEDIA_ROOT to `archive` (replaced only when whole)."""
    connection = connections[using]
    manifest = Manifest(vendor=connection.vendor, created_at=dt.datetime.now(dt.UTC).isoformat())
    with tempfile.TemporaryDirectory(prefix="bitgoeul-backup-") as work:
        folder = Path(work)
        if connection.vendor == "sqlite":
            name = "database.sqlite3"
            _sqlite_backup(using, folder / name)
            copy = sqlite3.connect(folder / name)
            try:
                cursor = copy.cursor()
                manifest.tables = _counts(cursor, _sqlite_tables(cursor), lambda t: f'"{t}"')
            finally:
                copy.close()
        elif connection.vendor == "postgresql":
            name = "database.dump"
            manifest.tables = _postgres_dump(using, folder / name)
        else:
            raise BackupError(f"backups of {connection.vendor} databases are not supported")
        manifest.files[name] = sha256(folder / name)
        media = [(path, arcname) for path, arcname in _media_files(Path(settings.MEDIA_ROOT))]
        for path, arcname in media:
            manifest.files[arcname] = sha256(path)
        (folder / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".part")
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(folder / MANIFEST, arcname=MANIFEST)
            tar.add(folder / name, arcname=name)
            for path, arcname in media:
                tar.add(path, arcname=arcname)
        partial.replace(archive)
    return manifest


def _sqlite_backup(using: str, target: Path) -> None:
    connection = connections[using]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # pages are copied in steps; a write meanwhile restarts the copy, so it is consistent
        connection.connection.backup(destination, pages=1024)
    finally:
        destination.close()


def _pg_env(using: str) -> tuple[list[str], dict[str, str]]:
    conf = connections[using].settings_dict
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    sslmode = (conf.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if conf.get(key):
            args += [flag, str(conf[key])]
    return [*args, "--dbname", str(conf["NAME"])], env


def _postgres_dump(using: str, target: Path) -> dict[str, int]:
    """pg_dump in the snapshot the counts are read from (so the manifest matches the dump)."""
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (PostgreSQL client programs are needed)")
    connection = connections[using]
    tables = _tables(using)
    args, env = _pg_env(using)
    with connection.cursor() as cursor:
        previous = connection.get_autocommit()
        connection.set_autocommit(False)
        try:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _counts(cursor, tables, connection.ops.quote_name)
            done = subprocess.run(  # nosec B607  # the server's pg_dump from PATH, as operators run it
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(target),
                    *args,
                ],
                env=env,
                capture_output=True,
                text=True,
            )
        finally:
            connection.rollback()
            connection.set_autocommit(previous)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return counts


@contextmanager
def _checked(archive: Path) -> Iterator[tuple[Manifest, Path]]:
    """The archive unpacked into a temporary folder, every file checked against the manifest."""
    with tempfile.TemporaryDirectory(prefix="bitgoeul-restore-") as work:
        folder = Path(work)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(folder, filter="data")  # refuses absolute paths, links out, ..
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            manifest = Manifest(**data)
        except (OSError, tarfile.TarError, EOFError, ValueError, TypeError) as exc:
            raise BackupError(f"{archive} is not a readable Bitgoeul backup: {exc}") from exc
        if manifest.format != FORMAT:
            raise BackupError(f"{archive} has backup format {manifest.format}, not {FORMAT}")
        present = {
            path.relative_to(folder).as_posix()
            for path in folder.rglob("*")
            if path.is_file() and path.name != MANIFEST
        }
        if present != set(manifest.files):
            missing = sorted(set(manifest.files) - present)
            extra = sorted(present - set(manifest.files))
            raise BackupError(f"{archive} is damaged: missing {missing}, unexpected {extra}")
        for name, checksum in manifest.files.items():
            if sha256(folder / name) != checksum:
                raise BackupError(f"{archive} is damaged: {name} does not match its checksum")
        yield manifest, folder


def backup_check(archive: Path) -> Manifest:
    with _checked(archive) as (manifest, _folder):
        return manifest


def backup_restore(archive: Path, *, using: str = "default") -> Manifest:
    """Replace the database and MEDIA_ROOT with the archive's (checked first; nothing is changed
    when the archive is damaged). Stop the web servers and workers before."""
    connection = connections[using]
    with _checked(archive) as (manifest, folder):
        if manifest.vendor != connection.vendor:
            raise BackupError(
                f"{archive} holds a {manifest.vendor} database; this site uses {connection.vendor}"
            )
        if connection.vendor == "sqlite":
            source = sqlite3.connect(folder / "database.sqlite3")
            try:
                connection.ensure_connection()
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            _postgres_restore(using, folder / "database.dump")
        _media_replace(folder / "media", Path(settings.MEDIA_ROOT))
        with connection.cursor() as cursor:
            tables = _sqlite_tables(cursor) if connection.vendor == "sqlite" else _tables(using)
            restored = _counts(cursor, tables, connection.ops.quote_name)
        if restored != manifest.tables:
            raise BackupError("the restored row counts differ from the manifest")
    return manifest


def _postgres_restore(using: str, dump: Path) -> None:
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed (PostgreSQL client programs are needed)")
    connections[using].close()
    args, env = _pg_env(using)
    done = subprocess.run(  # nosec B607  # the server's pg_restore from PATH, as operators run it
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            str(dump),
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def _media_replace(source: Path, root: Path) -> None:
    """MEDIA_ROOT becomes the archive's files: the new folder is moved in whole, the old one
    removed after."""
    root.parent.mkdir(parents=True, exist_ok=True)
    incoming = root.with_name(root.name + ".restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, incoming)
    else:
        incoming.mkdir()
    old = root.with_name(root.name + ".before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if root.exists():
        root.rename(old)
    incoming.rename(root)
    shutil.rmtree(old, ignore_errors=True)
