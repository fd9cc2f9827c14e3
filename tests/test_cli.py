from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from bitgoeul.accounts.brn import validate_brn
from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Membership, Organization, User
from bitgoeul.audit.models import AuditEvent
from bitgoeul.audit.registry import audit_object_types
from bitgoeul.web.demo import COMPANY_COUNT, load_demo

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_demo_data_is_complete_deterministic_and_safe_to_load_again() -> None:
    load_demo()
    counts = (Organization.objects.count(), User.objects.count(), Membership.objects.count())
    # the generated demo companies (apps' demos add their own, e.g. matchmaking's manufacturer)
    generated = Organization.objects.filter(
        kind=OrganizationKind.COMPANY, code__startswith="company-"
    )
    brns = list(generated.values_list("brn", flat=True))
    load_demo()
    assert (
        Organization.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert len(brns) == COMPANY_COUNT
    for brn in brns:
        validate_brn(brn or "")
    chapters = Organization.objects.filter(kind=OrganizationKind.CHAPTER).values_list(
        "name", flat=True
    )
    assert sorted(chapters) == sorted(
        ["광주전남지회", "경남지회", "대구경북지회", "부산지회", "전북지회", "울산지회", "제주지회"]
    )
    assert User.objects.get(email="reviewer@bitgoeul.kr").reviewer_profile.conflicts.count() == 2
    # Seeded: the same first company on every machine, every time.
    assert Organization.objects.get(code="company-001").name == "(주)한빛에이아이"
    # every kind of object in the demo's audit trail is named on the audit pages (not "record #")
    written = set(AuditEvent.objects.exclude(object_type="").values_list("object_type", flat=True))
    assert {"compute.computerequest", "compute.round"} <= written
    assert sorted(written - set(audit_object_types())) == []


@pytest.mark.django_db
def test_createadmin_makes_an_operator_administrator(tmp_path: Path) -> None:
    password = tmp_path / "pw"
    password.write_text("a-long-admin-password\n")
    out = StringIO()
    call_command(
        "createadmin",
        email="Admin@Gwangju.go.kr",
        name="관리자",
        password_file=str(password),
        stdout=out,
    )
    user = User.objects.get(email="admin@gwangju.go.kr")
    membership = user.memberships.get()
    assert (membership.role, membership.organization.kind) == ("admin", "operator")
    assert user.check_password("a-long-admin-password")
    assert "admin@gwangju.go.kr is an administrator" in out.getvalue()


def test_bitgoeul_command_runs_django_management_commands() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "bitgoeul.cli", "help", "worker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "background-task worker" in result.stdout


@pytest.mark.django_db
def test_migrations_match_the_models() -> None:
    call_command("makemigrations", check=True, dry_run=True, stdout=StringIO())
