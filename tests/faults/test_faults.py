"""Faults of the outside world, injected at the boundary (the database refusing writes, the
disk refusing bytes): a clear translated answer, nothing half-saved."""

from __future__ import annotations

import errno
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bitgoeul.companies.models import CompanyImport
from bitgoeul.jobs.enums import JobStatus
from bitgoeul.jobs.models import Job
from bitgoeul.jobs.runner import ERROR_DISK_FULL
from bitgoeul.jobs.services import job_run, job_start
from tests.conftest import World

DISK_FULL = OSError(errno.ENOSPC, "No space left on device")


def korean(message: str) -> str:
    with translation.override("ko"):
        return translation.gettext(message)


@pytest.fixture
def read_only_database() -> Iterator[None]:
    """The database stops taking writes, as during maintenance or after a fail-over."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET default_transaction_read_only = on")
        else:
            cursor.execute("PRAGMA query_only = 1")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET default_transaction_read_only = off")
        else:
            cursor.execute("PRAGMA query_only = 0")


@pytest.mark.django_db(transaction=True)
def test_a_write_to_a_read_only_database_is_answered_clearly_and_saves_nothing(
    client: Client, world: World, request: pytest.FixtureRequest
) -> None:
    client.force_login(world.operator)
    request.getfixturevalue("read_only_database")
    response = client.post(reverse("audit:export"), {"action": "membership"})
    assert response.status_code == 503
    assert (
        korean(
            "The database accepts no changes at the moment (maintenance). Your change "
            "was not saved; please try again later."
        )
        in response.content.decode()
    )
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_a_full_disk_during_an_upload_is_answered_clearly_and_saves_nothing(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: Path, data: bytes) -> int:
        raise DISK_FULL

    monkeypatch.setattr(Path, "write_bytes", full)
    client.force_login(world.operator)
    upload = io.BytesIO("사업자등록번호,회사명\n120-81-47521,빛고을\n".encode())
    upload.name = "list.csv"
    response = client.post(reverse("companies:import_upload"), {"file": upload})
    assert response.status_code == 507
    assert (
        korean(
            "The server has no room left to store files. Nothing was saved; please try again "
            "later or tell the operators."
        )
        in response.content.decode()
    )
    assert CompanyImport.objects.count() == 0


class FillingHandle(io.StringIO):
    """A file on a disk that fills up after a few kilobytes."""

    def write(self, text: str) -> int:
        if self.tell() > 2_000:
            raise DISK_FULL
        return super().write(text)


@pytest.mark.django_db
def test_a_full_disk_during_an_export_fails_the_job_clearly_and_leaves_no_file(
    world: World, media_root: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from bitgoeul.audit.models import AuditEvent

    AuditEvent.objects.bulk_create(
        [AuditEvent(actor=world.operator, action="test.x", object_id=str(n)) for n in range(200)]
    )
    job = job_start(owner=world.operator, kind="audit.export", title="export", params={})
    real_open = Path.open
    partials: list[Path] = []

    def open_on_a_full_disk(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if self.suffix == ".part":
            real_open(self, mode, *args, **kwargs).close()  # the file exists, as it would
            partials.append(self)
            return FillingHandle()
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_on_a_full_disk)
    job_run(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.error, job.result_url) == (JobStatus.FAILED, ERROR_DISK_FULL, "")
    assert korean(ERROR_DISK_FULL) != ERROR_DISK_FULL
    assert len(partials) == 1
    assert list((media_root / "exports").iterdir()) == []
