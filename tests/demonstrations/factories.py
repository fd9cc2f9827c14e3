"""Factories for the demonstrations app. They write rows directly (fixtures for tests of reads,
pages and permissions); tests of a write call the service itself."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.models import Organization, User
from bitgoeul.companies.models import Company
from bitgoeul.demonstrations.enums import Direction, Domain, ProjectState, SiteKind
from bitgoeul.demonstrations.models import Kpi, Measurement, Project, ProjectPhoto, Site
from bitgoeul.demonstrations.search_index import project_terms
from tests.companies.helpers import company_record
from tests.factories import MembershipFactory, OrganizationFactory

# the smallest valid PNG (1×1, transparent)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class SiteFactory(factory.django.DjangoModelFactory[Site]):
    class Meta:
        model = Site

    host = factory.SubFactory(
        OrganizationFactory, name="전남대학교병원", kind=OrganizationKind.INSTITUTION
    )
    name = factory.Sequence(lambda n: f"응급 관찰병동 {n}")
    kind = SiteKind.HOSPITAL_WARD
    domain = Domain.HEALTHCARE


def host_staff(site: Site) -> User:
    return MembershipFactory.create(organization=site.host, role=MembershipRole.STAFF).user


def make_project(
    company: Organization | Company,
    *,
    site: Site | None = None,
    state: str = ProjectState.DRAFT,
    public: bool = False,
    kpis: int = 1,
    **fields: Any,
) -> Project:
    """A project of `company` (an organisation or its record) in `state`, with `kpis` KPIs;
    both approvals recorded when the state is past approval."""
    record = company if isinstance(company, Company) else company_record(company)
    today = timezone.localdate()
    now = timezone.now()
    approved = state in (ProjectState.APPROVED, ProjectState.REPORTED, ProjectState.CLOSED)
    values: dict[str, Any] = {
        "title": "흉부 X선 판독 보조 AI 실증",
        "title_en": "Chest X-ray reading assistant",
        "domain": Domain.HEALTHCARE,
        "product": "흉부 X선 판독 보조 소프트웨어",
        "goal": "응급실 판독 대기 시간을 줄입니다.",
        "starts_on": today - dt.timedelta(days=30),
        "ends_on": today + dt.timedelta(days=60),
        "state": state,
        "is_public": public,
        "story": "AI가 흉부 X선을 먼저 읽었습니다." if public else "",
        "host_approved_at": now if approved else None,
        "operator_approved_at": now if approved else None,
        **fields,
    }
    project = Project.objects.create(company=record, site=site or SiteFactory.create(), **values)
    project = Project.objects.select_related("company__organization", "site").get(pk=project.pk)
    project.search_terms = project_terms(project)
    project.save(update_fields=["search_terms"])
    for n in range(kpis):
        Kpi.objects.create(
            project=project,
            name=f"판독 정확도 {n}" if n else "판독 정확도",
            name_en=f"Reading accuracy {n}" if n else "Reading accuracy",
            unit="%",
            target=Decimal(95),
            direction=Direction.HIGHER,
            position=n,
        )
    return project


def measure(kpi: Kpi, value: str, days_ago: int = 1) -> Measurement:
    return Measurement.objects.create(
        kpi=kpi,
        measured_on=timezone.localdate() - dt.timedelta(days=days_ago),
        value=Decimal(value),
        source="form",
    )


def add_photo(project: Project) -> ProjectPhoto:
    photo = ProjectPhoto(project=project, content_type="image/png", caption="관찰병동 판독실")
    photo.file.save("ward.png", ContentFile(PNG), save=False)
    photo.save()
    return photo


def add_report(project: Project) -> Project:
    project.report_summary = "목표를 달성했습니다."
    project.report_file.save("report.pdf", ContentFile(PDF), save=False)
    project.reported_at = timezone.now()
    project.save()
    return project


def xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
