"""The import wizard's pages and jobs: what a person sees when something goes wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bitgoeul.companies.models import CompanyImport
from bitgoeul.jobs.models import Job
from tests.companies.files import csv_bytes
from tests.conftest import World


def _checked_upload(client: Client, world: World, capture: Any) -> CompanyImport:
    client.force_login(world.operator)
    upload = SimpleUploadedFile("회원사.csv", csv_bytes(), "text/csv")
    client.post(reverse("companies:import_upload"), {"file": upload})
    stored = CompanyImport.objects.get()
    mapping = {f"map-col{i}": stored.mapping[h] for i, h in enumerate(stored.headers)}
    with capture(execute=True):
        client.post(reverse("companies:import_detail", args=[stored.pk]), mapping)
    stored.refresh_from_db()
    return stored


def test_a_failed_import_job_shows_a_translated_message_not_the_exception(
    world: World, client: Client, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    stored = _checked_upload(client, world, django_capture_on_commit_callbacks)
    (media_root / stored.file).unlink()  # the file went missing: an OSError in the worker
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("companies:import_run", args=[stored.pk]))
    job = Job.objects.filter(kind="companies.import").latest("created_at")
    assert job.status == "failed"
    # in the language of the person who uploaded the file (Korean here), with the job's id
    assert job.error == (
        "서버 오류로 가져오기가 멈췄습니다. 저장된 내용은 없습니다. 잠시 뒤 다시 해 보거나 "
        f"운영기관에 알려 주세요(작업 {str(job.pk)[:8]})."
    )
    page = client.get(reverse("jobs:detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="ko")
    assert "No such file" not in page.content.decode()
    stored.refresh_from_db()
    assert stored.state == "failed"
