"""The notification kinds the companies app sends, registered from `CompaniesConfig.ready`.

Each kind's `can_see` is the companies access rule for what the notice reveals: a score jump,
a nomination or an application is private company data, so only those who may see the
company's private data get (and later still see) it; chapter staff see it only while the
company consents to share with its chapter.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts import access as accounts_access
from bitgoeul.companies import access
from bitgoeul.companies.enums import NominationState
from bitgoeul.companies.models import Company, Nomination
from bitgoeul.notifications.registry import Kind, kind_register

SCORE_JUMP = "companies.score_jump"
NOMINATED = "companies.nominated"
APPLIED = "companies.applied"
NOMINATION_DECIDED = "companies.nomination_decided"


def _company_link(company: Company) -> str:
    return reverse("companies:detail", args=[company.pk])


def _company_name(company: Company) -> str:
    return company.organization.name


def _score_jump_text(company: Company, params: dict[str, Any]) -> str:
    return _("Potential score moved from %(before).1f to %(after).1f") % {
        "before": params.get("before", 0),
        "after": params.get("after", 0),
    }


def _nominated_text(company: Company, params: dict[str, Any]) -> str:
    return _("Nominated by %(chapter)s") % {"chapter": params.get("chapter", "")}


def _applied_text(company: Company, params: dict[str, Any]) -> str:
    return _("Applied: %(what)s") % {"what": params.get("what", "")}


def _decided_text(nomination: Nomination, params: dict[str, Any]) -> str:
    if params.get("state") == NominationState.ACCEPTED:
        text = _("The cluster accepted your chapter's nomination.")
    else:
        text = _("The cluster declined your chapter's nomination.")
    note = params.get("note", "")
    if not note:
        return text
    return _("%(decision)s Note: %(note)s") % {"decision": text, "note": note}


def can_see_nomination_decision(user: Any, nomination: Nomination) -> bool:
    """The staff of the nominating chapter (and operator staff), as for withdrawing it
    (`access.nomination_for_nominator`); the lead may move this into companies/access.py."""
    return nomination.chapter_id in access.followed_parent_ids(
        user
    ) or accounts_access.is_operator_staff(user)


COMPANY_KINDS = [
    Kind(
        code=SCORE_JUMP,
        label=gettext_lazy("A watched company's potential score changed"),
        model="companies.company",
        text=_score_jump_text,
        link=_company_link,
        title=_company_name,
        can_see=access.can_view_private,
        select_related=("organization",),
    ),
    Kind(
        code=NOMINATED,
        label=gettext_lazy("A watched company was nominated"),
        model="companies.company",
        text=_nominated_text,
        link=_company_link,
        title=_company_name,
        can_see=access.can_view_private,
        select_related=("organization",),
    ),
    Kind(
        code=APPLIED,
        label=gettext_lazy("A watched company applied for something"),
        model="companies.company",
        text=_applied_text,
        link=_company_link,
        title=_company_name,
        can_see=access.can_view_private,
        select_related=("organization",),
    ),
    Kind(
        code=NOMINATION_DECIDED,
        label=gettext_lazy("Your chapter's nomination was decided"),
        model="companies.nomination",
        text=_decided_text,
        link=lambda nomination: f"{reverse('companies:nominations')}?state={nomination.state}",
        title=lambda nomination: nomination.company.organization.name,
        can_see=can_see_nomination_decision,
        select_related=("company__organization",),
        email_default=True,
    ),
]

for _kind in COMPANY_KINDS:
    kind_register(_kind)
