"""The task page speaks the task's language: a title and a summary per kind in the viewer's
language, progress in the task's words, the right next step, and no worker talk."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bitgoeul.companies.models import CompanyImport
from bitgoeul.jobs.models import Job, JobStatus
from bitgoeul.jobs.presenting import job_present
from tests.companies.helpers import make_company
from tests.companies.test_import_views import _checked_upload
from tests.conftest import World

pytestmark = pytest.mark.django_db


def job_page(client: Client, job: Job, language: str) -> str:
    client.cookies["django_language"] = language
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    found = re.search(r"<main.*?</main>", html, re.S)
    assert found
    return found.group(0)


def buttons(html: str) -> list[str]:
    """The labels of the page's buttons and button links, in order."""
    return [label.strip() for label in re.findall(r'class="krds-btn[^"]*"[^>]*>([^<]+)<', html)]


def latest(kind: str) -> Job:
    return Job.objects.filter(kind=kind).latest("created_at")


def no_developer_text(html: str) -> None:
    for raw in ("bitgoeul worker", "rows (csv", "created ", "scored ", "wrote ", "결과 내려받기"):
        assert raw not in html


def test_a_dry_run_offers_the_report_and_the_import_of_the_valid_rows(
    world: World, client: Client, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    upload = _checked_upload(client, world, django_capture_on_commit_callbacks)
    job = latest("companies.import")
    report = upload.report
    ko = job_page(client, job, "ko")
    assert "<h1>가져오기 전 점검: 회원사.csv</h1>" in ko
    assert (
        f"2행을 점검했습니다. 새 기업 {report['created']}곳을 등록하고 이미 등록된 기업 "
        f"{report['updated']}곳의 정보를 고칠 수 있습니다. 오류가 있는 {report['rejected']}행은 "
        "제외됩니다."
    ) in ko
    assert buttons(ko) == ["점검 결과 보기", "오류 없는 행 가져오기"]
    assert f'action="{reverse("companies:import_run", args=[upload.pk])}"' in ko
    assert '<input type="hidden" name="skip_invalid" value="on">' in ko
    no_developer_text(ko)
    en = job_page(client, job, "en")
    assert "<h1>Check before import: 회원사.csv</h1>" in en
    assert buttons(en) == ["See the report", "Import the valid rows"]


def test_an_import_opens_the_list(
    world: World, client: Client, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    upload = _checked_upload(client, world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("companies:import_run", args=[upload.pk]), {"skip_invalid": "on"}
        )
    job = latest("companies.import")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED
    upload = CompanyImport.objects.get(pk=upload.pk)
    ko = job_page(client, job, "ko")
    assert "<h1>가져오기: 회원사.csv</h1>" in ko
    assert f"새 기업 {upload.report['created']}곳을 등록하고" in ko
    assert buttons(ko)[:2] == ["기업 목록 열기", "점검 결과 보기"]
    assert reverse("companies:list") in ko
    no_developer_text(ko)
    assert buttons(job_page(client, job, "en"))[:2] == ["Open the company list", "See the report"]


def test_an_export_ends_with_the_download(
    world: World, client: Client, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    make_company("(주)무등비전랩", parent=world.chapter)
    client.force_login(world.chapter_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("companies:export"), {"format": "csv"})
    job = latest("companies.export")
    ko = job_page(client, job, "ko")
    assert "<h1>기업 목록 내보내기(CSV)</h1>" in ko
    assert f"기업 {job.total}곳의 정보를 CSV 파일로 저장했습니다." in ko
    assert buttons(ko) == ["내려받기"]
    assert reverse("jobs:download", args=[job.pk]) in ko
    no_developer_text(ko)
    en = job_page(client, job, "en")
    assert ("<h1>Export of the company list (CSV)</h1>", buttons(en)) == (
        "<h1>Export of the company list (CSV)</h1>",
        ["Download"],
    )


def test_a_download_is_offered_only_for_a_real_file(world: World) -> None:
    job = Job.objects.create(
        owner=world.operator,
        kind="companies.export",
        title="x",
        params={"format": "csv"},
        status=JobStatus.SUCCEEDED,
    )
    assert job_present(job).actions == ()


def test_a_recomputation_opens_the_scoring_page(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    make_company("(주)무등비전랩", parent=world.chapter, employees=5)
    client.force_login(world.operator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("companies:rescore"))
    job = latest("companies.rescore")
    ko = job_page(client, job, "ko")
    assert "<h1>잠재력 점수 다시 계산</h1>" in ko
    assert f"기업 {job.total}곳의 잠재력 점수를 다시 계산했습니다." in ko
    assert buttons(ko) == ["점수 설정 화면 열기"]
    assert reverse("companies:scoring") in ko
    no_developer_text(ko)
    assert buttons(job_page(client, job, "en")) == ["Open the scoring page"]


def test_an_audit_export_ends_with_the_download(
    world: World, client: Client, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.operator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("audit:export"))
    job = latest("audit.export")
    ko = job_page(client, job, "ko")
    assert "<h1>감사 기록 내보내기</h1>" in ko
    assert f"감사 기록 {job.total}건을 CSV 파일로 저장했습니다." in ko
    assert buttons(ko) == ["내려받기"]
    en = job_page(client, job, "en")
    assert ("<h1>Export of the audit trail</h1>" in en, buttons(en)) == (True, ["Download"])


def test_a_running_job_reports_progress_in_the_tasks_words(world: World) -> None:
    job = Job.objects.create(
        owner=world.operator,
        kind="companies.rescore",
        title="x",
        status=JobStatus.RUNNING,
        done=120,
        total=302,
    )
    from django.utils import translation

    with translation.override("ko"):
        assert job_present(job).progress == "기업 302곳 중 120곳 계산"
    with translation.override("en"):
        assert job_present(job).progress == "120 of 302 companies scored"


def test_a_long_queued_job_waits_for_its_turn_without_worker_talk(
    world: World, client: Client
) -> None:
    client.force_login(world.chapter_staff)
    job = Job.objects.create(
        owner=world.chapter_staff,
        kind="companies.export",
        title="x",
        params={"format": "xlsx"},
        created_at=timezone.now() - dt.timedelta(minutes=5),
    )
    ko = job_page(client, job, "ko")
    assert "이 작업은 차례를 기다리고 있습니다." in ko
    assert "worker" not in ko
    fresh = Job.objects.create(
        owner=world.chapter_staff, kind="companies.export", title="x", params={}
    )
    assert "이 작업은 곧 시작됩니다." in job_page(client, fresh, "ko")


def test_operators_may_follow_a_long_wait_to_the_status_page(world: World, client: Client) -> None:
    job = Job.objects.create(
        owner=world.operator,
        kind="companies.rescore",
        title="x",
        created_at=timezone.now() - dt.timedelta(minutes=5),
    )
    client.force_login(world.operator)
    assert reverse("web:status") in job_page(client, job, "ko")
    other = Job.objects.create(
        owner=world.chapter_staff,
        kind="companies.export",
        title="x",
        created_at=timezone.now() - dt.timedelta(minutes=5),
    )
    client.force_login(world.chapter_staff)
    assert reverse("web:status") not in job_page(client, other, "ko")  # main content only
