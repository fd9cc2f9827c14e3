"""`bitgoeul backup` / `bitgoeul restore`: restored into a fresh database (another process,
another file), counts and rows compared; a damaged archive is refused and changes nothing."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from bitgoeul.accounts.models import User
from bitgoeul.audit.models import AuditEvent
from bitgoeul.audit.services import audit_record
from bitgoeul.jobs.backup import BackupError, backup_check, backup_write
from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def fill(world: World, media_root: Path) -> None:
    with transaction.atomic():
        for n in range(5):
            audit_record(
                actor=world.operator, action="test.backup", obj=world.company, after={"n": n}
            )
    (media_root / "imports").mkdir(parents=True)
    (media_root / "imports" / "회사목록.csv").write_bytes("번호,이름\n1,빛고을\n".encode())
    (media_root / "exports").mkdir()
    (media_root / "exports" / "big.bin").write_bytes(os.urandom(200_000))


def run_cli(*args: str, database: Path, var: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "BITGOEUL_VAR_DIR": str(var),
    }
    return subprocess.run(
        [sys.executable, "-m", "bitgoeul.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite path (PostgreSQL below)")
def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_files(
    world: World, media_root: Path, tmp_path: Path
) -> None:
    fill(world, media_root)
    archive = tmp_path / "backups" / "bitgoeul.tar.gz"
    call_command("backup", str(archive))
    manifest = backup_check(archive)
    assert manifest.tables["accounts_user"] == User.objects.count()
    assert manifest.tables["audit_auditevent"] == AuditEvent.objects.count()
    assert set(manifest.files) == {
        "database.sqlite3",
        "media/imports/회사목록.csv",
        "media/exports/big.bin",
    }

    fresh, var = tmp_path / "fresh.sqlite3", tmp_path / "fresh-var"
    done = run_cli("restore", str(archive), database=fresh, var=var)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(fresh) as restored:
        counts = {
            table: restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in manifest.tables
        }
        emails = [r[0] for r in restored.execute("SELECT email FROM accounts_user ORDER BY id")]
        events = restored.execute(
            "SELECT action, after FROM audit_auditevent WHERE action = 'test.backup' ORDER BY id"
        ).fetchall()
    assert counts == manifest.tables
    assert emails == list(User.objects.order_by("id").values_list("email", flat=True))
    assert [(a, json.loads(after)) for a, after in events] == [
        ("test.backup", {"n": n}) for n in range(5)
    ]
    for name in ("imports/회사목록.csv", "exports/big.bin"):
        assert (var / "media" / name).read_bytes() == (media_root / name).read_bytes()


def damaged_copy(archive: Path, target: Path, member: str) -> None:
    """The archive with one member's bytes changed (the manifest left as it was)."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for info in source.getmembers():
            data = source.extractfile(info).read() if info.isfile() else b""  # type: ignore[union-attr]
            if info.name == member:
                data = data[:-1] + bytes([data[-1] ^ 1])
            out.addfile(info, io.BytesIO(data))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite path (PostgreSQL below)")
def test_restore_refuses_a_damaged_archive_and_changes_nothing(
    world: World, media_root: Path, tmp_path: Path
) -> None:
    fill(world, media_root)
    archive = tmp_path / "good.tar.gz"
    backup_write(archive)
    users = User.objects.count()
    damaged = tmp_path / "damaged.tar.gz"
    damaged_copy(archive, damaged, "media/exports/big.bin")
    with pytest.raises(CommandError, match=r"big\.bin does not match its checksum"):
        call_command("restore", str(damaged))
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[:5000])
    with pytest.raises(BackupError, match="not a readable Bitgoeul backup"):
        backup_check(truncated)
    assert User.objects.count() == users
    assert (media_root / "imports" / "회사목록.csv").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql" or shutil.which("pg_dump") is None,
    reason="needs the suite to run on PostgreSQL with pg_dump/pg_restore installed",
)
def test_postgresql_backup_restores_its_counts(
    world: World, media_root: Path, tmp_path: Path
) -> None:
    fill(world, media_root)
    archive = tmp_path / "pg.tar.gz"
    manifest = backup_write(archive)
    assert manifest.tables["accounts_user"] == User.objects.count()
    User.objects.filter(pk=world.outsider.pk).delete()
    call_command("restore", str(archive))  # checks the restored counts against the manifest
    assert User.objects.filter(pk=world.outsider.pk).exists()
