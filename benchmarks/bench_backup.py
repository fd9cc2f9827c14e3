"""Backup and restore (issue 9): `bitgoeul backup` / `restore` on SQLite against the plainest
consistent copy an operator could make by hand in the same run — SQLite's online backup API
into a file plus a gzip tar of the database copy and the uploads — with no manifest, checksums or
count check. The database holds N audit events (the table that grows fastest) and an upload.

    python -m benchmarks.bench_backup [--events 200000] [--upload-mb 20]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tarfile
import tempfile
import time
from pathlib import Path

from benchmarks.report import write_section


def _setup(var_dir: Path) -> None:
    os.environ.update(
        BITGOEUL_VAR_DIR=str(var_dir),
        BITGOEUL_DEMO="true",
        DJANGO_SETTINGS_MODULE="bitgoeul.settings",
        BITGOEUL_LOG_LEVEL="WARNING",
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(events: int, upload_mb: int) -> None:
    from django.conf import settings
    from django.db import transaction

    from bitgoeul.audit.models import AuditEvent

    batch = [
        AuditEvent(
            action="company.update",
            object_type="companies.company",
            object_id=str(i),
            before={"representative": f"대표{i}"},
            after={"representative": f"대표{i + 1}"},
        )
        for i in range(events)
    ]
    with transaction.atomic():
        AuditEvent.objects.bulk_create(batch, batch_size=5000)
    media = Path(settings.MEDIA_ROOT) / "imports"
    media.mkdir(parents=True, exist_ok=True)
    (media / "upload.xlsx").write_bytes(os.urandom(upload_mb * 1024 * 1024))


def _baseline(work: Path) -> float:
    """The online backup API into a file, then a gzip tar of it and the uploads."""
    from django.conf import settings
    from django.db import connection

    start = time.perf_counter()
    copy_path = work / "plain.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy_path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    with tarfile.open(work / "plain.tar.gz", "w:gz", compresslevel=6) as tar:
        tar.add(copy_path, arcname="database.sqlite3")
        tar.add(settings.MEDIA_ROOT, arcname="media")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--upload-mb", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bitgoeul-bench-backup-") as tmp:
        work = Path(tmp)
        _setup(work / "var")
        _fill(args.events, args.upload_mb)
        from bitgoeul.jobs.backup import backup_restore, backup_write

        baseline = _baseline(work)
        start = time.perf_counter()
        manifest = backup_write(work / "bitgoeul.tar.gz")
        backup_s = time.perf_counter() - start
        start = time.perf_counter()
        backup_restore(work / "bitgoeul.tar.gz")
        restore_s = time.perf_counter() - start
        size = (work / "bitgoeul.tar.gz").stat().st_size / 1e6
        plain = (work / "plain.tar.gz").stat().st_size / 1e6
        database = Path(os.environ["BITGOEUL_VAR_DIR"]) / "bitgoeul.sqlite3"
        db_mb = database.stat().st_size / 1e6 if database.exists() else 0.0
    rows = sum(manifest.tables.values())
    body = (
        f"SQLite database of {db_mb:.0f} MB ({args.events:,} audit events, {rows:,} rows in all) "
        f"and a {args.upload_mb} MB upload.\n\n"
        "| | seconds | archive (MB) |\n| --- | ---: | ---: |\n"
        f"| baseline: online backup API + gzip tar, no manifest or checks | {baseline:.1f} "
        f"| {plain:.1f} |\n"
        f"| `bitgoeul backup` (manifest: row counts, SHA-256 of every file) | {backup_s:.1f} "
        f"| {size:.1f} |\n"
        f"| `bitgoeul restore` (checksums checked first, counts compared after) "
        f"| {restore_s:.1f} | |\n\n"
        f"`backup` costs {backup_s / baseline:.2f}× the baseline: the checksums and the count "
        "of every table are what let `restore` refuse a damaged archive and prove the copy whole."
    )
    write_section("backup", "Backup and restore", body)
    print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
