"""The notification kinds the companies app sends, registered from `CompaniesConfig.ready`.

Each kind's `can_see` is the companies access rule for what the notice reveals: a score jump,
a nomination or an application is private company data, so only those who may see the
company's private data get (and later still see) it; chapter staff see it only while the
company consents to share with its chapter.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def _company_kind(code: str, label: str | Promise, text: Any) -> Kind:
    """A notice about a watched company: private company data, linked to its page."""
    return Kind(
        code=code,
        label=label,
        model="companies.company",
        text=text,
        link=_company_link,
        title=_company_name,
        can_see=access.can_view_private,
        select_related=("organization",),
    )


COMPANY_KINDS = [
    _company_kind(
        SCORE_JUMP, gettext_lazy("A watched company's potential score changed"), _score_jump_text
    ),
    _company_kind(NOMINATED, gettext_lazy("A watched company was nominated"), _nominated_text),
    _company_kind(APPLIED, gettext_lazy("A watched company applied for something"), _applied_text),
    Kind(
        code=NOMINATION_DECIDED,
        label=gettext_lazy("Your chapter's nomination was decided"),
        model="companies.nomination",
        text=_decided_text,
        link=lambda nomination: f"{reverse('companies:nominations')}?state={nomination.state}",
        title=lambda nomination: nomination.company.organization.name,
        can_see=access.can_see_nomination_decision,
        select_related=("company__organization",),
        email_default=True,
    ),
]

for _kind in COMPANY_KINDS:
    kind_register(_kind)
