"""The scheduler names of companies and chapters (docs/compute.md, "Accounts").

A company's Slurm account, Kueue namespace, LocalQueue and ClusterQueue are `co-<number>`; its
chapter's Slurm parent account and Kueue Cohort are `ch-<code>`. Slurm lower-cases names, so
these are lower-case ASCII from the start.
"""

from __future__ import annotations

import re

from bitgoeul.accounts.models import Organization

UNSAFE = re.compile(r"[^a-z0-9-]+")


def company_account(organization: Organization) -> str | None:
    """`co-<사업자등록번호>`; None for a prospect without a number."""
    return f"co-{organization.brn}" if organization.brn else None


def chapter_account(chapter: Organization | None) -> str:
    """`ch-<code>` (the code made safe), `ch-<id>` without one; `ch-none` for no chapter."""
    if chapter is None:
        return "ch-none"
    code = UNSAFE.sub("-", (chapter.code or "").lower().split(":")[-1]).strip("-")
    return f"ch-{code or chapter.pk}"
